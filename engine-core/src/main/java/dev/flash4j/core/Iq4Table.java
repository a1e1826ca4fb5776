package dev.flash4j.core;

import jdk.incubator.vector.ByteVector;

/**
 * The 16 non-linear levels shared by IQ4_NL and IQ4_XS (ggml's {@code kvalues_iq4nl}): a 4-bit
 * index selects one of these signed byte levels, which the block scale then multiplies.
 */
final class Iq4Table {
    private static final byte[] LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    /** The levels as a 16-lane byte vector, for table lookups with {@code selectFrom}. */
    static final ByteVector VECTOR = ByteVector.fromArray(Vec.B128, LEVELS, 0);

    private Iq4Table() {}

    static int level(int index) {
        return LEVELS[index];
    }
}
