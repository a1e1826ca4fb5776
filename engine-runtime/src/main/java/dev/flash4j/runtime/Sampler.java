package dev.flash4j.runtime;

import dev.flash4j.core.VectorOps;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits as {@link SamplingOptions} says. Holds its own seeded generator and
 * scratch buffers (sized once for the vocabulary), so one sampler serves one generation stream.
 */
public final class Sampler {
    private final SamplingOptions options;
    private final SplittableRandom random;
    private final float[] work;
    private final int[] order;
    private final int[] counts;

    public Sampler(SamplingOptions options, int vocab) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.work = new float[vocab];
        this.order = new int[vocab];
        this.counts = new int[vocab];
    }

    /**
     * The next token for {@code logits[off .. off+vocab)}, given the recent tokens
     * {@code history[0 .. historyLength)} for the penalties. The logits are not modified.
     */
    public int sample(float[] logits, int off, int[] history, int historyLength) {
        int vocab = work.length;
        System.arraycopy(logits, off, work, 0, vocab);
        applyPenalties(history, historyLength);
        for (Map.Entry<Integer, Float> e : options.logitBias().entrySet()) {
            int id = e.getKey();
            if (id >= 0 && id < vocab) work[id] += e.getValue();
        }
        if (options.temperature() == 0f) return VectorOps.argmax(work, 0, vocab);

        // candidates sorted by logit, best first, cut by top-k
        int n = vocab;
        for (int i = 0; i < vocab; i++) order[i] = i;
        int k = options.topK() > 0 ? Math.min(options.topK(), vocab) : vocab;
        sortByLogit(k);
        n = k;
        // softmax at temperature over the candidates
        float max = work[order[0]];
        double sum = 0;
        double[] probs = new double[n];
        for (int i = 0; i < n; i++) {
            probs[i] = Math.exp((work[order[i]] - max) / options.temperature());
            sum += probs[i];
        }
        for (int i = 0; i < n; i++) probs[i] /= sum;
        // min-p: drop candidates below minP x the best probability
        if (options.minP() > 0) {
            double floor = options.minP() * probs[0];
            int keep = 1;
            while (keep < n && probs[keep] >= floor) keep++;
            n = keep;
        }
        // top-p: the smallest prefix whose mass reaches topP
        if (options.topP() < 1f) {
            double mass = 0;
            int keep = 0;
            while (keep < n) {
                mass += probs[keep++];
                if (mass >= options.topP()) break;
            }
            n = keep;
        }
        double total = 0;
        for (int i = 0; i < n; i++) total += probs[i];
        double r = random.nextDouble() * total;
        for (int i = 0; i < n; i++) {
            r -= probs[i];
            if (r < 0) return order[i];
        }
        return order[n - 1];
    }

    private void applyPenalties(int[] history, int length) {
        boolean any = options.repetitionPenalty() != 1f || options.presencePenalty() != 0f || options.frequencyPenalty() != 0f;
        if (!any || history == null || length == 0) return;
        int from = Math.max(0, length - options.penaltyWindow());
        for (int i = from; i < length; i++) counts[history[i]]++;
        for (int i = from; i < length; i++) {
            int id = history[i];
            int c = counts[id];
            if (c == 0) continue; // already penalised
            float l = work[id];
            if (options.repetitionPenalty() != 1f) l = l > 0 ? l / options.repetitionPenalty() : l * options.repetitionPenalty();
            l -= options.presencePenalty() + c * options.frequencyPenalty();
            work[id] = l;
            counts[id] = 0;
        }
    }

    /** Moves the {@code k} largest logits to the front of {@code order}, sorted descending. */
    private void sortByLogit(int k) {
        int vocab = work.length;
        if (k < vocab) {
            // partial selection: keep a sorted top-k window
            int filled = 0;
            for (int i = 0; i < vocab; i++) {
                float l = work[i];
                if (filled == k && l <= work[order[k - 1]]) continue;
                int j = filled < k ? filled++ : k - 1;
                while (j > 0 && work[order[j - 1]] < l) {
                    order[j] = order[j - 1];
                    j--;
                }
                order[j] = i;
            }
        } else {
            Integer[] boxed = new Integer[vocab];
            for (int i = 0; i < vocab; i++) boxed[i] = i;
            Arrays.sort(boxed, (a, b) -> Float.compare(work[b], work[a]));
            for (int i = 0; i < vocab; i++) order[i] = boxed[i];
        }
    }
}
