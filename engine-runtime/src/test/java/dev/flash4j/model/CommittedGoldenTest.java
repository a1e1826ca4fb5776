package dev.flash4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.ActivationPrecision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed golden models (testdata/) against their numpy reference logits over all 64
 * positions (prompt + greedy continuation): f32 activations within 2e-3, 8-bit activations within
 * the golden README's statistical bounds.
 */
class CommittedGoldenTest {
    static final int VOCAB = 1024;

    private static int[] ids(String type) throws Exception {
        return GoldenConformanceTest.referenceIds(GoldenData.readJson(GoldenData.testdata().resolve("logits/tiny-a-" + type + ".json")));
    }

    private static float[] reference(String type) throws Exception {
        return GoldenData.readFloats(GoldenData.testdata().resolve("logits/tiny-a-" + type + ".ref.logits.f32"));
    }

    private static Path model(String name) {
        return GoldenData.testdata().resolve("models/" + name + ".gguf");
    }

    @ParameterizedTest
    @CsvSource({"q8_0,step35-tiny-a-q8_0", "q4_0,step35-tiny-a-q4_0", "q4_k_s,step35-tiny-a-q4_k_s",
            "iq4_xs,step35-tiny-a-iq4_xs", "f16,step35-tiny-a-mtp-f16"})
    void logitsMatchNumpyReference(String type, String modelName) throws Exception {
        int[] ids = ids(type);
        float[] logits = GoldenData.allLogits(model(modelName), ids, KvCacheType.F32, 24, ActivationPrecision.F32);
        float max = GoldenData.maxAbsDiff(logits, 0, reference(type), 0, logits.length);
        System.out.printf("%s vs numpy: max abs logit diff %.3g%n", modelName, max);
        assertTrue(max <= 2e-3, modelName + ": " + max);
    }

    @ParameterizedTest
    @CsvSource({"q8_0,step35-tiny-a-q8_0", "q4_0,step35-tiny-a-q4_0", "q4_k_s,step35-tiny-a-q4_k_s",
            "iq4_xs,step35-tiny-a-iq4_xs", "f16,step35-tiny-a-mtp-f16"})
    void q8ActivationsStayWithinTheStatisticalBounds(String type, String modelName) throws Exception {
        int[] ids = ids(type);
        float[] logits = GoldenData.allLogits(model(modelName), ids, KvCacheType.F32, 24, ActivationPrecision.Q8);
        LogitStats stats = LogitStats.compare(logits, reference(type), ids.length, VOCAB);
        System.out.println(modelName + " with q8 activations vs numpy: " + stats);
        assertTrue(stats.medianRowMaxDiff() <= 0.3 && stats.top1Agreement() >= 0.7, stats.toString());
    }
}
