package dev.flash4j.core;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * What the interleaved copies of the K-quant types (and of Q8_0, eight of its blocks to one of
 * 256 columns, and of IQ4_XS, whose kernels are Q4_K's with a level lookup) share: the packed
 * memory, its groups of {@link #GROUP} rows one after the other, and within a group the
 * 256-column blocks in column order, each {@code blockBytes} long. The
 * subclasses add their block layout, their packing of one block and their kernels.
 *
 * <p>The tile dequantizers ({@code dequantizeGroup}) and the four-unit kernels ({@code quadBlock})
 * call the Vector API directly rather than through {@link Wide}'s helpers: C2 may inline the
 * dequantizers into {@link TiledMatMul#groups}, and the four-unit kernels are big methods of their
 * own; once a method's node budget is spent C2 still inlines the API's force-inline methods but not
 * ours, and a helper left as a call boxes its vectors and runs the conversion in plain Java (6% of a
 * 512-token prompt's samples in some runs; a third of the Q4_K decode kernel's).
 */
abstract sealed class InterleavedKQuant implements InterleavedRows permits InterleavedQ4K, InterleavedQ5K, InterleavedQ6K, InterleavedQ8_0, InterleavedIq4Xs, InterleavedQ4_0 {
    /** Columns per block of a copy (a K-quant block; eight Q8_0 blocks). */
    static final int BLOCK = Q4KFormat.BLOCK;
    private static final VectorSpecies<Short> S2 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Byte> B32 = ByteVector.SPECIES_256;
    /** The 256-bit 8-bit kernels' shapes: 16 short lanes (one per row of a group), fed from 16 bytes. */
    static final VectorSpecies<Short> S1 = ShortVector.SPECIES_256;
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;

    /** The packed groups. */
    final MemorySegment data;
    final int groups;
    /** 256-column blocks per row (and per group). */
    final int blocks;
    private final int blockBytes;
    /** Whether the blocks have min terms (Q4_K, Q5_K: dmin and mins in the layout {@link #mins} reads). */
    private final boolean hasMins;

    InterleavedKQuant(MemorySegment data, int groups, int cols, int blockBytes, boolean hasMins) {
        this.data = data;
        this.groups = groups;
        this.blocks = cols / BLOCK;
        this.blockBytes = blockBytes;
        this.hasMins = hasMins;
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
     * Zeroes the {@link Wide#L} outputs at {@code out[o ..]} of one unit of rows before the float
     * kernels add a group's blocks into them (the 8-bit kernels, a whole group at a time, use
     * {@link #clearGroup}). A plain fill, not a zero vector: where C2 compiled a kernel's group loop
     * without inlining its Vector API calls, the vector was an allocation per group (2-3 KB per
     * token, one run in five 1.1 MB, on the 8-bit path).
     */
    static void clearLanes(float[] out, int o) {
        java.util.Arrays.fill(out, o, o + Wide.L, 0f);
    }

    /**
     * Zeroes a group's {@link #GROUP} outputs at {@code out[o ..]}, for the 8-bit kernels, which
     * work a whole group at a time at both widths ({@link #clearLanes} covers only {@link Wide#L}
     * of them on 256-bit vectors; that gap was a q8 bug at 256 bits, see docs/testing.md).
     */
    static void clearGroup(float[] out, int o) {
        java.util.Arrays.fill(out, o, o + GROUP, 0f);
    }

    /** Row sets ("units" of {@link Wide#L} rows) a quad kernel ({@link #quadBlock}) works on at once. */
    static final int QUAD = 4;

    /**
     * Float activations, groups {@code [g0, g1)}: four groups at a time (on 512-bit vectors as four
     * units of 16 rows, {@link #quadBlock}; on 256-bit ones as the eight 8-row halves of the four,
     * {@link #octBlock}), then the groups left over one at a time ({@link #dotGroups}). Independent
     * row sets per broadcast activation cut the instructions per weight, and each group is a
     * stream through memory: more streams keep more loads in flight. One thread streaming the
     * slice's Q6_K head measured 6.6-7.0 GB/s one group at a time, 10.4-11.9 four at a time (a
     * 2.1 GHz Xeon, 512-bit vectors; 14 -> 20 GB/s with the data in L2). On 256-bit vectors the
     * four units of a quad are the halves of two groups, two streams: two threads streaming
     * 290 MB of Q6_K read 16.2 GB/s that way and 21.6 with the halves of four groups. (Eight
     * groups at once on 512-bit vectors streamed faster alone, 20.1 -> 22.8 GB/s, but made the
     * slice's passes of 2 and 4 tokens slower, where most experts get one token: not kept.)
     */
    @Override
    public final void dot(int g0, int g1, float[] x, int xOff, float[] sums, int sOff, float[] out, int outOff) {
        int g = Wide.L < GROUP ? halves(g0, g1, x, xOff, sums, sOff, out, outOff) : g0;
        g = quads(g, g1, x, xOff, sums, sOff, out, outOff);
        if (g < g1) dotGroups(g, g1, x, xOff, sums, sOff, out, outOff);
    }

    /** Per thread: {@link #halves}' outputs of one quad, which {@link #octBlock} writes contiguously. */
    private static final ThreadLocal<float[]> QUAD_OUT = ThreadLocal.withInitial(() -> new float[QUAD * GROUP]);

    /**
     * {@link #dot} on 256-bit vectors: both halves of four groups at a time over {@code [g0, g1)}
     * ({@link #octBlock}), the groups a quarter of the range apart as in {@link #quads}; returns the
     * first group left. {@link #octBlock} writes a quad's outputs contiguously, into a per-thread
     * buffer that is then copied to the four groups' places.
     */
    private int halves(int g0, int g1, float[] x, int xOff, float[] sums, int sOff, float[] out, int outOff) {
        long gb = groupBytes();
        int h = GROUP - Wide.L, q = (g1 - g0) / QUAD;
        float[] acc = q > 0 ? QUAD_OUT.get() : null;
        for (int k = 0; k < q; k++) {
            // unit u: group g0 + k + (u / 2) * q, lanes (u % 2) * h; its outputs at acc[u * L]
            int g = g0 + k;
            java.util.Arrays.fill(acc, 0f);
            for (int b = 0; b < blocks; b++) {
                long bo = g * gb + (long) b * blockBytes;
                octBlock(bo, bo + q * gb, bo + 2 * q * gb, bo + 3 * q * gb, h, x, xOff + BLOCK * b, sums, sOff + 8 * b, acc, 0);
                if (hasMins) {
                    int so = sOff + 8 * b;
                    for (int u = 0; u < 2 * QUAD; u++) mins(data, bo + (u / 2) * q * gb, (u % 2) * h, sums, so, acc, u * Wide.L);
                }
            }
            for (int j = 0; j < QUAD; j++) System.arraycopy(acc, GROUP * j, out, outOff + GROUP * (g + j * q), GROUP);
        }
        return g0 + QUAD * q;
    }

    /**
     * Both halves of four groups' block (blocks at {@code b0 .. b3}; 256-bit vectors, {@code h == 8}):
     * unit u is lanes {@code [0, L)} of block {@code u / 2} for even u, {@code [h, h+L)} for odd u,
     * its outputs at {@code out[o + u*L ..]}, added to. The scale terms only: {@link #halves}
     * subtracts the min terms. By default two {@link #quadBlock} calls: the types whose 8-unit
     * kernel pays have their own.
     */
    void octBlock(long b0, long b1, long b2, long b3, int h, float[] x, int xo, float[] sums, int so, float[] out, int o) {
        int l = Wide.L;
        quadBlock(b0, b0, b1, b1, h, x, xo, sums, so, out, o, o + l, o + 2 * l, o + 3 * l);
        quadBlock(b2, b2, b3, b3, h, x, xo, sums, so, out, o + 4 * l, o + 5 * l, o + 6 * l, o + 7 * l);
    }

    /**
     * {@link #octBlock} for the layouts that keep each quant as a byte, column c of row i at
     * {@code qs + 16*c + i} (Q5_K: 0..31, Q6_K: q - 32), with one scale byte per row and scale
     * group at {@code sc + 16*group}, a group being {@code 16 << scaleShift} columns, and the rows'
     * d (f32) at byte 0: per scale group and column, one broadcast activation meets the quants of
     * all eight units. Q5_K's unsigned quants and scales (below 64) read as signed bytes are the
     * same values (Vector API calls written out: see the class comment).
     */
    static void byteQuantsOct(MemorySegment data, long b0, long b1, long b2, long b3, int h, int qs, int sc, int scaleShift,
                              float[] x, int xo, float[] out, int o) {
        int width = 16 << scaleShift;
        FloatVector s0 = FloatVector.zero(Wide.F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        long q0 = b0 + qs, q1 = b0 + qs + h, q2 = b1 + qs, q3 = b1 + qs + h, q4 = b2 + qs, q5 = b2 + qs + h, q6 = b3 + qs, q7 = b3 + qs + h;
        FloatVector a0 = FloatVector.zero(Wide.F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        // one flat loop over the block's columns, each scale group closed in a branch: as a nested
        // loop of groups of 16 columns (16 sums and a broadcast live, more than AVX2's 16 registers)
        // this kernel took 1.15-1.35x the time; flattening did not help the other kernels
        // (docs/kernels-performance.md, "Flat loops")
        for (int j = 0; j < BLOCK; j++) {
            FloatVector y = FloatVector.broadcast(Wide.F, x[xo + j]);
            long c = 16L * j;
            a0 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a0);
            a1 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a1);
            a2 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a2);
            a3 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a3);
            a4 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q4 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a4);
            a5 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q5 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a5);
            a6 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q6 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a6);
            a7 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q7 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a7);
            if ((j & (width - 1)) == width - 1) {
                int t = j / width;
                s0 = a0.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc + 16 * t, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s0);
                s1 = a1.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc + 16 * t + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s1);
                s2 = a2.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + 16 * t, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s2);
                s3 = a3.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + 16 * t + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s3);
                s4 = a4.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc + 16 * t, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s4);
                s5 = a5.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc + 16 * t + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s5);
                s6 = a6.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + 16 * t, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s6);
                s7 = a7.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + 16 * t + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s7);
                a0 = FloatVector.zero(Wide.F); a1 = a0; a2 = a0; a3 = a0; a4 = a0; a5 = a0; a6 = a0; a7 = a0;
            }
        }
        int l = Wide.L;
        s0.fma(FloatVector.fromMemorySegment(Wide.F, data, b0, Vec.LE), FloatVector.fromArray(Wide.F, out, o)).intoArray(out, o);
        s1.fma(FloatVector.fromMemorySegment(Wide.F, data, b0 + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o + l)).intoArray(out, o + l);
        s2.fma(FloatVector.fromMemorySegment(Wide.F, data, b1, Vec.LE), FloatVector.fromArray(Wide.F, out, o + 2 * l)).intoArray(out, o + 2 * l);
        s3.fma(FloatVector.fromMemorySegment(Wide.F, data, b1 + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o + 3 * l)).intoArray(out, o + 3 * l);
        s4.fma(FloatVector.fromMemorySegment(Wide.F, data, b2, Vec.LE), FloatVector.fromArray(Wide.F, out, o + 4 * l)).intoArray(out, o + 4 * l);
        s5.fma(FloatVector.fromMemorySegment(Wide.F, data, b2 + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o + 5 * l)).intoArray(out, o + 5 * l);
        s6.fma(FloatVector.fromMemorySegment(Wide.F, data, b3, Vec.LE), FloatVector.fromArray(Wide.F, out, o + 6 * l)).intoArray(out, o + 6 * l);
        s7.fma(FloatVector.fromMemorySegment(Wide.F, data, b3 + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o + 7 * l)).intoArray(out, o + 7 * l);
    }

    /**
     * {@link #dot}'s quads of four units over groups {@code [g0, g1)}, as many whole quads as fit;
     * returns the first group left. The groups of a quad lie a quarter of the range apart (with q
     * quads in the range, quad k takes groups g0 + k, g0 + k + q, g0 + k + 2q, g0 + k + 3q; on
     * 256-bit vectors, where a quad is both halves of two groups, g0 + k and g0 + k + q), so the
     * next quad continues each of the four streams through memory where the last one stopped
     * instead of starting four new ones a group further on (a group of 4096 Q4_K columns is 38 KB).
     * Measured against neighbouring groups on the Zen 5 VM: docs/kernels-performance.md, "Quads a
     * quarter of the range apart".
     */
    private int quads(int g0, int g1, float[] x, int xOff, float[] sums, int sOff, float[] out, int outOff) {
        int span = QUAD / (GROUP / Wide.L), q = (g1 - g0) / span;
        for (int k = 0; k < q; k++) quadAt(g0 + k, q, x, xOff, sums, sOff, out, outOff);
        return g0 + span * q;
    }

    /**
     * The group of unit {@code u} (0..3) of a quad whose first unit is group {@code gA}, its groups
     * {@code stride} apart: {@code gA + u * stride} on 512-bit vectors (a unit is a group), {@code gA
     * + (u / 2) * stride} on 256-bit ones (a unit is half a group).
     */
    private static int unitGroup(int gA, int u, int stride) {
        return gA + u / (GROUP / Wide.L) * stride;
    }

    /**
     * One quad of {@link #quads}: unit u is group {@link #unitGroup}, its lanes from
     * {@code (u % perGroup) * L} ({@code perGroup} 1 on 512-bit vectors, 2 on 256-bit ones).
     */
    private void quadAt(int gA, int stride, float[] x, int xOff, float[] sums, int sOff, float[] out, int outOff) {
        int h = GROUP - Wide.L;
        long gb = groupBytes();
        int gB = unitGroup(gA, 1, stride), gC = unitGroup(gA, 2, stride), gD = unitGroup(gA, 3, stride);
        long u0 = gA * gb, u1 = gB * gb, u2 = gC * gb, u3 = gD * gb;
        int o0 = outOff + GROUP * gA, o1 = outOff + GROUP * gB + h, o2 = outOff + GROUP * gC, o3 = outOff + GROUP * gD + h;
        clearLanes(out, o0);
        clearLanes(out, o1);
        clearLanes(out, o2);
        clearLanes(out, o3);
        for (int b = 0; b < blocks; b++) {
            long bo = (long) b * blockBytes;
            quadBlock(u0 + bo, u1 + bo, u2 + bo, u3 + bo, h, x, xOff + BLOCK * b, sums, sOff + 8 * b, out, o0, o1, o2, o3);
            if (hasMins) {
                // here rather than in quadBlock, which is near C2's node budget: with these inlined
                // into it, Q4_K's was compiled with Vector API fallbacks in about one allocation-test
                // run in ten (9-190 KB per token)
                int so = sOff + 8 * b;
                mins(data, u0 + bo, 0, sums, so, out, o0);
                mins(data, u1 + bo, h, sums, so, out, o1);
                mins(data, u2 + bo, 0, sums, so, out, o2);
                mins(data, u3 + bo, h, sums, so, out, o3);
            }
        }
    }

    /**
     * One block of four units, added to their outputs {@code out[o0 ..], ..., out[o3 ..]}: units
     * 0 and 2 are lanes {@code [0, L)} of the group blocks at {@code b0} and {@code b2}, units 1 and
     * 3 lanes {@code [h, h+L)} of those at {@code b1} and {@code b3} ({@code h} is 0 on 512-bit
     * vectors, where the four are four groups; 8 on 256-bit ones, where {@code b1 == b0} and
     * {@code b3 == b2}). Activation column {@code xo} is the block's first; {@code so} indexes its
     * first 32-column sum. The scale terms only: {@link #dot} subtracts the min terms ({@link #mins}).
     */
    abstract void quadBlock(long b0, long b1, long b2, long b3, int h, float[] x, int xo, float[] sums, int so,
                            float[] out, int o0, int o1, int o2, int o3);

    /**
     * Several tokens, groups {@code [g0, g1)}, in passes of up to 4 tokens ({@link InterleavedTokens}).
     * A quad's groups (as {@link #dot} takes them: four on 512-bit vectors, two on 256-bit ones)
     * take every pass before the next quad: a pass of one token through {@link #dot}, of two
     * through {@link #quadBlock2} (four units, as many streams through memory as one token has),
     * of three as two plus one, of four as two plus two, the second pass reading the quad's
     * weights from L2 - except passes of four on 512-bit vectors, which go two groups at a time
     * through {@link #groups4} (each quant vector converted once for all four tokens, two
     * streams). On the slice model (Q4_K_S, 2 threads, 512 bits) the quad passes had taken a pass
     * of 2 tokens from 108-136 ms to 83-89 (one token: 69-88), of 3 from 124-135 to 104-110,
     * against the per-group kernels: with one stream per thread those passes had run at half the
     * memory rate of one token's. Groups after the last whole quad: {@link #tokensByGroup}.
     *
     * <p>Other per-group passes measured faster in a harness (Q4_K's passes of 2 and 3, 1.08-1.37)
     * but not in the model (0.93 or level, 2026-12-07); the table and the runs are in
     * docs/kernels-performance.md, "Passes of 4 tokens through {@code groups4}".
     */
    @Override
    public final void dotTokens(int g0, int g1, float[] x, int[] xOffs, int tokens, float[] sums, int sStride, float[] out, int outOff, int outStride) {
        float[] acc = InterleavedTokens.accumulators();
        int step = QUAD / (GROUP / Wide.L), q = (g1 - g0) / step;
        for (int k = 0; k < q; k++) {
            int g = g0 + k; // the quad's groups a quarter (on 256-bit vectors half) of the range apart, as in quads
            for (int t = 0; t < tokens; ) {
                int n = Math.min(InterleavedTokens.PASS, tokens - t), o = outOff + t * outStride;
                if (n == 1) quadAt(g, q, x, xOffs[t], sums, t * sStride, out, o);
                else if (n == 4 && Wide.L == GROUP) {
                    twoGroups4(g, g + q, x, xOffs, t, sums, sStride, out, o, outStride, acc);
                    twoGroups4(g + 2 * q, g + 3 * q, x, xOffs, t, sums, sStride, out, o, outStride, acc);
                } else {
                    // two tokens; the third or the third and fourth in a second pass over the same weights, now in L2
                    quadTokens2(g, q, x, xOffs[t], xOffs[t + 1], sums, t * sStride, (t + 1) * sStride, out, o, outStride, acc);
                    if (n == 3) quadAt(g, q, x, xOffs[t + 2], sums, (t + 2) * sStride, out, o + 2 * outStride);
                    else if (n == 4) quadTokens2(g, q, x, xOffs[t + 2], xOffs[t + 3], sums, (t + 2) * sStride, (t + 3) * sStride, out, o + 2 * outStride, outStride, acc);
                }
                t += n;
            }
        }
        tokensByGroup(g0 + step * q, g1, x, xOffs, tokens, sums, sStride, out, outOff, outStride, acc);
    }

    /**
     * {@link #dotTokens} for groups {@code [g0, g1)} fewer than a quad: on 512-bit vectors pairs of
     * groups for the passes of 4 tokens ({@link #groups4}), the rest group by group ({@link #tokensFrom}).
     */
    private void tokensByGroup(int g0, int g1, float[] x, int[] xOffs, int tokens, float[] sums, int sStride, float[] out, int outOff, int outStride, float[] acc) {
        for (int g = g0; g < g1; g++) {
            int t = 0;
            if (Wide.L == GROUP && g + 1 < g1) {
                for (; t + 4 <= tokens; t += 4) twoGroups4(g, g + 1, x, xOffs, t, sums, sStride, out, outOff + t * outStride, outStride, acc);
                if (t > 0) {
                    tokensFrom(g + 1, t, x, xOffs, tokens, sums, sStride, out, outOff, outStride, acc);
                    tokensFrom(g, t, x, xOffs, tokens, sums, sStride, out, outOff, outStride, acc);
                    g++;
                    continue;
                }
            }
            tokensFrom(g, 0, x, xOffs, tokens, sums, sStride, out, outOff, outStride, acc);
        }
    }

    /** Tokens {@code t .. t+3} over groups {@code ga} and {@code gb} ({@link #groups4}; {@code L == 16}), outputs of token t at {@code out[o ..]}. */
    private void twoGroups4(int ga, int gb, float[] x, int[] xOffs, int t, float[] sums, int sStride, float[] out, int o, int outStride, float[] acc) {
        groups4(ga * groupBytes(), gb * groupBytes(), x, xOffs[t], xOffs[t + 1], xOffs[t + 2], xOffs[t + 3],
                sums, t * sStride, (t + 1) * sStride, (t + 2) * sStride, (t + 3) * sStride, acc);
        InterleavedTokens.store(acc, 0, 4, out, o + GROUP * ga, outStride);
        InterleavedTokens.store(acc, 4 * Wide.L, 4, out, o + GROUP * gb, outStride);
    }

    /**
     * Tokens {@code ta} and {@code ta+1} (activations from {@code xa}, {@code xb}; 32-column sums
     * from {@code sa}, {@code sb}) over the quad of units at group {@code g} and {@code stride}, laid
     * out as in {@link #quadAt}; token ta's outputs at {@code out[o ..]}, the next token's a stride later.
     */
    private void quadTokens2(int g, int stride, float[] x, int xa, int xb, float[] sums, int sa, int sb, float[] out, int o, int outStride, float[] acc) {
        int h = GROUP - Wide.L, l = Wide.L;
        int gB = unitGroup(g, 1, stride), gC = unitGroup(g, 2, stride), gD = unitGroup(g, 3, stride);
        long gb = groupBytes(), u0 = g * gb, u1 = gB * gb, u2 = gC * gb, u3 = gD * gb;
        java.util.Arrays.fill(acc, 0, 8 * l, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = (long) b * blockBytes;
            quadBlock2(u0 + bo, u1 + bo, u2 + bo, u3 + bo, h, x, xa + BLOCK * b, xb + BLOCK * b, acc);
            if (hasMins) {
                int s = 8 * b;
                InterleavedTokens.mins2(data, u0 + bo, 0, sums, sa + s, sb + s, acc, 0);
                InterleavedTokens.mins2(data, u1 + bo, h, sums, sa + s, sb + s, acc, 2 * l);
                InterleavedTokens.mins2(data, u2 + bo, 0, sums, sa + s, sb + s, acc, 4 * l);
                InterleavedTokens.mins2(data, u3 + bo, h, sums, sa + s, sb + s, acc, 6 * l);
            }
        }
        InterleavedTokens.store(acc, 0, 2, out, o + GROUP * g, outStride);
        InterleavedTokens.store(acc, 2 * l, 2, out, o + GROUP * gB + h, outStride);
        InterleavedTokens.store(acc, 4 * l, 2, out, o + GROUP * gC, outStride);
        InterleavedTokens.store(acc, 6 * l, 2, out, o + GROUP * gD + h, outStride);
    }

    /**
     * One block of the four units of {@link #quadBlock} for two tokens (activations from {@code xa}
     * and {@code xb}, the block's first column): unit k's scale terms for the first token added to
     * {@code acc[2k*L ..]}, for the second to {@code acc[(2k+1)*L ..]}. The min terms: the caller.
     */
    abstract void quadBlock2(long b0, long b1, long b2, long b3, int h, float[] x, int xa, int xb, float[] acc);

    /** Tokens {@code [t0, tokens)} of group {@code g}, in passes of up to 4 tokens, half a group at a time on 256-bit vectors. */
    private void tokensFrom(int g, int t0, float[] x, int[] xOffs, int tokens, float[] sums, int sStride, float[] out, int outOff, int outStride, float[] acc) {
        long go = g * groupBytes();
        for (int t = t0; t < tokens; ) {
            int n = Math.min(InterleavedTokens.PASS, tokens - t);
            if (n == 1) dot(g, g + 1, x, xOffs[t], sums, t * sStride, out, outOff + t * outStride);
            else for (int h = 0; h < GROUP; h += Wide.L) {
                if (n == 4) group4(go, h, x, xOffs[t], xOffs[t + 1], xOffs[t + 2], xOffs[t + 3], sums, t * sStride, (t + 1) * sStride, (t + 2) * sStride, (t + 3) * sStride, acc);
                else if (n == 3) group3(go, h, x, xOffs[t], xOffs[t + 1], xOffs[t + 2], sums, t * sStride, (t + 1) * sStride, (t + 2) * sStride, acc);
                else group2(go, h, x, xOffs[t], xOffs[t + 1], sums, t * sStride, (t + 1) * sStride, acc);
                InterleavedTokens.store(acc, 0, n, out, outOff + t * outStride + GROUP * g + h, outStride);
            }
            t += n;
        }
    }

    /**
     * Two groups (at {@code ga}, {@code gb}; {@code L == 16}) for 4 tokens (activations from
     * {@code x0 .. x3}, 32-column sums from {@code s0 .. s3}, unused by types without min terms):
     * the first group's 4 accumulators to {@code acc[0 .. 4L)}, the second's to {@code acc[4L .. 8L)}.
     */
    abstract void groups4(long ga, long gb, float[] x, int x0, int x1, int x2, int x3, float[] sums, int s0, int s1, int s2, int s3, float[] acc);

    /** Lanes {@code [h, h+L)} of the group at {@code go} for 4 tokens, into {@code acc[0 .. 4L)}. */
    abstract void group4(long go, int h, float[] x, int x0, int x1, int x2, int x3, float[] sums, int s0, int s1, int s2, int s3, float[] acc);

    /** {@link #group4} for 3 tokens. */
    abstract void group3(long go, int h, float[] x, int x0, int x1, int x2, float[] sums, int s0, int s1, int s2, float[] acc);

    /** {@link #group4} for 2 tokens. */
    abstract void group2(long go, int h, float[] x, int x0, int x1, float[] sums, int s0, int s1, float[] acc);

    /** {@link #dot} one group at a time: {@link Wide#L} rows per pass, block by block ({@link #blockDot}). */
    final void dotGroups(int g0, int g1, float[] x, int xOff, float[] sums, int sOff, float[] out, int outOff) {
        for (int g = g0; g < g1; g++) {
            long go = g * groupBytes();
            for (int h = 0; h < GROUP; h += Wide.L) {
                int o = outOff + GROUP * g + h;
                clearLanes(out, o);
                for (int b = 0; b < blocks; b++) blockDot(go + (long) b * blockBytes, h, x, xOff + BLOCK * b, sums, sOff + 8 * b, out, o);
            }
        }
    }

    /**
     * Lanes {@code [h, h+L)} of the group block at {@code bo}, activation column {@code xo} its
     * first ({@code so} its first 32-column sum, for the types with min terms), added to
     * {@code out[o ..]}: in memory rather than passed and returned as a vector, since this call is
     * not inlined (four types implement it) and a vector across it would be boxed.
     */
    abstract void blockDot(long bo, int h, float[] x, int xo, float[] sums, int so, float[] out, int o);

    /**
     * The min terms of lanes {@code [h, h+L)} of a Q4_K or Q5_K block at {@code bo} with float
     * activations (dmin at byte 64, the mins of sub-block s at 256 + 16*s, as in {@link #minsQ8}):
     * dmin times the sub-blocks' mins times their activation sums {@code sums[so ..]}, subtracted
     * from {@code out[o ..]}. Vector API calls written out: it is inlined into the big four-unit
     * kernels (see {@link #minsQ8}).
     */
    static void mins(MemorySegment data, long bo, int h, float[] sums, int so, float[] out, int o) {
        FloatVector mins = FloatVector.zero(Wide.F);
        for (int s = 0; s < 8; s++) {
            FloatVector m = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + 256 + 16 * s + h, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
            mins = m.fma(FloatVector.broadcast(Wide.F, sums[so + s]), mins);
        }
        mins.neg().fma(FloatVector.fromMemorySegment(Wide.F, data, bo + 64 + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o)).intoArray(out, o);
    }

    /** The K-quant kernels read {@link Q8Activations#pairs} on 512-bit vectors, {@code rep16} on 256-bit ones. */
    @Override
    public boolean readsRep16() {
        return Wide.L < GROUP;
    }

    /**
     * Groups {@code [g0, g1)} with 8-bit activations on 512-bit vectors: per group its 16 outputs
     * cleared, then per block {@link #blockQ8} and, with {@code mins} (Q5_K; Q4_K's kernels add
     * their own), {@link #minsQ8} as a call of its own (one method with both passes C2's inlining budget and boxes vectors).
     */
    final void groupsQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff, boolean mins) {
        // four groups a quarter of the range apart, as the float kernel takes them (quads): each
        // activation load serves four, and the next quad continues their streams
        int q = (g1 - g0) / QUAD;
        for (int k = 0; k < q; k++) quadQ8At(g0 + k, q, a, aOff, out, outOff, mins);
        for (int g = g0 + QUAD * q; g < g1; g++) groupQ8(g, a, aOff, out, outOff, mins);
    }

    /** One quad of {@link #groupsQ8}: groups {@code g}, {@code g + stride}, {@code g + 2*stride}, {@code g + 3*stride}, their outputs cleared first. */
    final void quadQ8At(int g, int stride, Q8Activations a, int aOff, float[] out, int outOff, boolean mins) {
        long gb = groupBytes();
        int o0 = outOff + GROUP * g, o1 = o0 + GROUP * stride, o2 = o1 + GROUP * stride, o3 = o2 + GROUP * stride;
        clearGroup(out, o0);
        clearGroup(out, o1);
        clearGroup(out, o2);
        clearGroup(out, o3);
        for (int b = 0; b < blocks; b++) {
            long b0 = g * gb + (long) b * blockBytes, b1 = b0 + stride * gb, b2 = b1 + stride * gb, b3 = b2 + stride * gb;
            int col = aOff + BLOCK * b;
            quadQ8(b0, b1, b2, b3, a, col, out, o0, o1, o2, o3);
            if (mins) {
                minsQ8(data, b0, a, col, out, o0);
                minsQ8(data, b1, a, col, out, o1);
                minsQ8(data, b2, a, col, out, o2);
                minsQ8(data, b3, a, col, out, o3);
            }
        }
    }

    /** One group of {@link #groupsQ8} (one of those after the whole quads), its outputs cleared first. */
    final void groupQ8(int g, Q8Activations a, int aOff, float[] out, int outOff, boolean mins) {
        long go = g * groupBytes();
        int o = outOff + GROUP * g;
        clearGroup(out, o);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * blockBytes;
            blockQ8(bo, a, aOff + BLOCK * b, out, o);
            if (mins) minsQ8(data, bo, a, aOff + BLOCK * b, out, o);
        }
    }

    /**
     * Several tokens with 8-bit activations: where the type has a multi-token 8-bit kernel
     * ({@link #eightBitPasses}) all of them through {@link #tokensQ8}, else one token at a time.
     */
    @Override
    public final void dotTokensQ8(int g0, int g1, Q8Activations a, int cols, int tokens, float[] out, int outOff, int outStride) {
        if (tokens > 1 && eightBitPasses()) {
            tokensQ8(g0, g1, a, cols, tokens, out, outOff, outStride);
            return;
        }
        for (int t = 0; t < tokens; t++) dotQ8(g0, g1, a, t * cols, out, outOff + t * outStride);
    }

    /**
     * {@link #dotTokensQ8} for {@code tokens} tokens (at least 2), token t's outputs at
     * {@code out[outOff + t*outStride ..]}: called only where {@link #eightBitPasses} says the type
     * has such a kernel.
     */
    void tokensQ8(int g0, int g1, Q8Activations a, int cols, int tokens, float[] out, int outOff, int outStride) {
        throw new IllegalStateException(getClass().getSimpleName() + " has no 8-bit kernel for passes of several tokens");
    }

    /**
     * The scale terms of block {@code bo} with 8-bit activations on 512-bit vectors (activation
     * column {@code col} the block's first), added to {@code out[o .. o+16)}.
     */
    abstract void blockQ8(long bo, Q8Activations a, int col, float[] out, int o);

    /**
     * {@link #blockQ8} for the same block of four groups (at {@code b0 .. b3}), outputs at
     * {@code o0 .. o3}: Q4_K's {@link InterleavedQ4K#quadQ8}, and for Q5_K and Q6_K one shared
     * kernel ({@link #byteQuantsQuadQ8}).
     */
    abstract void quadQ8(long b0, long b1, long b2, long b3, Q8Activations a, int col, float[] out, int o0, int o1, int o2, int o3);


    /**
     * {@link #blockQ8} for the layouts that keep each quant as a byte, column c of row i at
     * {@code qs + 16*c + i} (Q5_K: 0..31, Q6_K: q - 32), with one signed scale byte per row and
     * scale group at {@code sc + 16*group} (Q5_K's are 0..63), a group being {@code 16 << scaleShift}
     * columns, and the rows' d (f32) at byte 0. Per 16 columns: one 32-byte load holds columns c and
     * c+1 of all 16 rows, widened to 32 short lanes, and meets column c's quant in lanes 0..15 and
     * c+1's in 16..31 (one {@link Q8Activations#pairs} entry, spread by {@link Wide#PAIR_SPREAD}).
     * A lane sums 8 products of at most 32*127 (32512, no
     * overflow; 16 would overflow, hence 16 columns at a time even for Q5_K's 32-column groups) before
     * lanes i and 16+i are added as ints (the upper half brought down by {@link Wide#HIGH_HALF}).
     * The 8 loads are written out, which C2 compiles to straight-line code; one 16-column group per
     * call re-made the shuffle's constants every call (Q6_K: 17 GB/s one thread in L2, now 23).
     */
    static void byteQuantsBlockQ8(MemorySegment data, long bo, int qs, int sc, int scaleShift, Q8Activations a, int col, float[] out, int o) {
        if (Wide.L != GROUP) { // 256-bit: the four-group kernel over the one block
            short[] sums = NARROW_SUMS.get();
            byteQuantsSumsNarrow(data, bo, bo, bo, bo, qs, a.rep16, col, sums);
            byteQuantsScaleNarrow(data, bo, sc, scaleShift, sums, 0, a, col, out, o);
            return;
        }
        int[] pr = a.pairs;
        FloatVector acc = FloatVector.fromArray(Wide.F, out, o);
        FloatVector dd = FloatVector.fromMemorySegment(Wide.F, data, bo, Vec.LE);
        for (int t = 0; t < 16; t++) {
            long q = bo + qs + 16L * 16 * t;
            int r = (col + 16 * t) / 2;
            ShortVector s0 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, q, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul((ShortVector) IntVector.broadcast(Wide.I, pr[r]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD));
            ShortVector s1 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, q + 32, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul((ShortVector) IntVector.broadcast(Wide.I, pr[r + 1]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD));
            s0 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, q + 64, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul((ShortVector) IntVector.broadcast(Wide.I, pr[r + 2]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD)).add(s0);
            s1 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, q + 96, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul((ShortVector) IntVector.broadcast(Wide.I, pr[r + 3]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD)).add(s1);
            s0 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, q + 128, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul((ShortVector) IntVector.broadcast(Wide.I, pr[r + 4]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD)).add(s0);
            s1 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, q + 160, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul((ShortVector) IntVector.broadcast(Wide.I, pr[r + 5]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD)).add(s1);
            s0 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, q + 192, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul((ShortVector) IntVector.broadcast(Wide.I, pr[r + 6]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD)).add(s0);
            s1 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, q + 224, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul((ShortVector) IntVector.broadcast(Wide.I, pr[r + 7]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD)).add(s1);
            ShortVector p = s0.add(s1);
            IntVector rows = ((IntVector) p.convertShape(VectorOperators.S2I, Wide.I, 0)).add((IntVector) p.rearrange(Wide.HIGH_HALF).convertShape(VectorOperators.S2I, Wide.I, 0));
            FloatVector scale = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + sc + 16 * (t >> scaleShift), Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(a.d[(col + 16 * t) / Q8Activations.BLOCK]);
            acc = ((FloatVector) rows.convert(VectorOperators.I2F, 0)).mul(scale).fma(dd, acc);
        }
        acc.intoArray(out, o);
    }

    /**
     * {@link #byteQuantsBlockQ8} for four groups at once (blocks at {@code b0 .. b3}, outputs at
     * {@code o0 .. o3}): each 32-lane activation load meets a load of each group, one short sum per
     * group over the 16 columns of a scale group (8 products per lane, as there). On 256-bit
     * vectors: {@link #byteQuantsSumsNarrow}, then {@link #byteQuantsScaleNarrow} per group (the
     * branch on the constant {@link Wide#L} is folded when C2 parses the method).
     */
    static void byteQuantsQuadQ8(MemorySegment data, long b0, long b1, long b2, long b3, int qs, int sc, int scaleShift,
                                 Q8Activations a, int col, float[] out, int o0, int o1, int o2, int o3) {
        if (Wide.L != GROUP) {
            short[] sums = NARROW_SUMS.get();
            byteQuantsSumsNarrow(data, b0, b1, b2, b3, qs, a.rep16, col, sums);
            byteQuantsScaleNarrow(data, b0, sc, scaleShift, sums, 0, a, col, out, o0);
            byteQuantsScaleNarrow(data, b1, sc, scaleShift, sums, 512, a, col, out, o1);
            byteQuantsScaleNarrow(data, b2, sc, scaleShift, sums, 1024, a, col, out, o2);
            byteQuantsScaleNarrow(data, b3, sc, scaleShift, sums, 1536, a, col, out, o3);
            return;
        }
        int[] pr = a.pairs;
        FloatVector acc0 = FloatVector.fromArray(Wide.F, out, o0), dd0 = FloatVector.fromMemorySegment(Wide.F, data, b0, Vec.LE);
        FloatVector acc1 = FloatVector.fromArray(Wide.F, out, o1), dd1 = FloatVector.fromMemorySegment(Wide.F, data, b1, Vec.LE);
        FloatVector acc2 = FloatVector.fromArray(Wide.F, out, o2), dd2 = FloatVector.fromMemorySegment(Wide.F, data, b2, Vec.LE);
        FloatVector acc3 = FloatVector.fromArray(Wide.F, out, o3), dd3 = FloatVector.fromMemorySegment(Wide.F, data, b3, Vec.LE);
        // one flat loop over the block's 128 column pairs, each 16-column group closed in a branch:
        // C2 checks a long-indexed segment load's bounds in an outer strip that it enters once per
        // inner loop, about 25 instructions a load, which a nested loop of 8 pairs paid every 8
        ShortVector p0 = ShortVector.zero(S2), p1 = p0, p2 = p0, p3 = p0;
        int r0 = col / 2;
        for (int k = 0; k < 128; k++) {
            ShortVector y = (ShortVector) IntVector.broadcast(Wide.I, pr[r0 + k]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD);
            long c = qs + 32L * k;
            p0 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, b0 + c, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul(y).add(p0);
            p1 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, b1 + c, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul(y).add(p1);
            p2 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, b2 + c, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul(y).add(p2);
            p3 = ((ShortVector) ByteVector.fromMemorySegment(B32, data, b3 + c, Vec.LE).convertShape(VectorOperators.B2S, S2, 0)).mul(y).add(p3);
            if ((k & 7) == 7) {
                int t = k >> 3;
                float ad = a.d[(col + 16 * t) / Q8Activations.BLOCK];
                long s = sc + 16 * (t >> scaleShift);
                IntVector i0 = ((IntVector) p0.convertShape(VectorOperators.S2I, Wide.I, 0)).add((IntVector) p0.rearrange(Wide.HIGH_HALF).convertShape(VectorOperators.S2I, Wide.I, 0));
                FloatVector s0 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + s, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(ad);
                acc0 = ((FloatVector) i0.convert(VectorOperators.I2F, 0)).mul(s0).fma(dd0, acc0);
                IntVector i1 = ((IntVector) p1.convertShape(VectorOperators.S2I, Wide.I, 0)).add((IntVector) p1.rearrange(Wide.HIGH_HALF).convertShape(VectorOperators.S2I, Wide.I, 0));
                FloatVector s1 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + s, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(ad);
                acc1 = ((FloatVector) i1.convert(VectorOperators.I2F, 0)).mul(s1).fma(dd1, acc1);
                IntVector i2 = ((IntVector) p2.convertShape(VectorOperators.S2I, Wide.I, 0)).add((IntVector) p2.rearrange(Wide.HIGH_HALF).convertShape(VectorOperators.S2I, Wide.I, 0));
                FloatVector s2 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + s, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(ad);
                acc2 = ((FloatVector) i2.convert(VectorOperators.I2F, 0)).mul(s2).fma(dd2, acc2);
                IntVector i3 = ((IntVector) p3.convertShape(VectorOperators.S2I, Wide.I, 0)).add((IntVector) p3.rearrange(Wide.HIGH_HALF).convertShape(VectorOperators.S2I, Wide.I, 0));
                FloatVector s3 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + s, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(ad);
                acc3 = ((FloatVector) i3.convert(VectorOperators.I2F, 0)).mul(s3).fma(dd3, acc3);
                p0 = ShortVector.zero(S2); p1 = p0; p2 = p0; p3 = p0;
            }
        }
        acc0.intoArray(out, o0);
        acc1.intoArray(out, o1);
        acc2.intoArray(out, o2);
        acc3.intoArray(out, o3);
    }

    /**
     * The min terms of a Q5_K block with 8-bit activations (dmin of the 16 rows at byte 64, the
     * mins of sub-block s at 256 + 16*s, Q4_K's header layout too, though Q4_K's 8-bit kernels add
     * their min terms themselves), all 16 rows,
     * activation column {@code col} the block's first: dmin times the sub-blocks' mins times their
     * activation sums, subtracted from {@code out[o .. o+16)}. Apart from the block kernels: C2
     * stops inlining the Vector API's methods into a method past its budget and then boxes them.
     * Vector API calls written out: C2 may still inline this method into {@link #groupsQ8} after the
     * four-group kernel, past the budget, and a {@link Wide} helper left as a call there boxed
     * (a CI run measured 422 KB per token).
     */
    static void minsQ8(MemorySegment data, long bo, Q8Activations a, int col, float[] out, int o) {
        int blk = col / Q8Activations.BLOCK;
        for (int h = 0; h < GROUP; h += Wide.L) {
            FloatVector mins = FloatVector.zero(Wide.F);
            for (int s = 0; s < 8; s++) {
                FloatVector m = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + 256 + 16 * s + h, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
                mins = m.fma(FloatVector.broadcast(Wide.F, a.d[blk + s] * a.sums[blk + s]), mins);
            }
            mins.neg().fma(FloatVector.fromMemorySegment(Wide.F, data, bo + 64 + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o + h)).intoArray(out, o + h);
        }
    }

    /** Per thread: the short sums a 256-bit 8-bit kernel leaves for its scaling pass, a whole block of four groups. */
    static final ThreadLocal<short[]> NARROW_SUMS = ThreadLocal.withInitial(() -> new short[4 * 512]);

    /**
     * {@link #byteQuantsQuadQ8} on 256-bit vectors, first pass: the integer sums of a whole block
     * of four groups into {@code sums}. A 16-byte load is one column of a group's 16 rows, widened
     * to 16 short lanes, and meets 16 lanes of {@link Q8Activations#rep16} (the column's quant 16
     * times). Even and odd columns of a 16-column scale group go to separate sums, 8 products of at
     * most 32*127 each (no overflow). Group k, scale group t, parity p, row i at
     * {@code sums[512k + 32t + 16p + i]}.
     */
    static void byteQuantsSumsNarrow(MemorySegment data, long b0, long b1, long b2, long b3, int qs, short[] rep, int col, short[] sums) {
        // one flat loop over the block's 128 column pairs, each 16-column group stored in a branch:
        // a nested loop of 8 pairs paid the segment loads' bounds-check strip (about 25 instructions
        // a load, docs/kernels-performance.md) every 8 pairs
        ShortVector e0 = ShortVector.zero(S1), e1 = e0, e2 = e0, e3 = e0, d0 = e0, d1 = e0, d2 = e0, d3 = e0;
        for (int k = 0; k < 128; k++) {
            ShortVector ye = ShortVector.fromArray(S1, rep, 16 * (col + 2 * k)), yo = ShortVector.fromArray(S1, rep, 16 * (col + 2 * k) + 16);
            long c = qs + 32L * k;
            e0 = ((ShortVector) ByteVector.fromMemorySegment(B16, data, b0 + c, Vec.LE).convertShape(VectorOperators.B2S, S1, 0)).mul(ye).add(e0);
            d0 = ((ShortVector) ByteVector.fromMemorySegment(B16, data, b0 + c + 16, Vec.LE).convertShape(VectorOperators.B2S, S1, 0)).mul(yo).add(d0);
            e1 = ((ShortVector) ByteVector.fromMemorySegment(B16, data, b1 + c, Vec.LE).convertShape(VectorOperators.B2S, S1, 0)).mul(ye).add(e1);
            d1 = ((ShortVector) ByteVector.fromMemorySegment(B16, data, b1 + c + 16, Vec.LE).convertShape(VectorOperators.B2S, S1, 0)).mul(yo).add(d1);
            e2 = ((ShortVector) ByteVector.fromMemorySegment(B16, data, b2 + c, Vec.LE).convertShape(VectorOperators.B2S, S1, 0)).mul(ye).add(e2);
            d2 = ((ShortVector) ByteVector.fromMemorySegment(B16, data, b2 + c + 16, Vec.LE).convertShape(VectorOperators.B2S, S1, 0)).mul(yo).add(d2);
            e3 = ((ShortVector) ByteVector.fromMemorySegment(B16, data, b3 + c, Vec.LE).convertShape(VectorOperators.B2S, S1, 0)).mul(ye).add(e3);
            d3 = ((ShortVector) ByteVector.fromMemorySegment(B16, data, b3 + c + 16, Vec.LE).convertShape(VectorOperators.B2S, S1, 0)).mul(yo).add(d3);
            if ((k & 7) != 7) continue;
            int s = 32 * (k >> 3);
            e0.intoArray(sums, s);
            d0.intoArray(sums, s + 16);
            e1.intoArray(sums, 512 + s);
            d1.intoArray(sums, 512 + s + 16);
            e2.intoArray(sums, 1024 + s);
            d2.intoArray(sums, 1024 + s + 16);
            e3.intoArray(sums, 1536 + s);
            d3.intoArray(sums, 1536 + s + 16);
            e0 = ShortVector.zero(S1); e1 = e0; e2 = e0; e3 = e0; d0 = e0; d1 = e0; d2 = e0; d3 = e0;
        }
    }

    /**
     * Second pass of {@link #byteQuantsSumsNarrow} for one group (its sums from {@code sums[base ..]}):
     * per scale group and 8 rows, the two parities' sums added as ints, times the rows' scales and
     * the activation block's d, then the rows' d, added to {@code out[o .. o+16)}.
     */
    static void byteQuantsScaleNarrow(MemorySegment data, long bo, int sc, int scaleShift, short[] sums, int base, Q8Activations a, int col, float[] out, int o) {
        for (int h = 0; h < GROUP; h += Wide.L) {
            FloatVector acc = FloatVector.fromArray(Wide.F, out, o + h);
            FloatVector dd = FloatVector.fromMemorySegment(Wide.F, data, bo + 4L * h, Vec.LE);
            for (int t = 0; t < 16; t++) {
                int s = base + 32 * t + h;
                IntVector rows = ((IntVector) ShortVector.fromArray(Wide.SH, sums, s).convertShape(VectorOperators.S2I, Wide.I, 0))
                        .add((IntVector) ShortVector.fromArray(Wide.SH, sums, s + 16).convertShape(VectorOperators.S2I, Wide.I, 0));
                FloatVector scale = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + sc + 16 * (t >> scaleShift) + h, Vec.LE)
                        .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(a.d[(col + 16 * t) / Q8Activations.BLOCK]);
                acc = ((FloatVector) rows.convert(VectorOperators.I2F, 0)).mul(scale).fma(dd, acc);
            }
            acc.intoArray(out, o + h);
        }
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
