package dev.flash4j.bench;

import dev.flash4j.core.BlockFormats;
import dev.flash4j.core.Quantizer;
import dev.flash4j.core.WeightMatrix;
import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Weight matrices of random values for kernel benchmarks, in off-heap memory like mapped weights.
 * Types with a {@link Quantizer} get quantized Gaussian values; IQ4_XS (no quantizer yet) gets
 * random blocks with a small finite f16 scale, which exercise its kernels the same way: speed does
 * not depend on the values.
 */
final class RandomWeights {
    private RandomWeights() {}

    static WeightMatrix matrix(Arena arena, GgmlType type, int rows, int cols, long seed) {
        if (cols % type.blockSize() != 0) throw new IllegalArgumentException(cols + " columns are not whole " + type + " blocks");
        long rowBytes = type.rowBytes(cols);
        MemorySegment data = arena.allocate(rows * rowBytes, 64);
        Random random = new Random(seed);
        if (Quantizer.supports(type)) {
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) row[i] = (float) random.nextGaussian() * 0.02f;
                Quantizer.quantizeRow(type, row, 0, cols, data, r * rowBytes);
            }
        } else if (type == GgmlType.IQ4_XS) {
            byte[] bytes = new byte[Math.toIntExact(rowBytes)];
            short d = Float.floatToFloat16(0.001f);
            for (int r = 0; r < rows; r++) {
                random.nextBytes(bytes);
                for (int b = 0; b < bytes.length; b += type.blockBytes()) { // block starts with d (f16, little-endian)
                    bytes[b] = (byte) d;
                    bytes[b + 1] = (byte) (d >> 8);
                }
                MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, r * rowBytes, bytes.length);
            }
        } else {
            throw new IllegalArgumentException("no random weights for " + type);
        }
        return new WeightMatrix("random." + type, BlockFormats.of(type), data, rows, cols, rowBytes);
    }

    static float[] vector(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}
