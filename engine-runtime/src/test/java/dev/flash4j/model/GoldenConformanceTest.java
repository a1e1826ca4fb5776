package dev.flash4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.VectorOps;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgufFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every golden model of ../shared/golden against its numpy reference and llama.cpp. */
@Tag("conformance")
class GoldenConformanceTest {

    /** Prompt + greedy continuation as one sequence of 64 ids, the rows of the numpy reference. */
    static int[] referenceIds(JsonNode meta) {
        int[] prompt = GoldenData.ints(meta.get("prompt_ids"));
        int[] greedy = GoldenData.ints(meta.get("greedy_ids"));
        int[] ids = Arrays.copyOf(prompt, prompt.length + greedy.length - 1);
        System.arraycopy(greedy, 0, ids, prompt.length, greedy.length - 1);
        return ids;
    }

    @ParameterizedTest
    @ValueSource(strings = {"f32", "f16", "q8_0", "q4_0", "q4_k_s", "q6_k", "iq4_xs"})
    void logitsMatchNumpyReference(String type) throws Exception {
        Path g = GoldenData.shared();
        JsonNode meta = GoldenData.readJson(g.resolve("logits/tiny-a-" + type + ".json"));
        int[] ids = referenceIds(meta);
        float[] ref = GoldenData.readFloats(g.resolve("logits/tiny-a-" + type + ".ref.logits.f32"));
        float[] logits = GoldenData.allLogits(g.resolve("models/step35-tiny-a-" + type + ".gguf"), ids, KvCacheType.F32, 64, dev.flash4j.core.ActivationPrecision.F32);
        float max = GoldenData.maxAbsDiff(logits, 0, ref, 0, logits.length);
        System.out.printf("tiny-a-%s vs numpy: max abs logit diff %.3g over %d rows%n", type, max, ids.length);
        assertTrue(max <= 2e-3, type + ": max abs diff " + max);
    }

    @ParameterizedTest
    @CsvSource({"f32,F32", "f32-kvf16,F16"})
    void promptAndGreedyDecodeMatchLlamaCpp(String golden, String kv) throws Exception {
        Path g = GoldenData.shared();
        JsonNode meta = GoldenData.readJson(g.resolve("logits/tiny-a-" + golden + ".json"));
        int[] prompt = GoldenData.ints(meta.get("prompt_ids"));
        int[] greedy = GoldenData.ints(meta.get("greedy_ids"));
        float[] promptRef = GoldenData.readFloats(g.resolve("logits/tiny-a-" + golden + ".prompt.f32"));
        float[] genRef = GoldenData.readFloats(g.resolve("logits/tiny-a-" + golden + ".gen.f32"));
        String modelType = golden.startsWith("f32") ? "f32" : golden;
        try (GgufFile f = GgufFile.open(g.resolve("models/step35-tiny-a-" + modelType + ".gguf")); WorkerPool pool = new WorkerPool(2)) {
            Step35Model model = Step35Loader.load(f);
            int vocab = model.config().vocab();
            Step35State st = model.newState(KvCacheType.valueOf(kv), 256, 64);
            float[] logits = new float[prompt.length * vocab];
            model.forward(pool, st, prompt, true, logits);
            float maxPrompt = GoldenData.maxAbsDiff(logits, 0, promptRef, 0, prompt.length * vocab);
            int[] ours = new int[greedy.length];
            ours[0] = VectorOps.argmax(logits, (prompt.length - 1) * vocab, vocab);
            float[] step = new float[vocab];
            float maxGen = 0;
            for (int s = 0; s < greedy.length - 1; s++) {
                model.forward(pool, st, new int[]{greedy[s]}, false, step);
                maxGen = Math.max(maxGen, GoldenData.maxAbsDiff(step, 0, genRef, s * vocab, vocab));
                ours[s + 1] = VectorOps.argmax(step, 0, vocab);
            }
            System.out.printf("tiny-a-%s (kv %s) vs llama.cpp: prompt max diff %.3g, decode max diff %.3g%n", golden, kv, maxPrompt, maxGen);
            assertTrue(maxPrompt <= 2e-3 && maxGen <= 2e-3, "prompt " + maxPrompt + ", decode " + maxGen);
            assertArrayEquals(greedy, ours, "greedy ids");
        }
    }

    /** The 8-bit KV cache against llama.cpp's q8_0 cache, with the statistical bounds of the golden README. */
    @Test
    void int8KvCacheTracksLlamaCppQ8Cache() throws Exception {
        Path g = GoldenData.shared();
        JsonNode meta = GoldenData.readJson(g.resolve("logits/tiny-a-f32-kvq8_0.json"));
        int[] prompt = GoldenData.ints(meta.get("prompt_ids"));
        int[] greedy = GoldenData.ints(meta.get("greedy_ids"));
        float[] promptRef = GoldenData.readFloats(g.resolve("logits/tiny-a-f32-kvq8_0.prompt.f32"));
        float[] genRef = GoldenData.readFloats(g.resolve("logits/tiny-a-f32-kvq8_0.gen.f32"));
        try (GgufFile f = GgufFile.open(g.resolve("models/step35-tiny-a-f32.gguf")); WorkerPool pool = new WorkerPool(2)) {
            Step35Model model = Step35Loader.load(f);
            int vocab = model.config().vocab();
            Step35State st = model.newState(KvCacheType.Q8, 256, 64);
            int rows = prompt.length + greedy.length - 1;
            float[] ours = new float[rows * vocab];
            float[] ref = new float[rows * vocab];
            model.forward(pool, st, prompt, true, ours);
            System.arraycopy(promptRef, 0, ref, 0, prompt.length * vocab);
            float[] step = new float[vocab];
            for (int s = 0; s < greedy.length - 1; s++) {
                model.forward(pool, st, new int[]{greedy[s]}, false, step); // teacher-forced on llama.cpp's ids
                System.arraycopy(step, 0, ours, (prompt.length + s) * vocab, vocab);
                System.arraycopy(genRef, s * vocab, ref, (prompt.length + s) * vocab, vocab);
            }
            LogitStats stats = LogitStats.compare(ours, ref, rows, vocab);
            System.out.println("tiny-a-f32 with INT8 KV vs llama.cpp q8_0 KV: " + stats);
            assertTrue(stats.medianRowMaxDiff() <= 0.15 && stats.top1Agreement() >= 0.7, stats.toString());
        }
    }
}
