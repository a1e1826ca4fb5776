package dev.flash4j.tokenizer;

import java.util.Arrays;

/** A binary min-heap of longs (encoded priority + payload), without boxing. */
final class LongHeap {
    private long[] a;
    private int size;

    LongHeap(int capacity) { a = new long[Math.max(8, capacity)]; }

    boolean isEmpty() { return size == 0; }

    void add(long v) {
        if (size == a.length) a = Arrays.copyOf(a, size * 2);
        int i = size++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (a[p] <= v) break;
            a[i] = a[p];
            i = p;
        }
        a[i] = v;
    }

    long poll() {
        long top = a[0];
        long last = a[--size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < size && a[c + 1] < a[c]) c++;
            if (last <= a[c]) break;
            a[i] = a[c];
            i = c;
        }
        a[i] = last;
        return top;
    }
}
