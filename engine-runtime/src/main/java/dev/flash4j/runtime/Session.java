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
    /** The ids at positions {@code 0 .. position()}: what the KV cache holds, for prefix reuse and re-prefill. */
    private final int[] cached;

    Session(Model model, Step35State state) {
        this.model = model;
        this.state = state;
        this.vocab = model.config().vocab();
        this.cached = new int[state.contextSize()];
    }

    /** The model this session runs. */
    public Model model() {
        return model;
    }

    /** Positions the session holds at most. */
    public int contextSize() {
        return state.contextSize();
    }

    /** A copy of the token ids whose keys and values are cached, one per filled position. */
    public int[] cachedTokens() {
        return Arrays.copyOf(cached, state.position());
    }

    /** Runs the model over {@code tokens} at the next positions and records them as cached. */
    private void forward(int[] tokens, boolean allLogits, float[] logits) {
        int start = state.position();
        model.step35().forward(model.pool(), state, tokens, allLogits, logits);
        System.arraycopy(tokens, 0, cached, start, tokens.length);
    }

    Step35State state() {
        return state;
    }

    /**
     * For code that runs the model on this session's state directly (speculative decoding): notes
     * that {@code tokens} now sit at positions {@code start ..}, so {@link #cachedTokens()} stays true.
     */
    void recordFed(int start, int[] tokens) {
        System.arraycopy(tokens, 0, cached, start, tokens.length);
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
        forward(tokens, true, logits);
        return logits;
    }

    /** Feeds {@code tokens} and writes the logits of the last one into {@code logits}. */
    public void prefill(int[] tokens, float[] logits) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens to feed");
        forward(tokens, false, logits);
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

    /**
     * Shortens the context to its first {@code position} positions, for instance to the prefix a
     * new prompt shares with what is cached. Full-attention layers only need the position moved.
     * A sliding-window layer's ring keeps just {@code batchSize} positions beyond its window, so
     * when more than that is cut away the positions left would have lost part of their window:
     * then the cache is emptied and the kept prefix is fed again from the recorded token ids.
     * Either way {@link #position()} is {@code position} afterwards.
     *
     * @return true when the cached state was kept, false when the prefix had to be recomputed
     */
    public boolean truncate(int position) {
        if (position < 0 || position > state.position()) {
            throw new IllegalArgumentException("cannot truncate " + state.position() + " positions to " + position);
        }
        if (state.truncate(position)) return true;
        int[] prefix = Arrays.copyOf(cached, position);
        state.reset();
        if (position > 0) forward(prefix, false, new float[vocab]);
        return false;
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

    /** Why a generation ended. */
    public enum StopReason { MAX_TOKENS, STOP_TOKEN, STOP_STRING, CANCELLED, CONTEXT_FULL }

    /**
     * Generates text after {@code prompt}, continuing this session's context. The prompt is
     * tokenized with the model's tokenizer; BOS is added (when {@code options.addBos()} and the
     * vocabulary asks for it) only if the session is empty. Text is streamed to {@code listener}
     * as described there; the result's text equals what the tokenizer decodes from the generated
     * ids, less a final stop token and cut before a stop string.
     */
    public GenerationResult generate(String prompt, GenerationOptions options, GenerationListener listener) {
        int[] ids = model.tokenizer().encode(prompt, options.addBos() && position() == 0, options.parseSpecial());
        return generate(ids, options, listener);
    }

    /** Like {@link #generate(String, GenerationOptions, GenerationListener)} for a prompt given as token ids (fed as is). */
    public GenerationResult generate(int[] prompt, GenerationOptions options, GenerationListener listener) {
        int[] history = cachedTokens();
        int[] all = Arrays.copyOf(history, history.length + prompt.length);
        System.arraycopy(prompt, 0, all, history.length, prompt.length);
        return TextGeneration.run(this, all, prompt, prompt.length, 0, options, listener, true);
    }

    /**
     * Generates after {@code prompt}, a whole context: the longest prefix it shares with what is
     * cached (less its last token, whose logits are needed) is kept via {@link #truncate} and only
     * the rest is computed. The usage's {@code cachedTokens} says how many positions were reused.
     */
    public GenerationResult generateReusingCache(int[] prompt, GenerationOptions options, GenerationListener listener) {
        int common = reusablePrefix(prompt);
        // when the cache could not keep the prefix, truncate has recomputed it: only the rest remains either way
        int reused = truncate(common) ? common : 0;
        return TextGeneration.run(this, prompt, Arrays.copyOfRange(prompt, common, prompt.length), prompt.length, reused, options, listener, true);
    }

    /** How many leading ids of {@code prompt} match the cached ones, leaving at least one to feed. */
    int reusablePrefix(int[] prompt) {
        int n = Math.min(state.position(), prompt.length - 1);
        int i = 0;
        while (i < n && cached[i] == prompt[i]) i++;
        return i;
    }

    /**
     * Feeds {@code prompt}, then samples up to {@code maxTokens} tokens, handing each to
     * {@code onToken} as soon as it is chosen (return false to stop). Stops early on any of
     * {@code stopTokens} (null: none; a stop token is reported but not fed back). Ids only: no
     * tokenizer is needed. The same loop as the text API ({@link TextGeneration}); the penalties
     * look back over the cached tokens and the prompt.
     */
    public Result generate(int[] prompt, int maxTokens, SamplingOptions sampling, int[] stopTokens, IntPredicate onToken) {
        java.util.List<Integer> stops = stopTokens == null ? java.util.List.of() : java.util.stream.IntStream.of(stopTokens).boxed().toList();
        GenerationOptions options = new GenerationOptions(maxTokens, sampling, java.util.List.of(), stops, false, false, null);
        int[] history = cachedTokens();
        int[] all = Arrays.copyOf(history, history.length + prompt.length);
        System.arraycopy(prompt, 0, all, history.length, prompt.length);
        GenerationResult r = TextGeneration.run(this, all, prompt, prompt.length, 0, options, new GenerationListener() {
            @Override
            public boolean onToken(int id) {
                return onToken.test(id);
            }
        }, false);
        return new Result(r.tokens(), prompt.length, r.timings().prefillNanos(), r.timings().decodeNanos(), r.stopReason());
    }

    /** Whether {@code a} (null: empty) holds {@code v}; shared with {@link SpeculativeDecoder}. */
    static boolean contains(int[] a, int v) {
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
