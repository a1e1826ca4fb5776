package dev.flash4j.core;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

/**
 * What the interleaved copies of the K-quant types share: the packed memory, its groups of
 * {@link #GROUP} rows one after the other, and within a group the 256-column blocks in column
 * order, each {@code blockBytes} long. The subclasses add their block layout, their packing of one
 * block and their kernels.
 *
 * <p>The tile dequantizers ({@code dequantizeGroup}) call the Vector API directly rather than
 * through {@link Wide}'s helpers: C2 may inline them into {@link TiledMatMul#groups}, and once that
 * method's node budget is spent it still inlines the API's force-inline methods but not ours; a
 * helper left as a call boxes its vectors and runs the conversion in plain Java (it happened in
 * some runs and not others, by compilation order: 6% of a 512-token prompt's samples).
 */
abstract sealed class InterleavedKQuant implements InterleavedRows permits InterleavedQ4K, InterleavedQ5K, InterleavedQ6K {
    /** Columns per K-quant block (the same 256 for every K-quant type). */
    static final int BLOCK = Q4KFormat.BLOCK;

    /** The packed groups. */
    final MemorySegment data;
    final int groups;
    /** 256-column blocks per row (and per group). */
    final int blocks;
    private final int blockBytes;

    InterleavedKQuant(MemorySegment data, int groups, int cols, int blockBytes) {
        this.data = data;
        this.groups = groups;
        this.blocks = cols / BLOCK;
        this.blockBytes = blockBytes;
    }

    /** The same kind of copy over other memory: {@code groups} groups of this copy's width. */
    abstract InterleavedKQuant over(MemorySegment data, int groups);

    @Override
    public final int groups() {
        return groups;
    }

    @Override
    public final InterleavedRows slice(int first, int count) {
        long gb = groupBytes();
        return over(data.asSlice(first * gb, count * gb), count);
    }

    /**
     * Zeroes the {@link Wide#L} outputs at {@code out[o ..]} before a group's blocks add into them.
     * A plain fill, not a zero vector: where C2 compiled a kernel's group loop without inlining its
     * Vector API calls, the vector was an allocation per group (2-3 KB per token, one run in five
     * 1.1 MB, on the 8-bit path).
     */
    static void clearLanes(float[] out, int o) {
        java.util.Arrays.fill(out, o, o + Wide.L, 0f);
    }

    /**
     * The min terms of a Q4_K or Q5_K block with 8-bit activations (their headers share the layout:
     * dmin of the 16 rows at byte 64, the mins of sub-block s at 256 + 16*s), all 16 rows,
     * activation column {@code col} the block's first: dmin times the sub-blocks' mins times their
     * activation sums, subtracted from {@code out[o .. o+16)}. Apart from the block kernels: C2
     * stops inlining the Vector API's methods into a method past its budget and then boxes them.
     */
    static void minsQ8(MemorySegment data, long bo, Q8Activations a, int col, float[] out, int o) {
        FloatVector mins = Wide.zero();
        int blk = col / Q8Activations.BLOCK;
        for (int s = 0; s < 8; s++) {
            mins = Wide.toFloat(Wide.u8(data, bo + 256 + 16 * s)).fma(FloatVector.broadcast(Wide.F, a.d[blk + s] * a.sums[blk + s]), mins);
        }
        mins.neg().fma(FloatVector.fromMemorySegment(Wide.F, data, bo + 64, Vec.LE), FloatVector.fromArray(Wide.F, out, o)).intoArray(out, o);
    }

    /** Bytes of one packed group. */
    final long groupBytes() {
        return (long) blocks * blockBytes;
    }

    /** Copies one source block into its place in a packed group. */
    @FunctionalInterface
    interface BlockPacker {
        /**
         * @param rows the group's source rows, one after the other
         * @param p    where row {@code row}'s source block starts in {@code rows}
         * @param row  the row's index in the group, 0..15 (its lane)
         * @param out  the packed group
         * @param o    where the packed block starts in {@code out}
         */
        void pack(MemorySegment rows, long p, int row, MemorySegment out, long o);
    }

    /**
     * Packs every whole group of {@code src} (rows of {@code rowBytes}, blocks of
     * {@code srcBlockBytes}) into {@code dst}, {@code packer} doing one block of one row at a time.
     */
    static void packBlocks(MemorySegment src, long rowBytes, int groups, int cols, int srcBlockBytes, int blockBytes,
                           MemorySegment dst, WorkerPool pool, BlockPacker packer) {
        int nb = cols / BLOCK;
        InterleavedRows.packGroups(src, rowBytes, groups, (long) nb * blockBytes, dst, pool, (rows, out) -> {
            for (int i = 0; i < GROUP; i++) {
                for (int b = 0; b < nb; b++) packer.pack(rows, i * rowBytes + (long) b * srcBlockBytes, i, out, (long) b * blockBytes);
            }
        });
    }
}
