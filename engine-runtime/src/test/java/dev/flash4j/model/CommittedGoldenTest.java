package dev.flash4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgufFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed golden models (testdata/) against their numpy reference logits, f32 activations:
 * max abs diff <= 2e-3 over all 64 positions (prompt + greedy continuation).
 */
class CommittedGoldenTest {
    @ParameterizedTest
    @CsvSource({"q8_0,step35-tiny-a-q8_0", "q4_0,step35-tiny-a-q4_0", "q4_k_s,step35-tiny-a-q4_k_s",
            "iq4_xs,step35-tiny-a-iq4_xs", "f16,step35-tiny-a-mtp-f16"})
    void logitsMatchNumpyReference(String type, String modelName) throws Exception {
        Path data = GoldenData.testdata();
        JsonNode meta = GoldenData.readJson(data.resolve("logits/tiny-a-" + type + ".json"));
        int[] ids = GoldenConformanceTest.referenceIds(meta);
        float[] ref = GoldenData.readFloats(data.resolve("logits/tiny-a-" + type + ".ref.logits.f32"));
        try (GgufFile f = GgufFile.open(data.resolve("models/" + modelName + ".gguf")); WorkerPool pool = new WorkerPool(2)) {
            Step35Model model = Step35Loader.load(f);
            int vocab = model.config().vocab();
            Step35State st = model.newState(KvCacheType.F32, 128, 24);
            float[] logits = new float[ids.length * vocab];
            model.forward(pool, st, ids, true, logits);
            float max = GoldenData.maxAbsDiff(logits, 0, ref, 0, ids.length * vocab);
            System.out.printf("%s vs numpy: max abs logit diff %.3g%n", modelName, max);
            assertTrue(max <= 2e-3, modelName + ": " + max);
        }
    }

    /** 8-bit activations in the quantized products: the golden README's statistical bounds against numpy. */
    @ParameterizedTest
    @CsvSource({"q8_0,step35-tiny-a-q8_0", "q4_0,step35-tiny-a-q4_0", "q4_k_s,step35-tiny-a-q4_k_s",
            "iq4_xs,step35-tiny-a-iq4_xs", "f16,step35-tiny-a-mtp-f16"})
    void q8ActivationsStayWithinTheStatisticalBounds(String type, String modelName) throws Exception {
        Path data = GoldenData.testdata();
        JsonNode meta = GoldenData.readJson(data.resolve("logits/tiny-a-" + type + ".json"));
        int[] ids = GoldenConformanceTest.referenceIds(meta);
        float[] ref = GoldenData.readFloats(data.resolve("logits/tiny-a-" + type + ".ref.logits.f32"));
        try (GgufFile f = GgufFile.open(data.resolve("models/" + modelName + ".gguf")); WorkerPool pool = new WorkerPool(2)) {
            Step35Model model = Step35Loader.load(f);
            int vocab = model.config().vocab();
            Step35State st = model.newState(KvCacheType.F32, 128, 24, dev.flash4j.core.ActivationPrecision.Q8);
            float[] logits = new float[ids.length * vocab];
            model.forward(pool, st, ids, true, logits);
            LogitStats stats = LogitStats.compare(logits, ref, ids.length, vocab);
            System.out.println(modelName + " with q8 activations vs numpy: " + stats);
            assertTrue(stats.medianRowMaxDiff() <= 0.3 && stats.top1Agreement() >= 0.7, stats.toString());
        }
    }
}
