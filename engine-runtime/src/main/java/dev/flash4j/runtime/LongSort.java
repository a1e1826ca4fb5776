package dev.flash4j.runtime;

/**
 * An in-place ascending sort of a {@code long[]} range that allocates nothing.
 *
 * <p>Why not {@link java.util.Arrays#sort(long[], int, int)}: the JDK's dual-pivot quicksort first
 * looks for presorted runs to merge, and when the first run is 16 elements or longer it allocates
 * an array to record the runs (about 0.5-1 KB per call). The sampler sorts the whole vocabulary on
 * every token when top-p is used without top-k, and its keys (logit bits and token id) often start
 * with such a run, so decoding allocated 360 bytes per token in steady state (measured by
 * {@code DecodeAllocationTest}). This is a plain quicksort: median-of-three pivots, insertion sort
 * for short ranges, recursion on the smaller side only (depth at most log2 n) and a heapsort
 * fallback when partitions keep coming out lopsided, so no input takes quadratic time.
 */
final class LongSort {
    private static final int INSERTION = 24;

    private LongSort() {}

    /** Sorts {@code a[from, to)} ascending. */
    static void sort(long[] a, int from, int to) {
        java.util.Objects.checkFromToIndex(from, to, a.length);
        quick(a, from, to - 1, 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, to - from))));
    }

    private static void quick(long[] a, int lo, int hi, int depth) {
        while (hi - lo >= INSERTION) {
            if (depth-- == 0) {
                heap(a, lo, hi);
                return;
            }
            int p = partition(a, lo, hi);
            // recurse into the smaller side, loop on the larger one
            if (p - lo < hi - p) {
                quick(a, lo, p - 1, depth);
                lo = p + 1;
            } else {
                quick(a, p + 1, hi, depth);
                hi = p - 1;
            }
        }
        insertion(a, lo, hi);
    }

    /** Partitions {@code a[lo..hi]} around the median of its first, middle and last values; returns the pivot's final index. */
    private static int partition(long[] a, int lo, int hi) {
        int mid = (lo + hi) >>> 1;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        // now a[lo] <= a[mid] <= a[hi]; park the pivot next to the end
        swap(a, mid, hi - 1);
        long pivot = a[hi - 1];
        int i = lo, j = hi - 1;
        while (true) {
            while (a[++i] < pivot) { }
            while (pivot < a[--j]) { }
            if (i >= j) break;
            swap(a, i, j);
        }
        swap(a, i, hi - 1);
        return i;
    }

    private static void insertion(long[] a, int lo, int hi) {
        for (int i = lo + 1; i <= hi; i++) {
            long v = a[i];
            int j = i - 1;
            while (j >= lo && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    private static void heap(long[] a, int lo, int hi) {
        int n = hi - lo + 1;
        for (int i = n / 2 - 1; i >= 0; i--) siftDown(a, lo, i, n);
        for (int end = n - 1; end > 0; end--) {
            swap(a, lo, lo + end);
            siftDown(a, lo, 0, end);
        }
    }

    private static void siftDown(long[] a, int lo, int i, int n) {
        long v = a[lo + i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && a[lo + child + 1] > a[lo + child]) child++;
            if (a[lo + child] <= v) break;
            a[lo + i] = a[lo + child];
            i = child;
        }
        a[lo + i] = v;
    }

    private static void swap(long[] a, int i, int j) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
