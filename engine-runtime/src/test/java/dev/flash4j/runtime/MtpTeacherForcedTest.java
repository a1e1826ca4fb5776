package dev.flash4j.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flash4j.attention.KvCacheType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MTP levels, teacher-forced, against the numpy reference (committed copy of the golden data). */
class MtpTeacherForcedTest {
    @Test
    void everyLevelMatchesNumpyWithin2e3() throws Exception {
        Path data = Path.of(System.getProperty("flash4j.testdata", "../testdata"));
        JsonNode meta = new ObjectMapper().readTree(data.resolve("logits/tiny-a-mtp-f16.mtp.json").toFile());
        int[] ids = new int[meta.get("ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = meta.get("ids").get(i).asInt();
        ModelOptions opts = ModelOptions.defaults().withThreads(2).withKvCacheType(KvCacheType.F32).withContextSize(128).withBatchSize(16);
        try (Model model = Model.load(data.resolve("models/step35-tiny-a-mtp-f16.gguf"), opts); Session s = model.newSession()) {
            float[][] levels = s.mtpTeacherForced(ids);
            assertEquals(meta.get("levels").size(), levels.length);
            for (JsonNode level : meta.get("levels")) {
                int k = level.get("level").asInt();
                ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(data.resolve("logits").resolve(level.get("logits").asText()))).order(ByteOrder.LITTLE_ENDIAN);
                float[] ref = new float[bb.remaining() / 4];
                bb.asFloatBuffer().get(ref);
                assertEquals(level.get("rows").asInt() * model.config().vocab(), levels[k - 1].length);
                float max = 0;
                for (int i = 0; i < ref.length; i++) max = Math.max(max, Math.abs(ref[i] - levels[k - 1][i]));
                System.out.printf("MTP level %d: max abs diff %.3g over %d rows%n", k, max, level.get("rows").asInt());
                assertTrue(max <= 2e-3, "level " + k + ": " + max);
            }
        }
    }
}
