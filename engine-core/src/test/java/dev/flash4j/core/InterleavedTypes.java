package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

/** Which types the kernel tests expect an interleaved copy of. */
final class InterleavedTypes {
    private InterleavedTypes() {}

    /** Every type with an interleaved layout, whatever the vector width. */
    static final GgmlType[] ALL = {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_0, GgmlType.IQ4_XS, GgmlType.Q4_0, GgmlType.IQ4_NL};

    /** The types whose interleaved kernels use a 16-level table: a copy on 512-bit vectors only, and no 8-bit kernels. */
    static final java.util.Set<GgmlType> LEVEL_TABLE = java.util.EnumSet.of(GgmlType.IQ4_XS, GgmlType.Q4_0, GgmlType.IQ4_NL);

    /** Whether {@code t} has an interleaved copy on this JVM's vectors (the {@link #LEVEL_TABLE} types on 512-bit ones only). */
    static boolean onThisJvm(GgmlType t) {
        return !LEVEL_TABLE.contains(t) || InterleavedIq4Xs.available();
    }

    /**
     * {@link Quantizer#quantizeRow} for the kernel tests' random matrices, IQ4_NL included: there
     * is no IQ4_NL quantizer, and Q4_0's blocks (an f16 scale, then 16 bytes of 4-bit indexes in
     * the same order) read as IQ4_NL are valid IQ4_NL blocks, with other values.
     */
    static void quantizeRow(GgmlType t, float[] src, int n, java.lang.foreign.MemorySegment dst, long off) {
        Quantizer.quantizeRow(t == GgmlType.IQ4_NL ? GgmlType.Q4_0 : t, src, 0, n, dst, off);
    }
}
