package dev.flash4j.core;

/** Argument checks shared by the {@link Q8DotFormat#dotQ8} kernels (cheap, once per row). */
final class Q8Checks {
    private Q8Checks() {}

    static void check(Q8Activations x, int xOff, int n) {
        if (xOff % Q8Activations.BLOCK != 0) throw new IllegalArgumentException("activation offset " + xOff + " is not a multiple of " + Q8Activations.BLOCK);
        if (xOff < 0 || xOff + n > x.length()) throw new IndexOutOfBoundsException("activations [" + xOff + ", " + (xOff + n) + ") of " + x.length());
    }
}
