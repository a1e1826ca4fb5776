package dev.flash4j.core;

import java.lang.foreign.MemorySegment;

/**
 * A block format with a dot product against 8-bit activations ({@link Q8Activations}), computed
 * as llama.cpp does: integer products of the weight and activation quants per block, scaled once
 * per block (or sub-block) by both scales.
 */
public interface Q8DotFormat extends BlockFormat {
    /**
     * The dot product of the {@code n} values stored at {@code off} with activation values
     * {@code [xOff .. xOff+n)} of {@code x}; {@code xOff} must be a multiple of 32.
     */
    float dotQ8(MemorySegment src, long off, Q8Activations x, int xOff, int n);
}
