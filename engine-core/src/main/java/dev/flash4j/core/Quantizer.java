package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Quantizes float rows into ggml block formats (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K, IQ4_XS),
 * following llama.cpp's reference quantizers so that the result is as accurate as llama.cpp's
 * own files made without an importance matrix.
 */
public final class Quantizer {
    private Quantizer() {}

    /** Whether {@link #quantizeRow} handles {@code t}. */
    public static boolean supports(GgmlType t) {
        return switch (t) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K, IQ4_XS -> true;
            default -> false;
        };
    }

    /** Writes {@code src[srcOff .. srcOff+n)} as type {@code t} to {@code dst} at byte {@code dstOff}. */
    public static void quantizeRow(GgmlType t, float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        byte[] row = quantizeRow(t, src, srcOff, n);
        MemorySegment.copy(row, 0, dst, ValueLayout.JAVA_BYTE, dstOff, row.length);
    }

    /** {@code src[srcOff .. srcOff+n)} as type {@code t}, in a new array of {@code t.rowBytes(n)} bytes. */
    public static byte[] quantizeRow(GgmlType t, float[] src, int srcOff, int n) {
        if (!supports(t)) throw new UnsupportedOperationException("no quantizer for tensor type " + t);
        if (n % t.blockSize() != 0) throw new IllegalArgumentException(n + " values are not a whole number of " + t + " blocks");
        if (srcOff < 0 || n < 0 || srcOff + n > src.length) throw new IndexOutOfBoundsException("row [" + srcOff + ", " + (srcOff + n) + ") of " + src.length);
        byte[] out = new byte[Math.toIntExact(t.rowBytes(n))];
        int bs = t.blockSize(), bb = t.blockBytes();
        for (int b = 0; b < n / bs; b++) {
            int xo = srcOff + b * bs, o = b * bb;
            switch (t) {
                case F32 -> {
                    int bits = Float.floatToRawIntBits(src[xo]);
                    for (int k = 0; k < 4; k++) out[o + k] = (byte) (bits >> (8 * k));
                }
                case F16 -> LegacyQuantizers.putF16(out, o, src[xo]);
                case BF16 -> {
                    int h = toBf16(src[xo]);
                    out[o] = (byte) h;
                    out[o + 1] = (byte) (h >> 8);
                }
                case Q8_0 -> LegacyQuantizers.q8_0(src, xo, out, o);
                case Q4_0 -> LegacyQuantizers.q4_0(src, xo, out, o);
                case Q4_K -> KQuantizers.q4_K(src, xo, out, o);
                case Q5_K -> KQuantizers.q5_K(src, xo, out, o);
                case Q6_K -> KQuantizers.q6_K(src, xo, out, o);
                case IQ4_XS -> Iq4XsQuantizer.block(src, xo, out, o);
                default -> throw new AssertionError(t);
            }
        }
        return out;
    }

    /** Float to bfloat16 bits, rounding to nearest even; NaNs stay (quiet) NaNs. */
    static int toBf16(float v) {
        int u = Float.floatToRawIntBits(v);
        if ((u & 0x7FFFFFFF) > 0x7F800000) return (u >>> 16) | 64;
        return (u + (0x7FFF + ((u >>> 16) & 1))) >>> 16;
    }
}
