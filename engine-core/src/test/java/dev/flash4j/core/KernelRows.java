package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Weight rows for the kernel tests: {@code src} through the reference quantizer where the type has
 * one ({@link Quantizer}), else (IQ4_XS, which has none yet) random blocks whose scale follows the
 * row's magnitude: every index and sub-block scale random, {@code d} = max|src| / (127 * 16). The
 * tests compare the kernels with the matrix's own dequantized rows, so the blocks need only be
 * valid, not close to {@code src}.
 */
final class KernelRows {
    private KernelRows() {}

    /** Writes row {@code src[0 .. cols)} of type {@code t} at {@code seg[off ..]}. */
    static void write(GgmlType t, float[] src, int cols, MemorySegment seg, long off, Random rnd) {
        if (t != GgmlType.IQ4_XS) {
            Quantizer.quantizeRow(t, src, 0, cols, seg, off);
            return;
        }
        float amax = 0;
        for (int i = 0; i < cols; i++) amax = Math.max(amax, Math.abs(src[i]));
        short d = Float.floatToFloat16(amax / (127 * 16));
        byte[] block = new byte[Iq4XsFormat.BYTES];
        for (int b = 0; b < cols / Iq4XsFormat.BLOCK; b++) {
            rnd.nextBytes(block);
            block[0] = (byte) d;
            block[1] = (byte) (d >> 8);
            MemorySegment.copy(block, 0, seg, ValueLayout.JAVA_BYTE, off + (long) b * Iq4XsFormat.BYTES, block.length);
        }
    }

    /** Whether {@code t} has an interleaved copy on this JVM's vectors (IQ4_XS: on 512-bit ones only). */
    static boolean interleaves(GgmlType t) {
        return t != GgmlType.IQ4_XS || InterleavedIq4Xs.available();
    }
}
