package dev.flash4j.core;

import java.lang.foreign.MemorySegment;

/**
 * A copy of a weight matrix's rows re-laid out for matrix-vector products: groups of
 * {@link #GROUP} rows are interleaved so that one vector lane holds one row. A kernel then reads,
 * per column, the quants of 16 rows with one load and multiplies them by that column's activation
 * broadcast to all lanes; scales of 16 rows load as vectors too, so no per-block scalar work is
 * left (that work dominates the row-at-a-time kernels). The result of a group is 16 outputs at once.
 *
 * <p>Only whole groups are held: rows beyond the last whole group are left to the row kernels.
 */
public interface InterleavedRows {
    int GROUP = 16;

    /** Number of whole groups held. */
    int groups();

    /** Groups {@code [first, first+count)} as their own (a slice of the same memory). */
    InterleavedRows slice(int first, int count);

    /**
     * For the rows {@code r} of groups {@code [g0, g1)}: {@code out[outOff + r] = dot(row r, x[xOff ..])},
     * float activations; {@code sums[sOff + k]} is the sum of {@code x[xOff + 32k .. xOff + 32k + 32)}
     * (see {@link #sums32}), computed once per product rather than once per group.
     */
    void dot(int g0, int g1, float[] x, int xOff, float[] sums, int sOff, float[] out, int outOff);

    /**
     * {@link #dot} for several tokens at once, groups {@code [g0, g1)}: token {@code t}'s activations
     * at {@code x[xOffs[t] ..]}, its sub-block sums at {@code sums[t * sStride ..]}, its outputs at
     * {@code out[outOff + t * outStride + r]}. Kernels decode each quant vector to floats once and
     * multiply it with the activations of several tokens, so a small batch costs much less than
     * its tokens one at a time. This default does them one at a time.
     */
    default void dotTokens(int g0, int g1, float[] x, int[] xOffs, int tokens, float[] sums, int sStride, float[] out, int outOff, int outStride) {
        for (int t = 0; t < tokens; t++) dot(g0, g1, x, xOffs[t], sums, t * sStride, out, outOff + t * outStride);
    }

    /** {@code sums[sOff + k] = x[xOff + 32k] + ... + x[xOff + 32k + 31]} for {@code k < n/32}. */
    static void sums32(float[] x, int xOff, int n, float[] sums, int sOff) {
        for (int k = 0; k < n / 32; k++) sums[sOff + k] = InterleavedQ4K.sum32(x, xOff + 32 * k);
    }

    /**
     * The values of group {@code g} as floats, column-major: {@code tile[16*c + i]} is column
     * {@code c} of the group's row {@code i}. One vector load of the tile is then one column of
     * 16 rows, which is what the batched outer-product kernel of {@link TiledMatMul} consumes.
     */
    void dequantizeGroup(int g, float[] tile);

    /** Whether {@link #dotQ8} is implemented. */
    default boolean supportsQ8() { return true; }

    /** As {@link #dot} with 8-bit activations {@code a[aOff ..]} ({@code aOff} a multiple of 32). */
    void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff);

    /**
     * An interleaved copy of {@code w}'s whole groups, made on the threads of {@code pool} (null:
     * on the calling thread), or null if its type has no interleaved kernels or it has fewer than
     * 16 rows.
     */
    static InterleavedRows of(WeightMatrix w, WorkerPool pool) {
        if (w.rows() < GROUP) return null;
        return switch (w.type()) {
            case Q4_K -> InterleavedQ4K.pack(w.data(), w.rowBytes(), w.rows() / GROUP, w.cols(), pool);
            case Q6_K -> InterleavedQ6K.pack(w.data(), w.rowBytes(), w.rows() / GROUP, w.cols(), pool);
            case Q5_K -> InterleavedQ5K.pack(w.data(), w.rowBytes(), w.rows() / GROUP, w.cols(), pool);
            default -> null;
        };
    }

    /** Runs {@code body} for every group index below {@code groups}, in parallel on {@code pool} if there is one. */
    static void forEachGroup(WorkerPool pool, int groups, java.util.function.IntConsumer body) {
        if (pool == null) {
            for (int g = 0; g < groups; g++) body.accept(g);
        } else {
            pool.parallelFor(groups, 1, (g0, g1) -> {
                for (int g = g0; g < g1; g++) body.accept(g);
            });
        }
    }

    /** Allocation of packed memory (GC-managed: freed when the matrix is no longer referenced). */
    static MemorySegment allocate(long bytes) {
        return java.lang.foreign.Arena.ofAuto().allocate(bytes, 64);
    }
}
