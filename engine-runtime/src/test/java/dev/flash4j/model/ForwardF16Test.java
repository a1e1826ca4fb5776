package dev.flash4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgufFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardF16Test {
    @Test
    void mtpF16MainLogitsMatchNumpyReference() throws Exception {
        Path data = GoldenData.testdata();
        JsonNode meta = GoldenData.readJson(data.resolve("logits/tiny-a-f16.json"));
        int[] prompt = GoldenData.ints(meta.get("prompt_ids"));
        int[] greedy = GoldenData.ints(meta.get("greedy_ids"));
        int[] ids = new int[prompt.length + greedy.length - 1];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(greedy, 0, ids, prompt.length, greedy.length - 1);
        float[] ref = GoldenData.readFloats(data.resolve("logits/tiny-a-f16.ref.logits.f32"));
        try (GgufFile f = GgufFile.open(data.resolve("models/step35-tiny-a-mtp-f16.gguf"));
             WorkerPool pool = new WorkerPool(2)) {
            Step35Model model = Step35Loader.load(f);
            int vocab = model.config().vocab();
            Step35State st = model.newState(KvCacheType.F32, 128, 16);
            float[] logits = new float[ids.length * vocab];
            model.forward(pool, st, ids, true, logits);
            float max = GoldenData.maxAbsDiff(logits, 0, ref, 0, ids.length * vocab);
            System.out.println("tiny-a-mtp-f16 main logits vs numpy: max abs diff " + max);
            assertTrue(max <= 2e-3, "max abs diff " + max);
        }
    }
}
