package dev.flash4j.runtime;

import dev.flash4j.model.Step35State;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * One conversation with a {@link Model}: its KV cache and position. Tokens fed in stay cached, so
 * a later call continues where the last one stopped. Not thread-safe; one session per thread.
 */
public final class Session implements AutoCloseable {
    private final Model model;
    private final Step35State state;
    private final int vocab;

    Session(Model model, Step35State state) {
        this.model = model;
        this.state = state;
        this.vocab = model.config().vocab();
    }

    Model model() {
        return model;
    }

    Step35State state() {
        return state;
    }

    /** Positions filled so far. */
    public int position() {
        return state.position();
    }

    /** Bytes held by this session's KV cache. */
    public long kvCacheBytes() {
        return state.kvCacheBytes();
    }

    /** Feeds {@code tokens} and returns the logits of every one of them ({@code tokens.length x vocab}). */
    public float[] prefillAll(int[] tokens) {
        float[] logits = new float[Math.multiplyExact(tokens.length, vocab)];
        model.step35().forward(model.pool(), state, tokens, true, logits);
        return logits;
    }

    /** Feeds {@code tokens} and writes the logits of the last one into {@code logits}. */
    public void prefill(int[] tokens, float[] logits) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens to feed");
        model.step35().forward(model.pool(), state, tokens, false, logits);
    }

    /**
     * Teacher-forced MTP logits for every level the model carries: level {@code k}'s row {@code i}
     * predicts {@code ids[i + k + 1]} ({@code ids.length - k} rows of {@code vocab}). Runs on an
     * empty session and leaves it reset.
     */
    public float[][] mtpTeacherForced(int[] ids) {
        var c = model.config();
        if (c.mtpLayers() == 0) throw new IllegalStateException("the model has no MTP layers (step35.nextn_predict_layers is 0 or absent)");
        if (ids.length < 2) throw new IllegalArgumentException("MTP logits need at least 2 ids");
        if (state.position() != 0) throw new IllegalStateException("MTP teacher forcing needs an empty session");
        int d = c.embedding(), rows = ids.length - 1;
        float[] hidden = new float[rows * d];
        model.step35().forward(model.pool(), state, Arrays.copyOf(ids, rows), true, new float[rows * vocab], hidden);
        float[][] out = new float[Math.min(c.mtpLayers(), ids.length - 1)][];
        for (int k = 1; k <= out.length; k++) {
            int levelRows = ids.length - k;
            float[] next = new float[levelRows * d];
            out[k - 1] = new float[levelRows * vocab];
            model.step35().mtpForward(model.pool(), state, k, Arrays.copyOfRange(ids, k, k + levelRows), hidden, 0, true, out[k - 1], next);
            hidden = next;
        }
        state.reset();
        return out;
    }

    /** Forgets the last {@code n} positions. */
    public void rollback(int n) {
        state.rollback(n);
    }

    /** Empties the context. */
    public void reset() {
        state.reset();
    }

    /** The outcome of {@link #generate}. */
    public record Result(int[] tokens, int promptTokens, long prefillNanos, long decodeNanos, StopReason stopReason) {
        /** Prompt tokens per second. */
        public double prefillTokensPerSecond() {
            return prefillNanos == 0 ? 0 : promptTokens * 1e9 / prefillNanos;
        }

        /** Generated tokens per second, counting the steps after the first token. */
        public double decodeTokensPerSecond() {
            return decodeNanos == 0 || tokens.length < 2 ? 0 : (tokens.length - 1) * 1e9 / decodeNanos;
        }
    }

    public enum StopReason { MAX_TOKENS, STOP_TOKEN, CANCELLED, CONTEXT_FULL }

    /**
     * Feeds {@code prompt}, then samples up to {@code maxTokens} tokens, handing each to
     * {@code onToken} as soon as it is chosen (return false to stop). Stops early on any of
     * {@code stopTokens} (which is reported but not fed back).
     */
    public Result generate(int[] prompt, int maxTokens, SamplingOptions sampling, int[] stopTokens, IntPredicate onToken) {
        Sampler sampler = new Sampler(sampling, vocab);
        float[] logits = new float[vocab];
        int[] history = new int[prompt.length + maxTokens];
        System.arraycopy(prompt, 0, history, 0, prompt.length);
        int historyLength = prompt.length;
        int[] out = new int[maxTokens];
        int produced = 0;
        StopReason reason = StopReason.MAX_TOKENS;
        long t0 = System.nanoTime();
        prefill(prompt, logits);
        long t1 = System.nanoTime();
        int[] one = new int[1];
        while (produced < maxTokens) {
            int next = sampler.sample(logits, 0, history, historyLength);
            out[produced++] = next;
            history[historyLength++] = next;
            if (!onToken.test(next)) {
                reason = StopReason.CANCELLED;
                break;
            }
            if (contains(stopTokens, next)) {
                reason = StopReason.STOP_TOKEN;
                break;
            }
            if (produced == maxTokens) break;
            if (state.position() >= state.contextSize()) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            one[0] = next;
            model.step35().forward(model.pool(), state, one, false, logits);
        }
        long t2 = System.nanoTime();
        return new Result(Arrays.copyOf(out, produced), prompt.length, t1 - t0, t2 - t1, reason);
    }

    private static boolean contains(int[] a, int v) {
        if (a == null) return false;
        for (int x : a) if (x == v) return true;
        return false;
    }

    /** Nothing to free beyond the heap; closing marks the end of the conversation. */
    @Override
    public void close() {
        state.reset();
    }
}
