package dev.flash4j.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The column-major tiles of {@link TiledMatMul#groups} for a matrix in any block format, made from
 * its rows: 16 rows are dequantized one after the other into a per-thread row-major scratch
 * ({@code 16 * cols} floats), then each column's 16 values are gathered into
 * {@code tile[16*c .. 16*c+15]}.
 *
 * <p>Why: types without an interleaved copy (F32, F16, BF16, Q8_0, Q4_0, IQ4_XS, ...) otherwise go
 * through the row-major tile kernels, which load 8 vectors from L2 per 16 FMAs, where the
 * outer-product kernels of {@link TiledMatMul#groups} load 2 and take 8 broadcasts from L1.
 * Gathers cost about a cycle per value, a register transpose by two-vector permutes
 * ({@code selectFrom}, 4 stages over a 16 x 16 block held in memory) measured 1.5x slower.
 */
final class RowTiles {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int G = InterleavedRows.GROUP;
    /** Per thread: the 16 dequantized rows, and the gather offsets {@code i * cols} of their starts. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private RowTiles() {}

    private static final class Scratch {
        float[] rows = new float[0];
        final int[] starts = new int[G];
    }

    /** Rows {@code 16g .. 16g+15} of {@code w} into {@code tile[16*c + i]} (column {@code c}, row {@code i}). */
    static void dequantizeGroup(WeightMatrix w, int g, float[] tile) {
        int cols = w.cols();
        Scratch s = SCRATCH.get();
        if (s.rows.length < G * cols) s.rows = new float[G * cols];
        float[] rows = s.rows;
        int[] starts = s.starts;
        for (int i = 0; i < G; i++) {
            starts[i] = i * cols;
            w.dequantizeRow(G * g + i, rows, starts[i]);
        }
        int l = F.length();
        for (int c = 0; c < cols; c++) {
            for (int h = 0; h < G; h += l) FloatVector.fromArray(F, rows, c, starts, h).intoArray(tile, G * c + h);
        }
    }
}
