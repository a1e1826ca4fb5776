package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.JitOptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A decode step must not allocate in steady state (issue 6): the heap then stays flat however long
 * the generation. Measured as bytes allocated on the decoding thread per token, read from
 * {@code ThreadMXBean.getThreadAllocatedBytes} in the per-token callback, so what a call allocates
 * once (sampler, output arrays, the prompt's prefill) stays outside the measured windows.
 *
 * <p>Code the JIT has not compiled yet allocates more (the vector API's fallbacks box), never less,
 * so a warm-up generation runs first (on the same two worker threads: a one-thread warm-up compiles
 * the pool's single-thread path only, and the two-thread run then starts over), and the figure is
 * the smallest over windows of {@link #WINDOW} tokens of the measured generation. Two threads, as
 * in real use: the loop bodies handed to the pool then really escape (with one thread the JIT can
 * remove them).
 *
 * <p>Measured today: 0 bytes per token on the tiny q4_k_s model, greedy or sampled, with float or
 * 8-bit activations (every parallel loop is a reusable object, every scratch array is sized once;
 * see {@code docs/performance-memory.md}), hence a bound of {@value #BOUND_PER_TOKEN} bytes: one
 * object per token more fails it; so are repacked (interleaved) weights with float activations,
 * the default path, and with 8-bit activations. The latter measured 412-880 KB per token until
 * 2026-11-24 (short vectors passed across calls, boxed), then 0-3 KB with one run in five at
 * 1.1 MB: the interleaved kernels cleared each output run with a zero vector, which C2 boxed in
 * {@code dotQ8} whenever it left the Vector API calls there out of line; they now clear with a
 * plain fill (0 B measured in 8 runs out of 8).
 *
 * <p>Speculative decoding is measured after every other committed format ran in the same JVM: that
 * once cost 10 MB per token (C2 left a helper of the f16 dot out of line; see
 * {@code docs/performance-memory.md}).
 *
 * <p>The JVM runs with {@link JitOptions}' raised limits, as the launcher's does. With HotSpot's
 * defaults this test failed intermittently (1 CI run in 3 on 2026-12-06; 7 runs in 14 with the
 * JIT slowed by compilation logging): the Vector API's shared methods collect the deoptimizations
 * of every kernel, and past {@code PerMethodRecompilationCutoff / 2} of them (or
 * {@code PerMethodTrapLimit} class-check traps summed over a compilation) C2 compiled the next
 * kernel with virtual-call fallbacks that box every vector, 15-190 KB per token. Several earlier
 * fixes here (splitting kernels, moving vectors out of helpers) made that less likely without
 * removing it.
 */
class DecodeAllocationTest {
    static final Path TESTDATA = Path.of(System.getProperty("flash4j.testdata", "../testdata"), "models");
    static final long BOUND_PER_TOKEN = 64;
    /**
     * Speculative decoding, measured 0 (10 MB before the f16 dot fix, see
     * {@link #speculativeDecodeAfterOtherFormatsAllocatesLittlePerToken}). Looser than the plain bound: a
     * level that restarts catches up with a batch of up to 16 rows through {@code TiledMatMul}, a path
     * rare enough to still run C1 code (which boxes vectors) in a window.
     */
    static final long SPECULATIVE_BOUND_PER_TOKEN = 1024;
    static final String MODEL = "step35-tiny-a-q4_k_s.gguf";
    static final int[] PROMPT = {1, 334, 973, 157, 407, 669, 52, 77};
    static final int WARM_UP = 400, WARM_UP_ROUND = 100, MEASURED = 240, WINDOW = 40;
    /** The longest warm-up before measuring anyway (a JIT that never settles is then measured as it is). */
    static final long WARM_UP_LIMIT_NANOS = 90_000_000_000L;

    /** How one test generates: {@code tokens} tokens on an empty session, calling {@code onToken} for each. */
    @FunctionalInterface
    interface Generation {
        void run(Session session, int tokens, IntPredicate onToken);
    }

    /**
     * Greedy, then sampling with top-k 0 and top-p 0.9 (the full sort of the vocabulary, which must
     * not box), penalties and a logit bias: the sampler must add nothing to the kernels' share.
     */
    @Test
    void plainDecodeAllocatesLittlePerToken() throws Exception {
        SamplingOptions sampling = new SamplingOptions(0.8f, 0, 0.9f, 0f, 1.1f, 0f, 0f, 64, Map.of(5, 1f), 42);
        double greedy = perToken("greedy", MODEL, options(), plain(SamplingOptions.greedy()));
        double sampled = perToken("sampled", MODEL, options(), plain(sampling));
        assertTrue(greedy < BOUND_PER_TOKEN, "greedy decoding allocates " + greedy + " bytes per token");
        assertTrue(sampled < BOUND_PER_TOKEN, "sampled decoding allocates " + sampled + " bytes per token");
    }

    /** 8-bit activations: the row kernels' Q8 path and the per-thread activation buffer. */
    @Test
    void q8ActivationsAllocateLittlePerToken() throws Exception {
        double q8 = perToken("q8 activations", MODEL, options().withActivations(ActivationPrecision.Q8), plain(SamplingOptions.greedy()));
        assertTrue(q8 < BOUND_PER_TOKEN, "decoding with 8-bit activations allocates " + q8 + " bytes per token");
    }

    /**
     * Repacked (interleaved) weights, the {@code --repack} path, with float and with 8-bit
     * activations; and the IQ4_XS and Q4_0 models' copies (their kernels on 512-bit vectors, their
     * row kernels on 256-bit ones), whose kernels are Q4_K's with a table lookup: near C2's node budget.
     */
    @Test
    void repackedWeightsAllocateLittlePerToken() throws Exception {
        ModelOptions repacked = options().withRepackWeights(true);
        double f32 = perToken("repacked", MODEL, repacked, plain(SamplingOptions.greedy()));
        double q8 = perToken("repacked, q8 activations", MODEL, repacked.withActivations(ActivationPrecision.Q8), plain(SamplingOptions.greedy()));
        double iq4 = perToken("repacked IQ4_XS", "step35-tiny-a-iq4_xs.gguf", repacked, plain(SamplingOptions.greedy()));
        assertTrue(f32 < BOUND_PER_TOKEN, "decoding repacked weights allocates " + f32 + " bytes per token");
        assertTrue(q8 < BOUND_PER_TOKEN, "decoding repacked weights with 8-bit activations allocates " + q8 + " bytes per token");
        assertTrue(iq4 < BOUND_PER_TOKEN, "decoding repacked IQ4_XS weights allocates " + iq4 + " bytes per token");
        double q40 = perToken("repacked Q4_0", "step35-tiny-a-q4_0.gguf", repacked, plain(SamplingOptions.greedy()));
        assertTrue(q40 < BOUND_PER_TOKEN, "decoding repacked Q4_0 weights allocates " + q40 + " bytes per token");
    }

    /**
     * Passes of 4 tokens (what verifying 3 drafts costs) on repacked weights: the interleaved
     * multi-token kernels ({@code dotTokens}), which the speculative test below (an f16 model)
     * does not reach. Each "token" of the measurement is one pass of 4 tokens, rolled back.
     */
    @Test
    void multiTokenPassesOnRepackedWeightsAllocateLittle() throws Exception {
        int[] four = {334, 973, 157, 407};
        double perPass = perToken("passes of 4 tokens, repacked", MODEL, options().withRepackWeights(true), (session, passes, onToken) -> {
            float[] logits = new float[session.model().config().vocab()];
            session.prefill(PROMPT, logits);
            for (int i = 0; i < passes; i++) {
                session.prefill(four, logits);
                session.rollback(four.length);
                if (!onToken.test(0)) return;
            }
        });
        assertTrue(perPass < BOUND_PER_TOKEN, "a 4-token pass on repacked weights allocates " + perPass + " bytes");
    }

    /**
     * Speculative decoding (2 MTP levels, greedy) on the f16 model, after every other committed
     * format has run prefill batches with float and 8-bit activations in this JVM, as in the whole
     * test suite. That widens the vector API's shared profiles, and C2 then left a helper of the
     * f16 dot out of line (boxing every vector): 10 MB per token and 3x slower than a fresh JVM.
     */
    @Test
    void speculativeDecodeAfterOtherFormatsAllocatesLittlePerToken() throws Exception {
        int[] ids = new int[64];
        for (int i = 0; i < ids.length; i++) ids[i] = (i * 37 + 11) % 1024;
        for (ActivationPrecision p : ActivationPrecision.values()) {
            for (String other : new String[]{"q8_0", "q4_0", "q4_k_s", "iq4_xs", "mtp-f16"}) {
                ModelOptions prefillOnly = ModelOptions.defaults().withBatchSize(24).withRepack(Repack.OFF)
                        .withKvCacheType(KvCacheType.F32).withActivations(p).withContextSize(ids.length);
                try (Model m = Model.load(TESTDATA.resolve("step35-tiny-a-" + other + ".gguf"), prefillOnly); Session s = m.newSession()) {
                    s.prefillAll(ids);
                }
            }
        }
        double speculative = perToken("speculative, 2 levels, after the other formats", "step35-tiny-a-mtp-f16.gguf", options(),
                (session, tokens, onToken) -> new SpeculativeDecoder(session, 2).generate(PROMPT, tokens, SamplingOptions.greedy(), null,
                        onToken, SpeculativeDecoder.Options.defaults()));
        assertTrue(speculative < SPECULATIVE_BOUND_PER_TOKEN, "speculative decoding allocates " + speculative + " bytes per token");
    }

    private static Generation plain(SamplingOptions sampling) {
        return (session, tokens, onToken) -> assertEquals(tokens, session.generate(PROMPT, tokens, sampling, null, onToken).tokens().length);
    }

    /** Two threads, as in real use (see the class comment), a context that holds the warm-up, weights read in place. */
    private static ModelOptions options() {
        return ModelOptions.defaults().withThreads(2).withKvCacheType(KvCacheType.F16).withContextSize(PROMPT.length + WARM_UP + 8)
                .withRepack(Repack.OFF);
    }

    /**
     * Generates until the JIT is done with the decode path: rounds of {@link #WARM_UP_ROUND} tokens,
     * at least {@link #WARM_UP} tokens, then until two rounds in a row pass without compilation work
     * (the compile-time counter stops moving). A fixed warm-up is not enough on a busy machine: the two
     * spinning worker threads compete with the compiler threads for two cores, and C2's code for the
     * kernels then arrives thousands of tokens later than on a quiet one (seen in CI: 662 bytes per
     * token after 400 tokens, still interpreted or C1 code that boxes vectors).
     */
    private static int warmUp(Session session, Generation generation) {
        var compilation = ManagementFactory.getCompilationMXBean();
        boolean timed = compilation != null && compilation.isCompilationTimeMonitoringSupported();
        long deadline = System.nanoTime() + WARM_UP_LIMIT_NANOS;
        long compiledBefore = timed ? compilation.getTotalCompilationTime() : 0;
        int quietRounds = 0;
        for (int generated = 0; ; generated += WARM_UP_ROUND) {
            generation.run(session, WARM_UP_ROUND, id -> true);
            session.reset();
            long compiled = timed ? compilation.getTotalCompilationTime() : 0;
            quietRounds = compiled == compiledBefore ? quietRounds + 1 : 0;
            compiledBefore = compiled;
            // two quiet rounds in a row: the counter moves when a compilation ends, so one long C2
            // compilation can span a round that looks quiet while the boxing C1 code still runs
            // (one run in about 20 measured 200 KB per 4-token pass, the others 0)
            if (generated + WARM_UP_ROUND >= WARM_UP && (quietRounds >= 2 || !timed || System.nanoTime() > deadline)) return generated + WARM_UP_ROUND;
        }
    }

    private static double perToken(String what, String modelFile, ModelOptions options, Generation generation) throws Exception {
        assertEquals(java.util.List.of(), JitOptions.missing(), "the test JVM lacks the JIT options the engine needs");
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot measure per-thread allocation");
        threads.setThreadAllocatedMemoryEnabled(true);
        long tid = Thread.currentThread().threadId();
        long[] allocatedAt = new long[MEASURED];
        int[] count = {0};
        int warmedUp;
        try (Model model = Model.load(TESTDATA.resolve(modelFile), options); Session session = model.newSession()) {
            warmedUp = warmUp(session, generation);
            generation.run(session, MEASURED, id -> {
                if (count[0] % (WINDOW / 2) == 0) allocatedAt[count[0]] = threads.getThreadAllocatedBytes(tid);
                count[0]++;
                return true;
            });
        }
        double best = Double.MAX_VALUE, first = 0;
        for (int from = 0; from + WINDOW < MEASURED; from += WINDOW / 2) {
            double perToken = (double) (allocatedAt[from + WINDOW] - allocatedAt[from]) / WINDOW;
            if (from == 0) first = perToken;
            best = Math.min(best, perToken);
        }
        System.out.printf("decode allocation, %s: %.1f bytes/token in steady state (first window %.1f; after %d warm-up tokens)%n",
                what, best, first, warmedUp);
        return best;
    }
}
