package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Speculative decoding with the MTP levels of the committed f16 model gives exactly plain greedy output. */
class SpeculativeDecoderTest {
    static final Path MODEL = Path.of(System.getProperty("flash4j.testdata", "../testdata"), "models/step35-tiny-a-mtp-f16.gguf");
    static Model model;

    @BeforeAll
    static void load() throws Exception {
        // batch 8 keeps the sliding-window rings small, so rollbacks and catch-ups cross ring wraps
        model = Model.load(MODEL, ModelOptions.defaults().withThreads(2).withKvCacheType(KvCacheType.F32).withContextSize(160).withBatchSize(8));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static int[] prompt(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[n];
        p[0] = 1;
        for (int i = 1; i < n; i++) p[i] = 3 + r.nextInt(1000);
        return p;
    }

    static int[] plainGreedy(int[] prompt, int n) {
        try (Session s = model.newSession()) {
            return s.generate(prompt, n, SamplingOptions.greedy(), null, id -> true).tokens();
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1,false,5", "2,1,false,17", "3,2,false,9", "4,2,true,30", "5,2,false,1", "6,1,true,12", "8,2,false,2", "9,1,false,1"})
    void greedyOutputIsIdenticalToPlainDecoding(long seed, int levels, boolean adaptive, int promptLength) {
        int[] p = prompt(seed, promptLength);
        int[] expected = plainGreedy(p, 40);
        try (Session s = model.newSession()) {
            SpeculativeDecoder.Result r = new SpeculativeDecoder(s, levels).generate(p, 40, SamplingOptions.greedy(), null, id -> true, new SpeculativeDecoder.Options(adaptive, null, null));
            assertArrayEquals(expected, r.generation().tokens());
            assertEquals(promptLength + 39, s.position(), "the cache holds everything but the last token");
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1", "2,2", "7,2"})
    void forcedAcceptanceOfTheModelsOwnOutputAcceptsEveryDraft(long seed, int levels) {
        int[] p = prompt(seed, 10);
        int[] expected = plainGreedy(p, 31);
        try (Session s = model.newSession()) {
            SpeculativeDecoder.Result r = new SpeculativeDecoder(s, levels)
                    .generate(p, 31, SamplingOptions.greedy(), null, id -> true, new SpeculativeDecoder.Options(false, j -> j < expected.length ? expected[j] : -1, null));
            assertArrayEquals(expected, r.generation().tokens());
            assertEquals(r.stats().totalDrafted(), r.stats().totalAccepted(), "every forced draft is the target's own choice");
            assertEquals(31.0 / (1 + 30.0 / (levels + 1)), r.stats().tokensPerPass(), 0.35);
        }
    }

    /**
     * With every draft accepted, each level's cache holds exactly the teacher-forced entries, so the
     * drafter's logits during decoding must equal the teacher-forced MTP logits of the final sequence.
     */
    @ParameterizedTest
    @CsvSource({"21,1", "22,2"})
    void draftLogitsEqualTeacherForcedLogitsWhenAllAccepted(long seed, int levels) {
        int[] p = prompt(seed, 9);
        int[] expected = plainGreedy(p, 26);
        int vocab = model.config().vocab();
        java.util.List<float[]> seen = new java.util.ArrayList<>();
        java.util.List<int[]> where = new java.util.ArrayList<>();
        try (Session s = model.newSession()) {
            new SpeculativeDecoder(s, levels).generate(p, 26, SamplingOptions.greedy(), null, id -> true,
                    new SpeculativeDecoder.Options(false, j -> j < expected.length ? expected[j] : -1, (level, index, logits) -> {
                        seen.add(logits.clone());
                        where.add(new int[]{level, index});
                    }));
        }
        int[] all = java.util.Arrays.copyOf(p, p.length + expected.length);
        System.arraycopy(expected, 0, all, p.length, expected.length);
        float[][] teacher;
        try (Session s = model.newSession()) {
            teacher = s.mtpTeacherForced(all);
        }
        assertFalse(seen.isEmpty());
        for (int i = 0; i < seen.size(); i++) {
            int level = where.get(i)[0], index = where.get(i)[1];
            float max = 0;
            for (int v = 0; v < vocab; v++) max = Math.max(max, Math.abs(seen.get(i)[v] - teacher[level - 1][index * vocab + v]));
            assertTrue(max <= 1e-4, "level " + level + " at index " + index + ": " + max);
        }
    }

    @Test
    void stopTokenEndsGenerationAndLeavesItUnfed() {
        int[] p = prompt(11, 12);
        int[] expected = plainGreedy(p, 30);
        int stop = expected[9];
        int firstStop = 0;
        while (expected[firstStop] != stop) firstStop++;
        try (Session s = model.newSession()) {
            SpeculativeDecoder.Result r = new SpeculativeDecoder(s, 2).generate(p, 30, SamplingOptions.greedy(), new int[]{stop}, id -> true,
                    new SpeculativeDecoder.Options(false, j -> j < expected.length ? expected[j] : -1, null));
            assertEquals(firstStop + 1, r.generation().tokens().length);
            assertEquals(Session.StopReason.STOP_TOKEN, r.generation().stopReason());
            assertEquals(p.length + firstStop, s.position());
        }
    }

    @Test
    void modelWithoutMtpLayersIsAClearError() throws Exception {
        Path q8 = Path.of(System.getProperty("flash4j.testdata", "../testdata"), "models/step35-tiny-a-q8_0.gguf");
        try (Model m = Model.load(q8, ModelOptions.defaults().withThreads(1).withContextSize(32)); Session s = m.newSession()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SpeculativeDecoder(s, 1));
            assertTrue(e.getMessage().contains("no MTP layers"));
        }
    }
}
