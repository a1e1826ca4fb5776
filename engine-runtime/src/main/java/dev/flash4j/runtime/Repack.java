package dev.flash4j.runtime;

/**
 * Where the K-quant, Q8_0, Q4_0 and IQ4 matrices (Q4_K, Q5_K, Q6_K; Q8_0 of whole 256-column blocks;
 * IQ4_XS, and Q4_0 and IQ4_NL of whole 256-column blocks, on 512-bit vectors) are read from. The
 * interleaved layout (16 rows per group, one row per vector lane; see {@code InterleavedRows}) makes
 * decoding about 2.5x faster than reading the file's own row layout (IQ4_XS about 3x, Q4_0 about
 * 2x), at the cost of a copy of those matrices (Q4_K +5%, Q5_K/Q6_K expanded to a byte per quant:
 * +59%/+31%, Q8_0 with f32 scales: +6%, IQ4_XS +3%, Q4_0/IQ4_NL with f32 scales +11%).
 */
public enum Repack {
    /** Read the weights in place from the mapped model file; nothing is copied. */
    OFF,
    /** An interleaved copy in native memory (outside the Java heap), made at every load. */
    MEMORY,
    /**
     * An interleaved copy in a cache file ({@link ModelOptions#repackCache()}), made once and then
     * memory-mapped read-only like the model itself; later loads only map it.
     */
    FILE,
    /**
     * {@link #FILE} when a cache directory is set and the copy is there or the disk has room for it;
     * otherwise {@link #MEMORY} when the copy fits in the memory available; otherwise {@link #OFF}.
     */
    AUTO
}
