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
    private final double[] probs;
    private final long[] sortKeys;
    // the logit bias as parallel arrays: iterating the map would allocate on every token
    private final int[] biasIds;
    private final float[] biasValues;

    public Sampler(SamplingOptions options, int vocab) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.work = new float[vocab];
        this.order = new int[vocab];
        this.counts = new int[vocab];
        this.probs = new double[vocab];
        this.sortKeys = new long[vocab];
        int n = 0;
        int[] ids = new int[options.logitBias().size()];
        float[] values = new float[ids.length];
        for (Map.Entry<Integer, Float> e : options.logitBias().entrySet()) {
            if (e.getKey() >= 0 && e.getKey() < vocab) {
                ids[n] = e.getKey();
                values[n++] = e.getValue();
            }
        }
        this.biasIds = Arrays.copyOf(ids, n);
        this.biasValues = Arrays.copyOf(values, n);
    }

    /**
     * The next token for {@code logits[off .. off+vocab)}, given the recent tokens
     * {@code history[0 .. historyLength)} for the penalties. The logits are not modified.
     */
    public int sample(float[] logits, int off, int[] history, int historyLength) {
        int n = candidates(logits, off, history, historyLength);
        if (n == 1) return order[0];
        double r = random.nextDouble();
        for (int i = 0; i < n; i++) {
            r -= probs[i];
            if (r < 0) return order[i];
        }
        return order[n - 1];
    }

    /**
     * The full distribution the sampler draws from for these logits (zero outside the candidates
     * that survive the filters; one-hot at the argmax when greedy) into {@code dist[0 .. vocab)}.
     * Speculative decoding compares these distributions of the target and the drafter.
     */
    public void distribution(float[] logits, int off, int[] history, int historyLength, float[] dist) {
        int n = candidates(logits, off, history, historyLength);
        java.util.Arrays.fill(dist, 0, work.length, 0f);
        for (int i = 0; i < n; i++) dist[order[i]] = (float) probs[i];
    }

    /** Draws a token from a distribution over the vocabulary (need not be normalized). */
    public int draw(float[] dist) {
        double total = 0;
        for (int i = 0; i < work.length; i++) total += dist[i];
        double r = random.nextDouble() * total;
        int last = 0;
        for (int i = 0; i < work.length; i++) {
            if (dist[i] <= 0) continue;
            last = i;
            r -= dist[i];
            if (r < 0) return i;
        }
        return last;
    }

    /** A uniform number in [0, 1) from this sampler's seeded generator. */
    public double nextUniform() {
        return random.nextDouble();
    }

    /** Whether this sampler is greedy (temperature 0). */
    public boolean greedy() {
        return options.temperature() == 0f;
    }

    /**
     * Fills {@code order[0..n)} with the surviving candidates, best first, and {@code probs[0..n)}
     * with their normalized probabilities; returns {@code n}.
     */
    private int candidates(float[] logits, int off, int[] history, int historyLength) {
        int vocab = work.length;
        System.arraycopy(logits, off, work, 0, vocab);
        applyPenalties(history, historyLength);
        for (int i = 0; i < biasIds.length; i++) work[biasIds[i]] += biasValues[i];
        if (options.temperature() == 0f) {
            order[0] = VectorOps.argmax(work, 0, vocab);
            probs[0] = 1;
            return 1;
        }
        for (int i = 0; i < vocab; i++) order[i] = i;
        int n = options.topK() > 0 ? Math.min(options.topK(), vocab) : vocab;
        sortByLogit(n);
        // softmax at temperature over the candidates
        float max = work[order[0]];
        double sum = 0;
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
        for (int i = 0; i < n; i++) probs[i] /= total;
        return n;
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
            // full sort without boxing: one long per token, the logit's bits made to sort descending
            // in the high half and the id in the low half (ties keep ascending ids, as a stable sort would)
            for (int i = 0; i < vocab; i++) sortKeys[i] = ((long) ~sortableBits(work[i]) << 32) | i;
            LongSort.sort(sortKeys, 0, vocab); // Arrays.sort allocates (see LongSort)
            for (int i = 0; i < vocab; i++) order[i] = (int) sortKeys[i];
        }
    }

    /** An int whose signed order is {@link Float#compare}'s order of the floats. */
    static int sortableBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }
}
