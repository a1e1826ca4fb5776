package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Interleaved (repacked) K-quant weights give the logits of the weights read in place. */
class RepackTest {
    @Test
    void repackedWeightsGiveTheSameLogits() throws Exception {
        Path model = Path.of(System.getProperty("flash4j.testdata", "../testdata"), "models/step35-tiny-a-q4_k_s.gguf");
        int[] ids = {1, 334, 973, 157, 407, 669, 52, 77, 843, 551, 99, 377};
        ModelOptions base = ModelOptions.defaults().withThreads(2).withKvCacheType(KvCacheType.F32).withContextSize(64);
        float[] plain, repacked, plainDecode = new float[1024], repackedDecode = new float[1024];
        try (Model m = Model.load(model, base); Session s = m.newSession()) {
            plain = s.prefillAll(ids);
            s.prefill(new int[]{42}, plainDecode);
        }
        try (Model m = Model.load(model, base.withRepackWeights(true)); Session s = m.newSession()) {
            repacked = s.prefillAll(ids);
            s.prefill(new int[]{42}, repackedDecode);
        }
        float max = 0;
        for (int i = 0; i < plain.length; i++) max = Math.max(max, Math.abs(plain[i] - repacked[i]));
        for (int i = 0; i < 1024; i++) max = Math.max(max, Math.abs(plainDecode[i] - repackedDecode[i]));
        assertTrue(max <= 1e-4, "repacked vs in place: " + max);
    }
}
