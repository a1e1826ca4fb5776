package dev.flash4j.runtime;

import java.util.Arrays;

/**
 * Hidden-state rows kept for the next MTP level, indexed by token index: rows
 * {@code [base, base + count)} of {@code dim} floats each. Rows the next level has consumed are
 * dropped from the front; storage grows only when more rows are pending than ever before.
 */
final class HiddenRows {
    private final int dim;
    private float[] rows;
    private int base;
    private int count;

    HiddenRows(int dim, int initialRows) {
        this.dim = dim;
        this.rows = new float[Math.max(1, initialRows) * dim];
    }

    /** The first index held. */
    int start() {
        return base;
    }

    int end() {
        return base + count;
    }

    /** Puts {@code n} rows of {@code src} (from row 0) at indices {@code [index, index + n)}, replacing any from there on. */
    void put(int index, float[] src, int n) {
        if (count == 0) base = index;
        if (index < base || index > base + count) throw new IllegalStateException("hidden row " + index + " does not follow " + base + ".." + (base + count));
        int needed = (index - base + n) * dim;
        if (needed > rows.length) rows = Arrays.copyOf(rows, Math.max(needed, 2 * rows.length));
        System.arraycopy(src, 0, rows, (index - base) * dim, n * dim);
        count = index - base + n;
    }

    /** Copies rows {@code [from, from + n)} into {@code dst} from row 0. */
    void get(int from, int n, float[] dst) {
        if (from < base || from + n > base + count) throw new IllegalStateException("hidden rows " + from + ".." + (from + n) + " not held (" + base + ".." + (base + count) + ")");
        System.arraycopy(rows, (from - base) * dim, dst, 0, n * dim);
    }

    /** Forgets rows below {@code index}. */
    void dropBefore(int index) {
        if (index <= base) return;
        int drop = Math.min(count, index - base);
        System.arraycopy(rows, drop * dim, rows, 0, (count - drop) * dim);
        base += drop;
        count -= drop;
        if (count == 0) base = index;
    }

    /** Forgets every row. */
    void clear() {
        count = 0;
    }

    /** Forgets rows from {@code index} on. */
    void truncate(int index) {
        if (index < base + count) count = Math.max(0, index - base);
    }
}
