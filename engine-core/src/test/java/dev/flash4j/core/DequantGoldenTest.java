package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every ggml type in the committed {@code testdata/dequant}: dequantize and dot against ggml's values. */
class DequantGoldenTest {
    static Path dir() {
        String p = System.getProperty("flash4j.testdata");
        if (p == null) throw new IllegalStateException("system property flash4j.testdata is not set");
        return Path.of(p, "dequant");
    }

    @Test
    void everyImplementedTypeHasAFixtureAndEveryFixtureAFormat() throws IOException {
        Set<GgmlType> seen = EnumSet.noneOf(GgmlType.class);
        for (DequantFixture f : DequantFixture.loadAll(dir())) seen.add(f.type());
        Set<GgmlType> want = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1,
                GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K,
                GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS);
        assertEquals(want, seen);
        for (GgmlType t : want) assertEquals(t, BlockFormats.of(t).type());
    }

    @TestFactory
    Stream<DynamicTest> dequantizeMatchesGgml() throws IOException {
        List<DequantFixture> all = DequantFixture.loadAll(dir());
        return all.stream().map(f -> DynamicTest.dynamicTest(f.type().name(), () -> DequantChecks.checkDequantize(f)));
    }

    /** dot() from many threads at once gives the single-threaded results bit for bit. */
    @Test
    void dotIsSafeToCallConcurrently() throws Exception {
        List<DequantFixture> all = DequantFixture.loadAll(dir());
        float[] x = new float[1024];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.37);
        java.util.Map<GgmlType, float[]> want = new java.util.EnumMap<>(GgmlType.class);
        for (DequantFixture f : all) want.put(f.type(), rowDots(f, x));
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<?>> jobs = new java.util.ArrayList<>();
            for (int rep = 0; rep < 8; rep++)
                for (DequantFixture f : all)
                    jobs.add(pool.submit(() -> org.junit.jupiter.api.Assertions.assertArrayEquals(want.get(f.type()), rowDots(f, x), f.type().name())));
            for (var j : jobs) j.get();
        }
    }

    private static float[] rowDots(DequantFixture f, float[] x) {
        float[] out = new float[f.rows()];
        for (int r = 0; r < f.rows(); r++) out[r] = BlockFormats.of(f.type()).dot(f.raw(), r * f.rowBytes(), x, 0, f.rowElements());
        return out;
    }

    @TestFactory
    Stream<DynamicTest> dotMatchesDequantizedDot() throws IOException {
        List<DequantFixture> all = DequantFixture.loadAll(dir());
        return all.stream().map(f -> DynamicTest.dynamicTest(f.type().name(), () -> DequantChecks.checkDot(f, 42 + f.type().id())));
    }
}
