package dev.flash4j.runtime;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LongSortTest {
    /** Random, few distinct values, sorted, reversed, constant, organ pipe, sawtooth; sizes around the insertion cut-off and large. */
    @Test
    void sortsLikeArraysSort() {
        SplittableRandom random = new SplittableRandom(7);
        int[] sizes = {0, 1, 2, 3, 23, 24, 25, 47, 100, 1000, 1024, 4097, 128_896};
        for (int n : sizes) {
            for (int kind = 0; kind < 7; kind++) {
                long[] a = new long[n + 4];
                for (int i = 0; i < a.length; i++) {
                    a[i] = switch (kind) {
                        case 0 -> random.nextLong();
                        case 1 -> random.nextInt(3) - 1;
                        case 2 -> i;
                        case 3 -> -i;
                        case 4 -> 42;
                        case 5 -> Math.min(i, a.length - i);
                        default -> i % 17 + ((long) (i % 5) << 40);
                    };
                }
                long[] expected = a.clone();
                Arrays.sort(expected, 2, 2 + n);
                LongSort.sort(a, 2, 2 + n);
                assertArrayEquals(expected, a, "n=" + n + " kind=" + kind);
            }
        }
    }

    /** What the sampler sorts: logit keys in the high half, ascending token ids in the low half, with a long presorted run. */
    @Test
    void allocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] keys = new long[128_896];
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 30; round++) { // warm up, then the last rounds are compiled code
            for (int i = 0; i < keys.length; i++) keys[i] = (i < 64 ? 0 : (long) random.nextInt() << 32) | i;
            long before = threads.getCurrentThreadAllocatedBytes();
            LongSort.sort(keys, 0, keys.length);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round >= 20) assertEquals(0, allocated, "round " + round);
        }
    }
}
