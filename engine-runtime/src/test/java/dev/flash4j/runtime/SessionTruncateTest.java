package dev.flash4j.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Session#truncate}: the tiny model has sliding-window layers of 8 positions; with batches
 * of 4 their rings hold 12 slots, so up to 4 positions can be cut while keeping the cache.
 */
class SessionTruncateTest {
    static final int[] IDS = {1, 334, 973, 157, 407, 669, 52, 77, 843, 551, 99, 377, 599, 62, 934, 522, 222, 41, 91, 447};
    static final int[] NEXT = {12, 700, 31, 5, 88, 610};
    static Model model;
    static int vocab;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(TestModels.tiny(), TestModels.options().withContextSize(64).withBatchSize(4));
        vocab = model.config().vocab();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Logits of NEXT after the first {@code keep} ids, computed from scratch. */
    static float[] fresh(int keep) {
        try (Session s = model.newSession()) {
            s.prefillAll(Arrays.copyOf(IDS, keep));
            return s.prefillAll(NEXT);
        }
    }

    static void assertClose(float[] a, float[] b) {
        float worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        assertTrue(worst <= 1e-4, "max diff " + worst);
    }

    @Test
    void cuttingWithinTheRingSlackKeepsTheCache() {
        try (Session s = model.newSession()) {
            s.prefillAll(IDS);
            assertTrue(s.truncate(IDS.length - 4));
            assertEquals(IDS.length - 4, s.position());
            assertArrayEquals(Arrays.copyOf(IDS, IDS.length - 4), s.cachedTokens());
            assertClose(fresh(IDS.length - 4), s.prefillAll(NEXT));
        }
    }

    @Test
    void cuttingBeyondTheSlackRecomputesThePrefix() {
        try (Session s = model.newSession()) {
            s.prefillAll(IDS);
            assertFalse(s.truncate(9));
            assertEquals(9, s.position());
            assertArrayEquals(Arrays.copyOf(IDS, 9), s.cachedTokens());
            assertClose(fresh(9), s.prefillAll(NEXT));
        }
    }

    @Test
    void fullAttentionOnlyContextsCutAnywhere() throws Exception {
        // a context no longer than window + batch: the rings never wrap, so any cut keeps the cache
        try (Model small = Model.load(TestModels.tiny(), TestModels.options().withContextSize(12).withBatchSize(4));
             Session s = small.newSession()) {
            s.prefillAll(Arrays.copyOf(IDS, 12));
            assertTrue(s.truncate(2));
            assertEquals(2, s.position());
        }
    }

    @Test
    void truncatingBeyondThePositionIsRejected() {
        try (Session s = model.newSession()) {
            s.prefillAll(Arrays.copyOf(IDS, 5));
            assertThrows(IllegalArgumentException.class, () -> s.truncate(6));
            assertThrows(IllegalArgumentException.class, () -> s.truncate(-1));
        }
    }

    @Test
    void speculativeDecodingKeepsTheCachedIdsTrue() {
        // the decoder runs the model on the session's state itself; the recorded ids must follow
        try (Session s = model.newSession()) {
            int[] prompt = Arrays.copyOf(IDS, 12);
            SpeculativeDecoder.Result r = new SpeculativeDecoder(s, 2).generate(prompt, 10, SamplingOptions.greedy(), null, id -> true,
                    SpeculativeDecoder.Options.defaults());
            int[] out = r.generation().tokens();
            int[] expected = Arrays.copyOf(prompt, s.position());
            System.arraycopy(out, 0, expected, prompt.length, s.position() - prompt.length);
            assertArrayEquals(expected, s.cachedTokens());
        }
    }
}
