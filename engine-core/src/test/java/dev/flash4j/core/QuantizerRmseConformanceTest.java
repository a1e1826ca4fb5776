package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufTensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our quantizers against llama.cpp's on real tensors: every tensor that a golden model file stores
 * in a type we can quantize is re-quantized from the f32 model, and the RMSE of our result (after
 * dequantization) must be at most 1.10 x the RMSE of the golden file's own quantized tensor.
 */
@Tag("conformance")
class QuantizerRmseConformanceTest {
    private static final List<String> GOLDEN = List.of("q4_k_s", "q4_0", "q8_0", "q6_k", "iq4_xs");

    private static Path models() {
        String p = System.getProperty("flash4j.shared");
        if (p == null) throw new IllegalStateException("system property flash4j.shared is not set");
        return Path.of(p, "golden", "models");
    }

    /** Squared-error sums and counts of one quantized type in one file. */
    private static final class Tally {
        double oursSq, theirsSq;
        long n, rows, identicalRows;
        int tensors;
    }

    @TestFactory
    Stream<DynamicTest> oursWithinTenPercentOfLlamaCpp() {
        return GOLDEN.stream().map(name -> DynamicTest.dynamicTest(name, () -> compare(name)));
    }

    private static void compare(String name) throws IOException {
        try (GgufFile orig = GgufFile.open(models().resolve("step35-tiny-a-f32.gguf"));
             GgufFile gold = GgufFile.open(models().resolve("step35-tiny-a-" + name + ".gguf"))) {
            Map<GgmlType, Tally> byType = new TreeMap<>();
            for (GgufTensor g : gold.tensors().values()) {
                if (!g.type().isQuantized() || !Quantizer.supports(g.type())) continue;
                GgufTensor f = orig.require(g.name());
                assertEquals(GgmlType.F32, f.type(), g.name() + " in the f32 model");
                assertEquals(g.elementCount(), f.elementCount(), g.name());
                Tally t = byType.computeIfAbsent(g.type(), k -> new Tally());
                accumulate(f, g, t);
            }
            assertTrue(!byType.isEmpty(), name + " holds no tensor of a quantizer type");
            for (var e : byType.entrySet()) {
                Tally t = e.getValue();
                double ours = Math.sqrt(t.oursSq / t.n), theirs = Math.sqrt(t.theirsSq / t.n);
                System.out.printf("rmse %-7s %-5s tensors=%d values=%d ours=%.6g llama.cpp=%.6g ratio=%.4f rows byte-identical=%d/%d%n",
                        name, e.getKey(), t.tensors, t.n, ours, theirs, ours / theirs, t.identicalRows, t.rows);
                assertTrue(ours <= 1.10 * theirs, name + " " + e.getKey() + ": our RMSE " + ours + " > 1.10 x llama.cpp's " + theirs);
            }
        }
    }

    private static void accumulate(GgufTensor f, GgufTensor g, Tally t) {
        int n = (int) f.rowLength();
        BlockFormat fmt = BlockFormats.of(g.type());
        float[] x = new float[n], ours = new float[n], theirs = new float[n];
        long gRowBytes = g.rowBytes();
        for (long r = 0; r < f.rowCount(); r++) {
            BlockFormats.of(GgmlType.F32).dequantize(f.data(), r * f.rowBytes(), x, 0, n);
            byte[] q = Quantizer.quantizeRow(g.type(), x, 0, n);
            fmt.dequantize(MemorySegment.ofArray(q), 0, ours, 0, n);
            fmt.dequantize(g.data(), r * gRowBytes, theirs, 0, n);
            if (MemorySegment.ofArray(q).mismatch(g.data().asSlice(r * gRowBytes, gRowBytes)) == -1) t.identicalRows++;
            for (int i = 0; i < n; i++) {
                double a = ours[i] - (double) x[i], b = theirs[i] - (double) x[i];
                t.oursSq += a * a;
                t.theirsSq += b * b;
            }
            t.n += n;
            t.rows++;
        }
        t.tensors++;
    }
}
