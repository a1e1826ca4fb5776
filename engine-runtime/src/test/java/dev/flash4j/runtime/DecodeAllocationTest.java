package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A decode step must not allocate in steady state (issue 6): the heap then stays flat however long
 * the generation. Measured as bytes allocated on the calling thread per decoded token, from the
 * difference between a long and a short generation after warm-up, so that what a call allocates
 * once (its sampler, output arrays, the prompt's prefill) cancels out and only the per-token cost
 * remains. Two worker threads, as in real use: the loop bodies handed to the worker pool then
 * really escape (with one thread the JIT can remove them, and the figure depends on how far
 * compilation has got).
 *
 * <p>What remains today (see {@code docs/performance-memory.md}) is the kernels' loop-body objects:
 * 40 bytes per {@code MatMul} call and 56 per attention call, about 3.5 KB per token on the tiny
 * model. The bound is generous on purpose (JIT and escape analysis vary); the figure is printed.
 */
class DecodeAllocationTest {
    static final Path TESTDATA = Path.of(System.getProperty("flash4j.testdata", "../testdata"), "models");
    static final long BOUND_PER_TOKEN = 16 * 1024;
    static final int[] PROMPT = {1, 334, 973, 157, 407, 669, 52, 77};
    static final int SHORT = 40, LONG = 200;

    /**
     * Greedy, then sampling with top-k 0 and top-p 0.9 (the full sort of the vocabulary, which must
     * not box), penalties and a logit bias: the sampler must add nothing to the kernels' share.
     */
    @Test
    void plainDecodeAllocatesLittlePerToken() throws Exception {
        SamplingOptions sampling = new SamplingOptions(0.8f, 0, 0.9f, 0f, 1.1f, 0f, 0f, 64, java.util.Map.of(5, 1f), 42);
        try (Model model = load("step35-tiny-a-q4_k_s.gguf"); Session session = model.newSession()) {
            double greedy = perToken("greedy", n -> generate(session, n, SamplingOptions.greedy()));
            double sampled = perToken("sampled", n -> generate(session, n, sampling));
            assertTrue(greedy < BOUND_PER_TOKEN, "greedy decoding allocates " + greedy + " bytes per token");
            assertTrue(sampled < greedy + 256, "sampling adds " + (sampled - greedy) + " bytes per token to greedy decoding");
        }
    }

    @Test
    void speculativeDecodeAllocatesLittlePerToken() throws Exception {
        try (Model model = load("step35-tiny-a-mtp-f16.gguf"); Session session = model.newSession()) {
            double perToken = perToken("speculative greedy, 2 levels", n -> {
                session.reset();
                SpeculativeDecoder.Result r = new SpeculativeDecoder(session, 2).generate(PROMPT, n, SamplingOptions.greedy(), null, id -> true,
                        new SpeculativeDecoder.Options(false, null, null));
                assertEquals(n, r.generation().tokens().length);
            });
            assertTrue(perToken < BOUND_PER_TOKEN, "speculative decoding allocates " + perToken + " bytes per token");
        }
    }

    private static Model load(String name) throws Exception {
        return Model.load(TESTDATA.resolve(name), ModelOptions.defaults().withThreads(2).withKvCacheType(KvCacheType.F16).withContextSize(256));
    }

    private static void generate(Session session, int tokens, SamplingOptions sampling) {
        session.reset();
        Session.Result r = session.generate(PROMPT, tokens, sampling, null, id -> true);
        assertEquals(tokens, r.tokens().length);
    }

    /** Bytes allocated on this thread per token, from a long and a short run of {@code generate} after warm-up. */
    private static double perToken(String what, IntConsumer generate) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot measure per-thread allocation");
        threads.setThreadAllocatedMemoryEnabled(true);
        for (int i = 0; i < 2; i++) generate.accept(LONG); // warm-up: the JIT compiles the decode path
        long tid = Thread.currentThread().threadId();
        long a0 = threads.getThreadAllocatedBytes(tid);
        generate.accept(SHORT);
        long a1 = threads.getThreadAllocatedBytes(tid);
        generate.accept(LONG);
        long a2 = threads.getThreadAllocatedBytes(tid);
        double perToken = (double) ((a2 - a1) - (a1 - a0)) / (LONG - SHORT);
        System.out.printf("decode allocation, %s: %.1f bytes/token in steady state (whole calls: %d B for %d tokens, %d B for %d)%n",
                what, perToken, a1 - a0, SHORT, a2 - a1, LONG);
        return perToken;
    }
}
