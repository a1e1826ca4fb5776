package dev.flash4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates and reads golden test data: committed copies (testdata/) or the full set (../shared/golden). */
final class GoldenData {
    private GoldenData() {}

    static Path testdata() {
        return Path.of(System.getProperty("flash4j.testdata", "../testdata"));
    }

    static Path shared() {
        return Path.of(System.getProperty("flash4j.shared", "../../shared")).resolve("golden");
    }

    static float[] readFloats(Path p) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[bb.remaining() / 4];
        bb.asFloatBuffer().get(f);
        return f;
    }

    static JsonNode readJson(Path p) throws IOException {
        return new ObjectMapper().readTree(p.toFile());
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    /** Logits of every position of {@code ids}, one batched pass (batches of {@code batch}) on a fresh state. */
    static float[] allLogits(Path modelFile, int[] ids, dev.flash4j.attention.KvCacheType kv, int batch,
                             dev.flash4j.core.ActivationPrecision activations) throws IOException {
        try (dev.flash4j.gguf.GgufFile f = dev.flash4j.gguf.GgufFile.open(modelFile); dev.flash4j.core.WorkerPool pool = new dev.flash4j.core.WorkerPool(2)) {
            Step35Model model = Step35Loader.load(f);
            Step35State st = model.newState(kv, Math.max(128, ids.length), batch, activations);
            float[] logits = new float[ids.length * model.config().vocab()];
            model.forward(pool, st, ids, true, logits);
            return logits;
        }
    }

    /** Largest absolute difference over {@code rows x cols} values. */
    static float maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        float m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a[aOff + i] - b[bOff + i]));
        return m;
    }
}
