package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_0 and IQ4_NL rows interleaved in groups of 16 ({@link InterleavedRows}), on 512-bit vectors
 * only. Both formats are 32-value blocks of an f16 scale and 16 bytes of 4-bit indexes; a value is
 * the scale times its index's level: {@code index - 8} for Q4_0, {@link Iq4Table} for IQ4_NL. So one
 * layout and one set of kernels serves both, with the 16 levels as a table. Per group and 256-column
 * block (eight source blocks), {@link #BLOCK_BYTES} bytes (2560 against 16 x 144 for the rows, +11%),
 * four chunks of 64 columns, chunk c at {@code 640*c}:
 * <pre>
 *   [0, 64)      d of sub-block 2c (columns 64c .. 64c+31) of row i at 4*i, f32
 *   [64, 128)    d of sub-block 2c+1 (columns 64c+32 .. 64c+63), the same
 *   [128, 640)   level indexes: byte l (32c .. 32c+31) of the row at 128 + 16*(l - 32c) + i, in Q4_K's order
 * </pre>
 * Each chunk's scales sit just before its indexes: the kernels read them right after the indexes,
 * lines just passed. With all 512 bytes of scales at the block's start (read up to 2 KB behind the
 * indexes), two threads streamed a 151 MB matrix at 27-29 GB/s; chunked, at 36-37 (the same
 * kernel, Zen 5).
 *
 * <p>The indexes are re-ordered into {@link InterleavedQ4K}'s arrangement (byte {@code 32c + j} holds
 * column {@code 64c + j} in its low nibble and {@code 64c + 32 + j} in its high one; the source keeps
 * a block's first 16 values in the low nibbles of its 16 bytes), as {@link InterleavedIq4Xs} does,
 * whose kernels these are with a float scale per sub-block instead of a byte scale per sub-block
 * and a d per block. The lookup: the 16 int lanes of a load's zero-extended bytes select from the
 * levels as float bits, which {@code selectFrom} reads modulo 16, so the low nibble needs no mask
 * ({@code vpermd}). The table is loaded from {@link #levelBits} once per kernel call: a vector in a
 * field would be a boxed object. On 256-bit vectors a 16-level table needs two registers, which
 * JDK 25 runs in Java ({@link InterleavedIq4Xs}), so there these formats keep their row kernels. The
 * kernels are written out again rather than shared with IQ4_XS behind a flag: they sit near C2's node
 * budget, past which it boxes vectors ({@link InterleavedKQuant}).
 *
 * <p>Why a copy: the row kernels took 0.075 ns per Q4_0 weight and thread (one row at a time, a
 * scalar f16 scale per 32 values), the interleaved Q4_K kernels 0.027-0.040 (Zen 5, 16384 x 4096,
 * 2 threads). No 8-bit kernels ({@link #hasEightBit}): an IQ4_NL level times an activation quant
 * reaches 127 x 127, so two products would overflow the short lanes those kernels add in.
 */
final class InterleavedQ4_0 extends InterleavedKQuant {
    /** Bytes of a 64-column chunk (d of its two sub-blocks, then its quants), and the quants' offset in it. */
    private static final int CHUNK = 128 + 512, QS = 128;
    static final int BLOCK_BYTES = 4 * CHUNK;
    private static final int G = GROUP;
    /** Source blocks per block of the copy. */
    private static final int SUBS = BLOCK / Q4_0Format.BLOCK;
    private static final int[] Q4_0_LEVELS = levels(GgmlType.Q4_0), IQ4_NL_LEVELS = levels(GgmlType.IQ4_NL);

    /** The 16 levels as float bits, one per int lane, for {@code selectFrom}. */
    private final int[] levelBits;
    private final GgmlType type;

    private InterleavedQ4_0(MemorySegment data, int groups, int cols, GgmlType type) {
        super(data, groups, cols, BLOCK_BYTES, false);
        this.type = type;
        this.levelBits = type == GgmlType.Q4_0 ? Q4_0_LEVELS : IQ4_NL_LEVELS;
    }

    private static int[] levels(GgmlType t) {
        int[] bits = new int[16];
        for (int i = 0; i < 16; i++) bits[i] = Float.floatToRawIntBits(t == GgmlType.Q4_0 ? i - 8 : Iq4Table.level(i));
        return bits;
    }

    /** Whether this JVM's kernels can take a copy of rows of {@code cols} columns: 512-bit vectors, whole 256-column blocks. */
    static boolean fits(int cols) {
        return Wide.L == G && cols % BLOCK == 0;
    }

    /** Bytes of {@code groups} packed groups of {@code cols} columns ({@link #fits}). */
    static long bytes(int groups, int cols) {
        return (long) groups * (cols / BLOCK) * BLOCK_BYTES;
    }

    /** Groups of a Q4_0 or IQ4_NL matrix already packed in {@code data} ({@link #bytes} long). */
    static InterleavedQ4_0 view(MemorySegment data, int groups, int cols, GgmlType type) {
        return new InterleavedQ4_0(data, groups, cols, type);
    }

    /** Packs the whole groups of {@code src}'s rows (Q4_0 or IQ4_NL: the same bytes) into {@code dst} ({@link #bytes} long). */
    static InterleavedQ4_0 pack(MemorySegment src, long rowBytes, int groups, int cols, MemorySegment dst, WorkerPool pool, GgmlType type) {
        packBlocks(src, rowBytes, groups, cols, SUBS * Q4_0Format.BYTES, BLOCK_BYTES, dst, pool, (rows, p, i, out, o) -> {
            for (int s = 0; s < SUBS; s++) out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + CHUNK * (s / 2) + 64 * (s % 2) + 4L * i, Le.f16(rows, p + (long) Q4_0Format.BYTES * s));
            for (int l = 0; l < 128; l++) {
                int c = 64 * (l / 32) + l % 32; // the columns of byte l's low and high nibble: c and c + 32
                out.set(ValueLayout.JAVA_BYTE, o + CHUNK * (l / 32) + QS + 16L * (l % 32) + i, (byte) (index(rows, p, c) | index(rows, p, c + 32) << 4));
            }
        });
        return new InterleavedQ4_0(dst, groups, cols, type);
    }

    /** The level index of column {@code c} of the eight source blocks at {@code p}: block c / 32, low nibbles its first 16 values. */
    private static int index(MemorySegment src, long p, int c) {
        int k = c % 32;
        return (Le.u8(src, p + (long) Q4_0Format.BYTES * (c / 32) + 2 + k % 16) >> (4 * (k / 16))) & 0xF;
    }

    @Override
    InterleavedQ4_0 over(MemorySegment data, int groups) {
        return new InterleavedQ4_0(data, groups, BLOCK * blocks, type);
    }

    @Override
    public boolean hasEightBit() {
        return false;
    }

    /** Vector API calls written out, not through {@link Wide}: see {@link InterleavedKQuant}. */
    @Override
    public void dequantizeGroup(int g, float[] tile) {
        IntVector levels = IntVector.fromArray(IntVector.SPECIES_512, levelBits, 0);
        long go = g * (long) blocks * BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            for (int s = 0; s < SUBS; s++) {
                FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * (s >> 1) + 64 * (s & 1), Vec.LE);
                long q = bo + (long) CHUNK * (s >> 1) + QS;
                int shift = 4 * (s & 1), o = G * (256 * b + 32 * s);
                for (int j = 0; j < 32; j++) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                    v.lanewise(VectorOperators.LSHR, shift).selectFrom(levels).reinterpretAsFloats().mul(d).intoArray(tile, o + G * j);
                }
            }
        }
    }

    /**
     * Per 64 columns, one load per unit gives two columns (low and high nibbles), each meeting its
     * broadcast activation; per sub-block the sums times the rows' d. Vector API calls written out:
     * see {@link InterleavedKQuant}.
     */
    @Override
    void quadBlock(long b0, long b1, long b2, long b3, int h, float[] x, int xo, float[] sums, int so,
                   float[] out, int o0, int o1, int o2, int o3) {
        IntVector levels = IntVector.fromArray(IntVector.SPECIES_512, levelBits, 0);
        FloatVector s0 = FloatVector.zero(Wide.F), s1 = s0, s2 = s0, s3 = s0;
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        for (int c = 0; c < 4; c++) {
            FloatVector l0 = FloatVector.zero(Wide.F), l1 = l0, l2 = l0, l3 = l0, u0 = l0, u1 = l0, u2 = l0, u3 = l0;
            for (int j = 0; j < 32; j++) {
                FloatVector ylo = FloatVector.broadcast(Wide.F, x[xo + 64 * c + j]), yhi = FloatVector.broadcast(Wide.F, x[xo + 64 * c + 32 + j]);
                long k = (long) CHUNK * c + 16L * j;
                IntVector v0 = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + k, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                IntVector v1 = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + k, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                IntVector v2 = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + k, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                IntVector v3 = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + k, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                l0 = ((FloatVector) v0.selectFrom(levels).reinterpretAsFloats()).fma(ylo, l0);
                u0 = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats()).fma(yhi, u0);
                l1 = ((FloatVector) v1.selectFrom(levels).reinterpretAsFloats()).fma(ylo, l1);
                u1 = ((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats()).fma(yhi, u1);
                l2 = ((FloatVector) v2.selectFrom(levels).reinterpretAsFloats()).fma(ylo, l2);
                u2 = ((FloatVector) v2.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats()).fma(yhi, u2);
                l3 = ((FloatVector) v3.selectFrom(levels).reinterpretAsFloats()).fma(ylo, l3);
                u3 = ((FloatVector) v3.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats()).fma(yhi, u3);
            }
            // sub-blocks 2c (low nibbles) and 2c+1 (high nibbles): their d at 64 * (2c) and 64 * (2c + 1)
            int dl = CHUNK * c, dh = dl + 64;
            s0 = u0.fma(FloatVector.fromMemorySegment(Wide.F, data, b0 + dh, Vec.LE), l0.fma(FloatVector.fromMemorySegment(Wide.F, data, b0 + dl, Vec.LE), s0));
            s1 = u1.fma(FloatVector.fromMemorySegment(Wide.F, data, b1 + dh + 4L * h, Vec.LE), l1.fma(FloatVector.fromMemorySegment(Wide.F, data, b1 + dl + 4L * h, Vec.LE), s1));
            s2 = u2.fma(FloatVector.fromMemorySegment(Wide.F, data, b2 + dh, Vec.LE), l2.fma(FloatVector.fromMemorySegment(Wide.F, data, b2 + dl, Vec.LE), s2));
            s3 = u3.fma(FloatVector.fromMemorySegment(Wide.F, data, b3 + dh + 4L * h, Vec.LE), l3.fma(FloatVector.fromMemorySegment(Wide.F, data, b3 + dl + 4L * h, Vec.LE), s3));
        }
        s0.add(FloatVector.fromArray(Wide.F, out, o0)).intoArray(out, o0);
        s1.add(FloatVector.fromArray(Wide.F, out, o1)).intoArray(out, o1);
        s2.add(FloatVector.fromArray(Wide.F, out, o2)).intoArray(out, o2);
        s3.add(FloatVector.fromArray(Wide.F, out, o3)).intoArray(out, o3);
    }

    /**
     * Two tokens: per 64 columns, one load per unit gives two columns (low and high nibbles), each
     * looked up once and multiplied with both tokens' broadcast activations (16 accumulators); then
     * per unit the sums times the sub-blocks' d added to {@code acc} (Vector API calls written out:
     * see {@link InterleavedKQuant}).
     */
    @Override
    void quadBlock2(long b0, long b1, long b2, long b3, int h, float[] x, int xa, int xb, float[] acc) {
        IntVector levels = IntVector.fromArray(IntVector.SPECIES_512, levelBits, 0);
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        int l = Wide.L;
        for (int c = 0; c < 4; c++) {
            FloatVector la0 = FloatVector.zero(Wide.F), la1 = la0, la2 = la0, la3 = la0, ha0 = la0, ha1 = la0, ha2 = la0, ha3 = la0;
            FloatVector lb0 = la0, lb1 = la0, lb2 = la0, lb3 = la0, hb0 = la0, hb1 = la0, hb2 = la0, hb3 = la0;
            for (int j = 0; j < 32; j++) {
                int xj = 64 * c + j;
                FloatVector ya = FloatVector.broadcast(Wide.F, x[xa + xj]), za = FloatVector.broadcast(Wide.F, x[xa + xj + 32]);
                FloatVector yb = FloatVector.broadcast(Wide.F, x[xb + xj]), zb = FloatVector.broadcast(Wide.F, x[xb + xj + 32]);
                long k = (long) CHUNK * c + 16L * j;
                IntVector v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                FloatVector lo = (FloatVector) v.selectFrom(levels).reinterpretAsFloats(), hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats();
                la0 = lo.fma(ya, la0); lb0 = lo.fma(yb, lb0); ha0 = hi.fma(za, ha0); hb0 = hi.fma(zb, hb0);
                v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                lo = (FloatVector) v.selectFrom(levels).reinterpretAsFloats();
                hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats();
                la1 = lo.fma(ya, la1); lb1 = lo.fma(yb, lb1); ha1 = hi.fma(za, ha1); hb1 = hi.fma(zb, hb1);
                v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                lo = (FloatVector) v.selectFrom(levels).reinterpretAsFloats();
                hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats();
                la2 = lo.fma(ya, la2); lb2 = lo.fma(yb, lb2); ha2 = hi.fma(za, ha2); hb2 = hi.fma(zb, hb2);
                v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                lo = (FloatVector) v.selectFrom(levels).reinterpretAsFloats();
                hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats();
                la3 = lo.fma(ya, la3); lb3 = lo.fma(yb, lb3); ha3 = hi.fma(za, ha3); hb3 = hi.fma(zb, hb3);
            }
            int dl = CHUNK * c, dh = dl + 64;
            FloatVector sl = FloatVector.fromMemorySegment(Wide.F, data, b0 + dl, Vec.LE), sh = FloatVector.fromMemorySegment(Wide.F, data, b0 + dh, Vec.LE);
            la0.fma(sl, ha0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
            lb0.fma(sl, hb0.fma(sh, FloatVector.fromArray(Wide.F, acc, l))).intoArray(acc, l);
            sl = FloatVector.fromMemorySegment(Wide.F, data, b1 + dl + 4L * h, Vec.LE);
            sh = FloatVector.fromMemorySegment(Wide.F, data, b1 + dh + 4L * h, Vec.LE);
            la1.fma(sl, ha1.fma(sh, FloatVector.fromArray(Wide.F, acc, 2 * l))).intoArray(acc, 2 * l);
            lb1.fma(sl, hb1.fma(sh, FloatVector.fromArray(Wide.F, acc, 3 * l))).intoArray(acc, 3 * l);
            sl = FloatVector.fromMemorySegment(Wide.F, data, b2 + dl, Vec.LE);
            sh = FloatVector.fromMemorySegment(Wide.F, data, b2 + dh, Vec.LE);
            la2.fma(sl, ha2.fma(sh, FloatVector.fromArray(Wide.F, acc, 4 * l))).intoArray(acc, 4 * l);
            lb2.fma(sl, hb2.fma(sh, FloatVector.fromArray(Wide.F, acc, 5 * l))).intoArray(acc, 5 * l);
            sl = FloatVector.fromMemorySegment(Wide.F, data, b3 + dl + 4L * h, Vec.LE);
            sh = FloatVector.fromMemorySegment(Wide.F, data, b3 + dh + 4L * h, Vec.LE);
            la3.fma(sl, ha3.fma(sh, FloatVector.fromArray(Wide.F, acc, 6 * l))).intoArray(acc, 6 * l);
            lb3.fma(sl, hb3.fma(sh, FloatVector.fromArray(Wide.F, acc, 7 * l))).intoArray(acc, 7 * l);
        }
    }

    /**
     * One block of lanes {@code [h, h+L)} of a group, added to {@code out[o ..]} (in memory rather
     * than passed and returned as a vector: when C2 does not inline this method, a vector
     * argument or result is boxed, an allocation per block).
     */
    @Override
    void blockDot(long bo, int h, float[] x, int xo, float[] sums, int so, float[] out, int o) {
        IntVector levels = IntVector.fromArray(IntVector.SPECIES_512, levelBits, 0);
        FloatVector sum = FloatVector.fromArray(Wide.F, out, o);
        for (int c = 0; c < 4; c++) {
            // sub-blocks 2c (low nibbles, columns 64c + j) and 2c+1 (high nibbles, 64c + 32 + j) from the same loads
            long q = bo + (long) CHUNK * c + QS + h;
            int xl = xo + 64 * c;
            FloatVector lo = Wide.zero(), hi = lo;
            for (int j = 0; j < 32; j++) {
                IntVector v = Wide.u8(data, q + 16L * j);
                lo = v.selectFrom(levels).reinterpretAsFloats().fma(FloatVector.broadcast(Wide.F, x[xl + j]), lo);
                hi = v.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats().fma(FloatVector.broadcast(Wide.F, x[xl + 32 + j]), hi);
            }
            sum = lo.fma(FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * c + 4L * h, Vec.LE), sum);
            sum = hi.fma(FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * c + 64 + 4L * h, Vec.LE), sum);
        }
        sum.intoArray(out, o);
    }

    /**
     * Two groups (at {@code ga}, {@code gb}; {@code L == 16}) for 4 tokens: the first group's 4
     * accumulators to {@code acc[0 .. 4L)}, the second's to {@code acc[4L .. 8L)}.
     */
    @Override
    void groups4(long ga, long gb, float[] x, int x0, int x1, int x2, int x3, float[] sums, int s0, int s1, int s2, int s3, float[] acc) {
        java.util.Arrays.fill(acc, 0, 8 * Wide.L, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = (long) b * BLOCK_BYTES;
            int xb = 256 * b;
            for (int c = 0; c < 4; c++) pair4x2(ga + bo, gb + bo, c, x, x0 + xb + 64 * c, x1 + xb + 64 * c, x2 + xb + 64 * c, x3 + xb + 64 * c, acc);
        }
    }

    /**
     * 64 columns (sub-blocks 2c and 2c+1) of two groups' blocks for 4 tokens: each 16-byte load
     * per group gives two columns, each broadcast activation feeds one FMA per group (16
     * accumulators). Vector API calls written out (see {@link InterleavedKQuant}).
     */
    private void pair4x2(long ba, long bb, int c, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        IntVector levels = IntVector.fromArray(IntVector.SPECIES_512, levelBits, 0);
        long qa = ba + (long) CHUNK * c + QS, qb = bb + (long) CHUNK * c + QS;
        FloatVector la0 = FloatVector.zero(Wide.F), la1 = la0, la2 = la0, la3 = la0, ha0 = la0, ha1 = la0, ha2 = la0, ha3 = la0;
        FloatVector lb0 = la0, lb1 = la0, lb2 = la0, lb3 = la0, hb0 = la0, hb1 = la0, hb2 = la0, hb3 = la0;
        for (int j = 0; j < 32; j++) {
            IntVector va = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, qa + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
            IntVector vb = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, qb + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
            FloatVector loa = (FloatVector) va.selectFrom(levels).reinterpretAsFloats();
            FloatVector lob = (FloatVector) vb.selectFrom(levels).reinterpretAsFloats();
            FloatVector y = FloatVector.broadcast(Wide.F, x[x0 + j]);
            la0 = loa.fma(y, la0); lb0 = lob.fma(y, lb0);
            y = FloatVector.broadcast(Wide.F, x[x1 + j]);
            la1 = loa.fma(y, la1); lb1 = lob.fma(y, lb1);
            y = FloatVector.broadcast(Wide.F, x[x2 + j]);
            la2 = loa.fma(y, la2); lb2 = lob.fma(y, lb2);
            y = FloatVector.broadcast(Wide.F, x[x3 + j]);
            la3 = loa.fma(y, la3); lb3 = lob.fma(y, lb3);
            FloatVector hia = (FloatVector) va.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats();
            FloatVector hib = (FloatVector) vb.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats();
            y = FloatVector.broadcast(Wide.F, x[x0 + 32 + j]);
            ha0 = hia.fma(y, ha0); hb0 = hib.fma(y, hb0);
            y = FloatVector.broadcast(Wide.F, x[x1 + 32 + j]);
            ha1 = hia.fma(y, ha1); hb1 = hib.fma(y, hb1);
            y = FloatVector.broadcast(Wide.F, x[x2 + 32 + j]);
            ha2 = hia.fma(y, ha2); hb2 = hib.fma(y, hb2);
            y = FloatVector.broadcast(Wide.F, x[x3 + 32 + j]);
            ha3 = hia.fma(y, ha3); hb3 = hib.fma(y, hb3);
        }
        int dl = CHUNK * c, dh = dl + 64;
        FloatVector sla = FloatVector.fromMemorySegment(Wide.F, data, ba + dl, Vec.LE), sha = FloatVector.fromMemorySegment(Wide.F, data, ba + dh, Vec.LE);
        FloatVector slb = FloatVector.fromMemorySegment(Wide.F, data, bb + dl, Vec.LE), shb = FloatVector.fromMemorySegment(Wide.F, data, bb + dh, Vec.LE);
        int l = Wide.L;
        la0.fma(sla, ha0.fma(sha, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        la1.fma(sla, ha1.fma(sha, FloatVector.fromArray(Wide.F, acc, l))).intoArray(acc, l);
        la2.fma(sla, ha2.fma(sha, FloatVector.fromArray(Wide.F, acc, 2 * l))).intoArray(acc, 2 * l);
        la3.fma(sla, ha3.fma(sha, FloatVector.fromArray(Wide.F, acc, 3 * l))).intoArray(acc, 3 * l);
        lb0.fma(slb, hb0.fma(shb, FloatVector.fromArray(Wide.F, acc, 4 * l))).intoArray(acc, 4 * l);
        lb1.fma(slb, hb1.fma(shb, FloatVector.fromArray(Wide.F, acc, 5 * l))).intoArray(acc, 5 * l);
        lb2.fma(slb, hb2.fma(shb, FloatVector.fromArray(Wide.F, acc, 6 * l))).intoArray(acc, 6 * l);
        lb3.fma(slb, hb3.fma(shb, FloatVector.fromArray(Wide.F, acc, 7 * l))).intoArray(acc, 7 * l);
    }

    /** Lanes {@code [h, h+L)} of the group at {@code go} for 4 tokens, into {@code acc}. */
    @Override
    void group4(long go, int h, float[] x, int x0, int x1, int x2, int x3, float[] sums, int s0, int s1, int s2, int s3, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b;
            for (int c = 0; c < 4; c++) pair4(bo, c, h, x, x0 + xb + 64 * c, x1 + xb + 64 * c, x2 + xb + 64 * c, x3 + xb + 64 * c, acc);
        }
    }

    /**
     * Sub-blocks 2c and 2c+1 of a block for 4 tokens (activations from {@code x0..x3}): each
     * 16-byte load gives both nibbles of 16 rows, looked up once and multiplied with the 4
     * tokens' activations; the sums, times the sub-blocks' d, go to {@code acc}.
     */
    private void pair4(long bo, int c, int h, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        IntVector levels = IntVector.fromArray(IntVector.SPECIES_512, levelBits, 0);
        long q = bo + (long) CHUNK * c + QS + h;
        FloatVector l0 = Wide.zero(), l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
        for (int j = 0; j < 32; j++) {
            IntVector v = Wide.u8(data, q + 16L * j);
            FloatVector lo = v.selectFrom(levels).reinterpretAsFloats(), hi = v.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats();
            l0 = lo.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), l0);
            l1 = lo.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), l1);
            l2 = lo.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), l2);
            l3 = lo.fma(FloatVector.broadcast(Wide.F, x[x3 + j]), l3);
            h0 = hi.fma(FloatVector.broadcast(Wide.F, x[x0 + 32 + j]), h0);
            h1 = hi.fma(FloatVector.broadcast(Wide.F, x[x1 + 32 + j]), h1);
            h2 = hi.fma(FloatVector.broadcast(Wide.F, x[x2 + 32 + j]), h2);
            h3 = hi.fma(FloatVector.broadcast(Wide.F, x[x3 + 32 + j]), h3);
        }
        FloatVector sl = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * c + 4L * h, Vec.LE);
        FloatVector sh = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * c + 64 + 4L * h, Vec.LE);
        l0.fma(sl, h0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        l1.fma(sl, h1.fma(sh, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
        l2.fma(sl, h2.fma(sh, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L))).intoArray(acc, 2 * Wide.L);
        l3.fma(sl, h3.fma(sh, FloatVector.fromArray(Wide.F, acc, 3 * Wide.L))).intoArray(acc, 3 * Wide.L);
    }

    /** {@link #group4} for 3 tokens. */
    @Override
    void group3(long go, int h, float[] x, int x0, int x1, int x2, float[] sums, int s0, int s1, int s2, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b;
            for (int c = 0; c < 4; c++) pair3(bo, c, h, x, x0 + xb + 64 * c, x1 + xb + 64 * c, x2 + xb + 64 * c, acc);
        }
    }

    /** {@link #pair4} for 3 tokens. */
    private void pair3(long bo, int c, int h, float[] x, int x0, int x1, int x2, float[] acc) {
        IntVector levels = IntVector.fromArray(IntVector.SPECIES_512, levelBits, 0);
        long q = bo + (long) CHUNK * c + QS + h;
        FloatVector l0 = Wide.zero(), l1 = l0, l2 = l0, h0 = l0, h1 = l0, h2 = l0;
        for (int j = 0; j < 32; j++) {
            IntVector v = Wide.u8(data, q + 16L * j);
            FloatVector lo = v.selectFrom(levels).reinterpretAsFloats(), hi = v.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats();
            l0 = lo.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), l0);
            l1 = lo.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), l1);
            l2 = lo.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), l2);
            h0 = hi.fma(FloatVector.broadcast(Wide.F, x[x0 + 32 + j]), h0);
            h1 = hi.fma(FloatVector.broadcast(Wide.F, x[x1 + 32 + j]), h1);
            h2 = hi.fma(FloatVector.broadcast(Wide.F, x[x2 + 32 + j]), h2);
        }
        FloatVector sl = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * c + 4L * h, Vec.LE);
        FloatVector sh = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * c + 64 + 4L * h, Vec.LE);
        l0.fma(sl, h0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        l1.fma(sl, h1.fma(sh, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
        l2.fma(sl, h2.fma(sh, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L))).intoArray(acc, 2 * Wide.L);
    }

    /** {@link #group4} for 2 tokens. */
    @Override
    void group2(long go, int h, float[] x, int x0, int x1, float[] sums, int s0, int s1, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b;
            for (int c = 0; c < 4; c++) pair2(bo, c, h, x, x0 + xb + 64 * c, x1 + xb + 64 * c, acc);
        }
    }

    /** {@link #pair4} for 2 tokens. */
    private void pair2(long bo, int c, int h, float[] x, int x0, int x1, float[] acc) {
        IntVector levels = IntVector.fromArray(IntVector.SPECIES_512, levelBits, 0);
        long q = bo + (long) CHUNK * c + QS + h;
        FloatVector l0 = Wide.zero(), l1 = l0, h0 = l0, h1 = l0;
        for (int j = 0; j < 32; j++) {
            IntVector v = Wide.u8(data, q + 16L * j);
            FloatVector lo = v.selectFrom(levels).reinterpretAsFloats(), hi = v.lanewise(VectorOperators.LSHR, 4).selectFrom(levels).reinterpretAsFloats();
            l0 = lo.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), l0);
            l1 = lo.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), l1);
            h0 = hi.fma(FloatVector.broadcast(Wide.F, x[x0 + 32 + j]), h0);
            h1 = hi.fma(FloatVector.broadcast(Wide.F, x[x1 + 32 + j]), h1);
        }
        FloatVector sl = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * c + 4L * h, Vec.LE);
        FloatVector sh = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * c + 64 + 4L * h, Vec.LE);
        l0.fma(sl, h0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        l1.fma(sl, h1.fma(sh, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
    }

    /** Never called: {@link #hasEightBit} keeps 8-bit activations away from this copy. */
    @Override
    public void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff) {
        throw new UnsupportedOperationException(type + " has no 8-bit interleaved kernels");
    }

    @Override
    void blockQ8(long bo, Q8Activations a, int col, float[] out, int o) {
        throw new UnsupportedOperationException(type + " has no 8-bit interleaved kernels");
    }

    @Override
    void quadQ8(long b0, long b1, long b2, long b3, Q8Activations a, int col, float[] out, int o0, int o1, int o2, int o3) {
        throw new UnsupportedOperationException(type + " has no 8-bit interleaved kernels");
    }
}
