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
public interface InterleavedRows extends TiledMatMul.GroupTiles {
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

    /** As {@link #dot} with 8-bit activations {@code a[aOff ..]} ({@code aOff} a multiple of 32). */
    void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff);

    /**
     * Whether this copy's 8-bit kernels measured faster than its float kernels on this CPU, which
     * {@link ActivationPrecision#AUTO} follows. Where the float kernel is already bound by memory
     * reads, or by the 8-bit kernel's widening, it is not.
     */
    default boolean eightBitFaster() {
        return false;
    }

    /**
     * Whether this copy has 8-bit kernels at all ({@link #dotQ8}); without (IQ4_XS), every
     * precision gives it float activations ({@link ActivationPrecision#eightBit}).
     */
    default boolean hasEightBit() {
        return true;
    }

    /**
     * Whether this copy's 8-bit kernels read {@link Q8Activations#rep16} (a 16-fold copy of the
     * quants, 32 bytes per value): callers build it only then ({@link Q8Activations#ensureRep16}).
     */
    default boolean readsRep16() {
        return true;
    }

    /**
     * Whether this copy has 8-bit kernels for passes of several tokens ({@link #dotTokensQ8} then
     * converts each quant vector once for all of them); without, {@link ActivationPrecision}
     * gives such passes float activations.
     */
    default boolean eightBitPasses() {
        return false;
    }

    /**
     * {@link #dotQ8} for {@code tokens} tokens, token {@code t}'s activations at {@code a[t * cols ..]}
     * (as {@link Q8Activations#quantizeRows} leaves them), its outputs at
     * {@code out[outOff + t * outStride + r]}. This default does them one at a time; kernels that
     * decode each quant vector once for several tokens override it.
     */
    default void dotTokensQ8(int g0, int g1, Q8Activations a, int cols, int tokens, float[] out, int outOff, int outStride) {
        for (int t = 0; t < tokens; t++) dotQ8(g0, g1, a, t * cols, out, outOff + t * outStride);
    }

    /**
     * Groups {@code [g0, g1)} for {@code tokens} tokens, the kernel chosen by what the caller
     * prepared: 8-bit activations {@code q8} if not null ({@link #dotTokensQ8}, {@code cols} per
     * token), else float activations from {@code x[xOffs[t] ..]} with their 32-column sums
     * {@code sums} ({@code sStride} per token; {@link #sums32}), one token ({@link #dot}) or several
     * ({@link #dotTokens}). Token t's outputs at {@code out[outOff + t * outStride + r]}.
     */
    default void products(int g0, int g1, float[] x, int[] xOffs, int tokens, float[] sums, int sStride, Q8Activations q8, int cols,
                          float[] out, int outOff, int outStride) {
        if (q8 != null) dotTokensQ8(g0, g1, q8, cols, tokens, out, outOff, outStride);
        else if (tokens == 1) dot(g0, g1, x, xOffs[0], sums, 0, out, outOff);
        else dotTokens(g0, g1, x, xOffs, tokens, sums, sStride, out, outOff, outStride);
    }

    /**
     * An interleaved copy of {@code w}'s whole groups in memory of its own (freed when no longer
     * referenced), made on the threads of {@code pool} (null: on the calling thread), or null if its
     * type has no interleaved kernels or it has fewer than 16 rows.
     */
    static InterleavedRows of(WeightMatrix w, WorkerPool pool) {
        long n = bytes(w);
        return n < 0 ? null : pack(w, java.lang.foreign.Arena.ofAuto().allocate(n, 64), pool);
    }

    /** Bytes of {@code w}'s interleaved copy, or -1 if its type has no interleaved kernels or it has fewer than 16 rows. */
    static long bytes(WeightMatrix w) {
        if (w.rows() < GROUP) return -1;
        int groups = w.rows() / GROUP;
        return switch (w.type()) {
            case Q4_K -> InterleavedQ4K.bytes(groups, w.cols());
            case Q5_K -> InterleavedQ5K.bytes(groups, w.cols());
            case Q6_K -> InterleavedQ6K.bytes(groups, w.cols());
            case Q8_0 -> InterleavedQ8_0.fits(w.cols()) ? InterleavedQ8_0.bytes(groups, w.cols()) : -1;
            case IQ4_XS -> InterleavedIq4Xs.available() ? InterleavedIq4Xs.bytes(groups, w.cols()) : -1;
            case Q4_0, IQ4_NL -> InterleavedQ4_0.fits(w.cols()) ? InterleavedQ4_0.bytes(groups, w.cols()) : -1;
            default -> -1;
        };
    }

    /** Writes {@code w}'s interleaved copy into {@code dst} ({@link #bytes} long) on {@code pool}'s threads (null: this thread) and returns it. */
    static InterleavedRows pack(WeightMatrix w, MemorySegment dst, WorkerPool pool) {
        int groups = w.rows() / GROUP;
        checkSize(w, dst);
        return switch (w.type()) {
            case Q4_K -> InterleavedQ4K.pack(w.data(), w.rowBytes(), groups, w.cols(), dst, pool);
            case Q5_K -> InterleavedQ5K.pack(w.data(), w.rowBytes(), groups, w.cols(), dst, pool);
            case Q6_K -> InterleavedQ6K.pack(w.data(), w.rowBytes(), groups, w.cols(), dst, pool);
            case Q8_0 -> InterleavedQ8_0.pack(w.data(), w.rowBytes(), groups, w.cols(), dst, pool);
            case IQ4_XS -> InterleavedIq4Xs.pack(w.data(), w.rowBytes(), groups, w.cols(), dst, pool);
            case Q4_0, IQ4_NL -> InterleavedQ4_0.pack(w.data(), w.rowBytes(), groups, w.cols(), dst, pool, w.type());
            default -> throw new IllegalArgumentException(w.type() + " has no interleaved layout");
        };
    }

    /** {@code w}'s interleaved copy already written (by {@link #pack}) to {@code data}, e.g. a mapped cache file. */
    static InterleavedRows view(WeightMatrix w, MemorySegment data) {
        int groups = w.rows() / GROUP;
        checkSize(w, data);
        return switch (w.type()) {
            case Q4_K -> InterleavedQ4K.view(data, groups, w.cols());
            case Q5_K -> InterleavedQ5K.view(data, groups, w.cols());
            case Q6_K -> InterleavedQ6K.view(data, groups, w.cols());
            case Q8_0 -> InterleavedQ8_0.view(data, groups, w.cols());
            case IQ4_XS -> InterleavedIq4Xs.view(data, groups, w.cols());
            case Q4_0, IQ4_NL -> InterleavedQ4_0.view(data, groups, w.cols(), w.type());
            default -> throw new IllegalArgumentException(w.type() + " has no interleaved layout");
        };
    }

    private static void checkSize(WeightMatrix w, MemorySegment s) {
        long n = bytes(w);
        if (n < 0 || s.byteSize() != n) {
            throw new IllegalArgumentException(w.name() + ": interleaved copy needs " + n + " bytes, got a segment of " + s.byteSize());
        }
    }

    /** Writes one group: its 16 source rows (one after the other) in, the packed group out. */
    @FunctionalInterface
    interface GroupPacker {
        void pack(MemorySegment rows, MemorySegment out);
    }

    /**
     * Runs {@code packer} for every group, in parallel on {@code pool} if there is one. Each group's
     * rows are first copied to a heap buffer and its output assembled in another, then copied out in
     * one piece: the packers scatter single bytes 16 apart, which is several times faster on heap
     * arrays than on mapped or native memory.
     */
    static void packGroups(MemorySegment src, long rowBytes, int groups, long groupBytes, MemorySegment dst, WorkerPool pool, GroupPacker packer) {
        java.util.function.IntConsumer one = g -> {
            MemorySegment rows = MemorySegment.ofArray(new byte[Math.toIntExact(GROUP * rowBytes)]);
            MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(groupBytes)]);
            MemorySegment.copy(src, (long) g * GROUP * rowBytes, rows, 0, GROUP * rowBytes);
            packer.pack(rows, out);
            MemorySegment.copy(out, 0, dst, g * groupBytes, groupBytes);
        };
        if (pool == null) {
            for (int g = 0; g < groups; g++) one.accept(g);
        } else {
            pool.parallelFor(groups, 1, (g0, g1) -> {
                for (int g = g0; g < g1; g++) one.accept(g);
            });
        }
    }
}
