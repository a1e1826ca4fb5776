package dev.flash4j.core;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Shared pieces of the multi-token interleaved kernels ({@link InterleavedRows#dotTokens}). A
 * kernel handles a pass of 4 (or 3, 2) tokens over one group: per token one float accumulator vector
 * of {@link Wide#L} lanes (rows), kept in a small {@code acc} array between the kernel's pieces
 * ({@code acc[k*L ..]} is token k's), because a method cannot return several vectors and the
 * pieces must stay small for C2 (see {@link Q4KFormat}'s note on method size). The array traffic
 * is a few loads and stores per sub-block, next to 32 columns of decoding and FMAs.
 */
final class InterleavedTokens {
    /** Largest pass of tokens a kernel takes at once. */
    static final int PASS = 4;

    /** Per-thread accumulator arrays: two groups' passes of {@link #PASS} tokens. */
    private static final ThreadLocal<float[]> ACCUMULATORS = ThreadLocal.withInitial(() -> new float[2 * PASS * Wide.L]);

    private InterleavedTokens() {}

    /**
     * The calling thread's accumulator array ({@code 2 * PASS * L} floats; a kernel's
     * {@code dotTokens} uses it for the length of the call, and does not call another): a new
     * array per call was an allocation per group range of every multi-token product.
     */
    static float[] accumulators() {
        return ACCUMULATORS.get();
    }

    /** Lanes {@code [h, h+L)} of a pass's first {@code n} tokens' accumulators, from {@code acc[a ..]}, to their outputs. */
    static void store(float[] acc, int a, int n, float[] out, int o, int outStride) {
        for (int k = 0; k < n; k++) System.arraycopy(acc, a + k * Wide.L, out, o + k * outStride, Wide.L);
    }

    /**
     * Q4_K/Q5_K layouts (dmin at {@code bo + 64}, mins of sub-block s at {@code bo + 256 + 16s}):
     * subtracts {@code dmin * sum_s(min_s * sums_k[s])} of one block from tokens 0..3's accumulators.
     */
    static void mins4(MemorySegment data, long bo, int h, float[] sums, int s0, int s1, int s2, int s3, float[] acc) {
        mins4(data, bo, h, sums, s0, s1, s2, s3, acc, 0);
    }

    /**
     * {@link #mins4} into the accumulators at {@code acc[a ..]} (a second group's, in the two-group
     * passes). The min helpers call the Vector API directly, not {@link Wide}'s helpers: on 256-bit
     * vectors C2 left {@code Wide.u8}/{@code Wide.toFloat} out of line in {@link #mins3} in one
     * {@code DecodeAllocationTest} run of seven (a 4-token pass allocated 1 MB).
     */
    static void mins4(MemorySegment data, long bo, int h, float[] sums, int s0, int s1, int s2, int s3, float[] acc, int a) {
        FloatVector m0 = FloatVector.zero(Wide.F), m1 = m0, m2 = m0, m3 = m0;
        for (int s = 0; s < 8; s++) {
            FloatVector mn = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + 256 + 16 * s + h, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
            m0 = mn.fma(FloatVector.broadcast(Wide.F, sums[s0 + s]), m0);
            m1 = mn.fma(FloatVector.broadcast(Wide.F, sums[s1 + s]), m1);
            m2 = mn.fma(FloatVector.broadcast(Wide.F, sums[s2 + s]), m2);
            m3 = mn.fma(FloatVector.broadcast(Wide.F, sums[s3 + s]), m3);
        }
        FloatVector dmin = FloatVector.fromMemorySegment(Wide.F, data, bo + 64 + 4L * h, Vec.LE).neg();
        m0.fma(dmin, FloatVector.fromArray(Wide.F, acc, a)).intoArray(acc, a);
        m1.fma(dmin, FloatVector.fromArray(Wide.F, acc, a + Wide.L)).intoArray(acc, a + Wide.L);
        m2.fma(dmin, FloatVector.fromArray(Wide.F, acc, a + 2 * Wide.L)).intoArray(acc, a + 2 * Wide.L);
        m3.fma(dmin, FloatVector.fromArray(Wide.F, acc, a + 3 * Wide.L)).intoArray(acc, a + 3 * Wide.L);
    }

    /** {@link #mins4} for tokens 0..2. */
    static void mins3(MemorySegment data, long bo, int h, float[] sums, int s0, int s1, int s2, float[] acc) {
        FloatVector m0 = FloatVector.zero(Wide.F), m1 = m0, m2 = m0;
        for (int s = 0; s < 8; s++) {
            FloatVector mn = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + 256 + 16 * s + h, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
            m0 = mn.fma(FloatVector.broadcast(Wide.F, sums[s0 + s]), m0);
            m1 = mn.fma(FloatVector.broadcast(Wide.F, sums[s1 + s]), m1);
            m2 = mn.fma(FloatVector.broadcast(Wide.F, sums[s2 + s]), m2);
        }
        FloatVector dmin = FloatVector.fromMemorySegment(Wide.F, data, bo + 64 + 4L * h, Vec.LE).neg();
        m0.fma(dmin, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
        m1.fma(dmin, FloatVector.fromArray(Wide.F, acc, Wide.L)).intoArray(acc, Wide.L);
        m2.fma(dmin, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L)).intoArray(acc, 2 * Wide.L);
    }

    /** {@link #mins4} for tokens 0 and 1. */
    static void mins2(MemorySegment data, long bo, int h, float[] sums, int s0, int s1, float[] acc) {
        mins2(data, bo, h, sums, s0, s1, acc, 0);
    }

    /** {@link #mins2} into the accumulators at {@code acc[a ..]} (a unit's, in the four-unit passes of two tokens). */
    static void mins2(MemorySegment data, long bo, int h, float[] sums, int s0, int s1, float[] acc, int a) {
        FloatVector m0 = FloatVector.zero(Wide.F), m1 = m0;
        for (int s = 0; s < 8; s++) {
            FloatVector mn = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + 256 + 16 * s + h, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
            m0 = mn.fma(FloatVector.broadcast(Wide.F, sums[s0 + s]), m0);
            m1 = mn.fma(FloatVector.broadcast(Wide.F, sums[s1 + s]), m1);
        }
        FloatVector dmin = FloatVector.fromMemorySegment(Wide.F, data, bo + 64 + 4L * h, Vec.LE).neg();
        m0.fma(dmin, FloatVector.fromArray(Wide.F, acc, a)).intoArray(acc, a);
        m1.fma(dmin, FloatVector.fromArray(Wide.F, acc, a + Wide.L)).intoArray(acc, a + Wide.L);
    }
}
