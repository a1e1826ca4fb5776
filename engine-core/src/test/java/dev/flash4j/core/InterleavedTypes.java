package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

/** Which types the kernel tests expect an interleaved copy of. */
final class InterleavedTypes {
    private InterleavedTypes() {}

    /** Every type with an interleaved layout, whatever the vector width. */
    static final GgmlType[] ALL = {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_0, GgmlType.IQ4_XS};

    /** Whether {@code t} has an interleaved copy on this JVM's vectors (IQ4_XS: on 512-bit ones only). */
    static boolean onThisJvm(GgmlType t) {
        return t != GgmlType.IQ4_XS || InterleavedIq4Xs.available();
    }
}
