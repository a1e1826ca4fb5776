package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * The row kernels of one ggml block format. Rows are read in place from a memory-mapped
 * {@link MemorySegment}; {@code n} is always a multiple of the type's block size and {@code off}
 * the byte offset of the row's (or block run's) first block.
 */
public interface BlockFormat {
    GgmlType type();

    /** Writes the {@code n} values stored at {@code off} to {@code dst[dstOff .. dstOff+n)}. */
    void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n);

    /** The dot product of the {@code n} values stored at {@code off} with {@code x[xOff .. xOff+n)}. */
    float dot(MemorySegment src, long off, float[] x, int xOff, int n);
}
