package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Base of the formats whose dot product is not worth a dedicated kernel (types the Step 3.5
 * files rarely or never use): a subclass decodes one block at a time, and {@link #dot} decodes each
 * block into a per-thread scratch row and runs the vector dot over it. The scratch is per thread
 * because {@code dot} is called concurrently; it holds no state between calls.
 */
abstract class BlockwiseFormat implements BlockFormat {
    private final GgmlType type;
    private final int blockSize;
    private final int blockBytes;
    private final ThreadLocal<float[]> scratch;

    BlockwiseFormat(GgmlType type) {
        this.type = type;
        this.blockSize = type.blockSize();
        this.blockBytes = type.blockBytes();
        this.scratch = ThreadLocal.withInitial(() -> new float[blockSize]);
    }

    /** Writes the {@code blockSize} values of the block at {@code p} to {@code dst[o ..)}. */
    abstract void decodeBlock(MemorySegment src, long p, float[] dst, int o);

    @Override
    public final GgmlType type() { return type; }

    @Override
    public final void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0, nb = n / blockSize; b < nb; b++) decodeBlock(src, off + (long) b * blockBytes, dst, dstOff + b * blockSize);
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        float[] w = scratch.get();
        float sum = 0;
        for (int b = 0, nb = n / blockSize; b < nb; b++) {
            decodeBlock(src, off + (long) b * blockBytes, w, 0);
            sum += Vec.dot(w, x, xOff + b * blockSize, blockSize);
        }
        return sum;
    }
}
