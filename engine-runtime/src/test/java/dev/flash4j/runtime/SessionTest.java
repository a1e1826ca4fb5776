package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.VectorOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Session behaviour on the committed f16 model: decode vs batch, batch splitting, rollback, limits. */
class SessionTest {
    static final Path MODEL = Path.of(System.getProperty("flash4j.testdata", "../testdata"), "models/step35-tiny-a-mtp-f16.gguf");
    static final int[] IDS = {1, 334, 973, 157, 407, 669, 52, 77, 843, 551, 99, 377, 599, 62, 934, 522, 222, 41, 91, 447};
    static Model model;
    static int vocab;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(MODEL, ModelOptions.defaults().withThreads(2).withKvCacheType(KvCacheType.F32).withContextSize(64).withBatchSize(8));
        vocab = model.config().vocab();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static float maxDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        float m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a[aOff + i] - b[bOff + i]));
        return m;
    }

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void decodingStepByStepGivesTheBatchedLogits(KvCacheType kv) throws Exception {
        try (Model m = Model.load(MODEL, ModelOptions.defaults().withThreads(2).withKvCacheType(kv).withContextSize(64).withBatchSize(32));
             Session batched = m.newSession(); Session stepwise = m.newSession()) {
            float[] all = batched.prefillAll(IDS);
            float[] one = new float[vocab];
            float worst = 0;
            for (int i = 0; i < IDS.length; i++) {
                stepwise.prefill(new int[]{IDS[i]}, one);
                worst = Math.max(worst, maxDiff(all, i * vocab, one, 0, vocab));
            }
            assertTrue(worst <= 1e-4, kv + ": decode vs batch max diff " + worst);
        }
    }

    @Test
    void splittingThePromptIntoBatchesChangesNothing() throws Exception {
        // the model's batch size is 8: the 20-token prompt runs as 8 + 8 + 4 and crosses the sliding window of 8
        try (Model big = Model.load(MODEL, model.options().withBatchSize(64)); Session a = model.newSession(); Session b = big.newSession()) {
            float[] split = a.prefillAll(IDS);
            float[] whole = b.prefillAll(IDS);
            assertTrue(maxDiff(split, 0, whole, 0, split.length) <= 1e-4);
        }
    }

    @Test
    void rollbackRestoresTheEarlierState() {
        try (Session s = model.newSession()) {
            float[] ref = s.prefillAll(IDS);
            s.reset();
            s.prefillAll(Arrays.copyOf(IDS, 12));
            s.prefillAll(new int[]{5, 6, 7, 8}); // speculative tokens that get rejected
            s.rollback(4);
            float[] rest = s.prefillAll(Arrays.copyOfRange(IDS, 12, IDS.length));
            assertTrue(maxDiff(ref, 12 * vocab, rest, 0, rest.length) <= 1e-4);
            assertEquals(IDS.length, s.position());
        }
    }

    @Test
    void greedyGenerationMatchesArgmaxOfLogits() {
        try (Session s = model.newSession(); Session check = model.newSession()) {
            Session.Result r = s.generate(IDS, 6, SamplingOptions.greedy(), null, id -> true);
            assertEquals(6, r.tokens().length);
            int[] seq = Arrays.copyOf(IDS, IDS.length + 5);
            System.arraycopy(r.tokens(), 0, seq, IDS.length, 5);
            float[] logits = check.prefillAll(seq);
            for (int i = 0; i < 6; i++) {
                assertEquals(VectorOps.argmax(logits, (IDS.length - 1 + i) * vocab, vocab), r.tokens()[i], "token " + i);
            }
        }
    }

    @Test
    void sameSeedSameSample() {
        SamplingOptions opts = SamplingOptions.sample(1.0f, 1234).withTopK(0).withMinP(0f).withTopP(1f);
        int[] a, b, c;
        try (Session s = model.newSession()) { a = s.generate(IDS, 8, opts, null, id -> true).tokens(); }
        try (Session s = model.newSession()) { b = s.generate(IDS, 8, opts, null, id -> true).tokens(); }
        try (Session s = model.newSession()) { c = s.generate(IDS, 8, opts.withSeed(99), null, id -> true).tokens(); }
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "a different seed should change an 8-token sample at temperature 1");
    }

    @Test
    void fullContextIsAClearError() {
        try (Session s = model.newSession()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.prefillAll(new int[65]));
            assertTrue(e.getMessage().contains("context is full"), e.getMessage());
            assertEquals(0, s.position());
        }
    }

    @Test
    void kvCacheCostMatchesWhatTheCachesHold() {
        try (Session s = model.newSession()) {
            var o = model.options();
            assertEquals(s.kvCacheBytes(), KvCacheCost.bytes(model.config(), o.kvCacheType(), o.contextSize(), o.batchSize()));
        }
        // the spec's numbers for the real model at 256K: about 12.9 GB at f16 and 6.8 GB with 8-bit values
        double f16 = KvCacheCost.realModelBytes(KvCacheType.F16, KvCacheCost.REAL_CONTEXT, 512) / 1e9;
        double q8 = KvCacheCost.realModelBytes(KvCacheType.Q8, KvCacheCost.REAL_CONTEXT, 512) / 1e9;
        assertEquals(12.9, f16, 0.2);
        assertEquals(6.8, q8, 0.2);
    }

    @Test
    void closingTheModelStopsItsWorkerThreads() throws Exception {
        java.util.function.LongSupplier workers = () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("flash4j-worker") && t.isAlive()).count();
        long before = workers.getAsLong();
        Model m = Model.load(MODEL, model.options().withThreads(4));
        try (Session s = m.newSession()) {
            s.prefillAll(new int[]{1, 2, 3});
        }
        assertEquals(before + 3, workers.getAsLong(), "a pool of 4 starts 3 workers (the caller is the fourth)");
        m.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (workers.getAsLong() > before && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(before, workers.getAsLong(), "no worker outlives close()");
    }

    @Test
    void outOfRangeTokenIsRejected() {
        try (Session s = model.newSession()) {
            assertThrows(IllegalArgumentException.class, () -> s.prefillAll(new int[]{1, vocab}));
        }
    }
}
