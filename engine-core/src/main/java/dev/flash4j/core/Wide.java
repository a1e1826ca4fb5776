package dev.flash4j.core;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Vector building blocks at the widest float shape the CPU has (512 bits with AVX-512, else 256):
 * {@code L} lanes of floats or ints, fed from {@code L} quant bytes. The matrix-vector kernels use
 * these where their block layout allows any multiple of 8 lanes, so one instruction handles 16
 * values on AVX-512 machines (half the instructions of {@link Vec}'s fixed 8 lanes); every run
 * they index ({@code 16}, {@code 32} values) is a multiple of {@code L}.
 *
 * <p>The system property {@code flash4j.vectorBits=256} forces the 256-bit shape on an AVX-512
 * machine, to exercise the AVX2 code paths (on this machine 512 bits are faster: interleaved
 * Q4_K 0.065 vs 0.079, Q6_K 0.064 vs 0.11 ns per value).
 */
final class Wide {
    static final VectorSpecies<Float> F = Integer.getInteger("flash4j.vectorBits", FloatVector.SPECIES_PREFERRED.vectorBitSize()) >= 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512.length() == L ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * L));
    /** {@code L} short lanes (widened to {@link #I} by the 8-bit kernels). */
    static final VectorSpecies<Short> SH = VectorSpecies.of(short.class, VectorShape.forBitSize(16 * L));

    /**
     * Lanes 16..31 of a 32-lane (512-bit) short vector brought down to 0..15, for the 8-bit kernels
     * that widen 32 short sums to 16 ints (lane i plus lane 16+i): a constant shuffle that C2 loads
     * once per call, where {@code reinterpretShape(.., 1)} re-made a computed index every time.
     */
    static final VectorShuffle<Short> HIGH_HALF = VectorShuffle.fromOp(ShortVector.SPECIES_512, i -> (i + 16) % 32);

    /**
     * Spreads an int broadcast to all lanes of a 512-bit vector and read as 32 shorts (lanes
     * alternating a, b) to a in lanes 0..15 and b in lanes 16..31 (one {@code vpermw}): the 8-bit
     * kernels' activation vector for two columns, built from {@link Q8Activations#pairs} in
     * registers instead of loaded from a 16-fold copy of the activations in memory.
     */
    static final VectorShuffle<Short> PAIR_SPREAD = VectorShuffle.fromOp(ShortVector.SPECIES_512, i -> i < 16 ? 0 : 1);

    private Wide() {}

    /** {@code L} bytes at {@code off} as unsigned ints 0..255. */
    static IntVector u8(MemorySegment s, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B, s, off, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** {@code L} bytes at {@code off} as signed ints -128..127. */
    static IntVector s8(MemorySegment s, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B, s, off, Vec.LE).convertShape(VectorOperators.B2I, I, 0);
    }

    static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    static FloatVector x(float[] x, int off) {
        return FloatVector.fromArray(F, x, off);
    }

    static FloatVector zero() {
        return FloatVector.zero(F);
    }

    static float sum(FloatVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }
}
