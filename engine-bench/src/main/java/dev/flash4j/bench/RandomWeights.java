package dev.flash4j.bench;

import dev.flash4j.core.BlockFormats;
import dev.flash4j.core.Quantizer;
import dev.flash4j.core.WeightMatrix;
import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Weight matrices of random values for kernel benchmarks, in off-heap memory like mapped weights:
 * Gaussian values quantized by {@link Quantizer} (every type the benchmarks take has one).
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
