package dev.flash4j.core;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Vector building blocks shared by the block kernels. The kernels work on 8-float (256-bit) vectors:
 * every ggml block length (32, 256) and sub-block length (16, 32) is a multiple of 8, so one
 * vector never straddles two scales. Quantized bytes are loaded 8 at a time ({@link #B64}) so that
 * widening them to floats is always the cheap "part 0" conversion (a sign-extend plus int-to-float).
 */
final class Vec {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** 0, 1, ..., 7: per-lane shift counts for picking bit (base + lane) out of a broadcast word. */
    static final IntVector LANE_INDEX = IntVector.zero(I).addIndex(1);

    private Vec() {}

    /** Bit {@code base + lane} of {@code bits} in each of the 8 lanes, moved to bit 4 (0 or 16). */
    static IntVector fifthBits(int bits, int base) {
        return IntVector.broadcast(I, bits >>> base).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4);
    }

    /** 8 bytes at {@code off}. */
    static ByteVector bytes8(MemorySegment s, long off) {
        return ByteVector.fromMemorySegment(B64, s, off, LE);
    }

    /** The 8 signed byte lanes of {@code b} as floats. */
    static FloatVector toFloat(ByteVector b) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, F, 0);
    }

    /*
     * x86 has no byte-lane shifts: the Vector API emulates a byte shift by widening to shorts and
     * narrowing back (several instructions). The kernels therefore widen quant bytes to int lanes
     * first (one sign-extending move) and split nibbles and high bits with int shifts and masks
     * (one instruction each); sign extension is harmless because every field is masked out.
     */

    /** The low nibbles of the 8 bytes at {@code off}, as ints 0..15. */
    static IntVector lowNibbles(MemorySegment s, long off) {
        return toInt(bytes8(s, off)).and(0xF);
    }

    /** Bits {@code shift .. shift+3} of the 8 bytes at {@code off}, as ints 0..15. */
    static IntVector nibbles(MemorySegment s, long off, int shift) {
        return toInt(bytes8(s, off)).lanewise(VectorOperators.LSHR, shift).and(0xF);
    }

    /** The 8 signed byte lanes of {@code b} as ints. */
    static IntVector toInt(ByteVector b) {
        return (IntVector) b.convertShape(VectorOperators.B2I, I, 0);
    }

    /** 8 activation quants of {@code q} from {@code off}, as ints. */
    static IntVector q8(byte[] q, int off) {
        return toInt(ByteVector.fromArray(B64, q, off));
    }

    /** The 8 int lanes of {@code v} as floats. */
    static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convertShape(VectorOperators.I2F, F, 0);
    }

    static FloatVector x(float[] x, int off) {
        return FloatVector.fromArray(F, x, off);
    }

    /** 8 bfloat16 values at {@code off} as floats (a bf16 is the top half of a float). */
    static FloatVector bf16x8(MemorySegment s, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S128, s, off, LE).convertShape(VectorOperators.S2I, I, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Plain vector dot of {@code w[0..n)} and {@code x[xOff..xOff+n)}; n a multiple of 8. */
    static float dot(float[] w, float[] x, int xOff, int n) {
        return dot(w, 0, x, xOff, n);
    }

    /** Plain vector dot of {@code w[wOff..wOff+n)} and {@code x[xOff..xOff+n)}; n a multiple of 8. */
    static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            a0 = FloatVector.fromArray(F, w, wOff + i).fma(x(x, xOff + i), a0);
            a1 = FloatVector.fromArray(F, w, wOff + i + 8).fma(x(x, xOff + i + 8), a1);
        }
        for (; i < n; i += 8) a0 = FloatVector.fromArray(F, w, wOff + i).fma(x(x, xOff + i), a0);
        return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }
}
