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

    /** Largest absolute difference over {@code rows x cols} values. */
    static float maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        float m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a[aOff + i] - b[bOff + i]));
        return m;
    }
}
