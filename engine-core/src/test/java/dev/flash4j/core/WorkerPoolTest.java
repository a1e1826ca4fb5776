package dev.flash4j.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerPoolTest {

    /** The chunks one loop handed out, as {start, end} pairs sorted by start. */
    private static List<int[]> chunks(WorkerPool pool, int n, int grain) {
        List<int[]> seen = new ArrayList<>();
        pool.parallelFor(n, grain, (start, end) -> {
            synchronized (seen) {
                seen.add(new int[]{start, end});
            }
        });
        seen.sort(Comparator.comparingInt(c -> c[0]));
        return seen;
    }

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int threads : new int[]{1, 2, 3, 5}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int n : new int[]{1, 2, 7, 64, 100, 1000, 4099}) {
                    for (int grain : new int[]{1, 3, 8, 64}) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        pool.parallelFor(n, grain, (start, end) -> {
                            for (int i = start; i < end; i++) hits.incrementAndGet(i);
                        });
                        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "threads " + threads + ", n " + n + ", grain " + grain + ", index " + i);
                    }
                }
            }
        }
    }

    @Test
    void chunksStartLargeAndShrinkToTheSmallest() {
        try (WorkerPool pool = new WorkerPool(2)) {
            int n = 6400; // 64 chunks of 100 at the finest
            List<int[]> c = chunks(pool, n, 1);
            assertEquals(0, c.get(0)[0]);
            assertEquals(n / 4, c.get(0)[1] - c.get(0)[0], "the first chunk takes the indices over twice the threads");
            int previous = Integer.MAX_VALUE, next = 0;
            for (int[] chunk : c) {
                assertEquals(next, chunk[0], "chunks are contiguous");
                int size = chunk[1] - chunk[0];
                assertTrue(size <= previous, "chunk sizes never grow: " + size + " after " + previous);
                assertTrue(size >= 100 || chunk[1] == n, "no chunk below the smallest but the last: " + size);
                previous = size;
                next = chunk[1];
            }
            assertEquals(n, next);
            int[] beforeLast = c.get(c.size() - 2);
            assertEquals(100, beforeLast[1] - beforeLast[0], "the loop ends on the smallest chunks");
        }
    }

    @Test
    void chunksKeepTheGrain() {
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int[] chunk : chunks(pool, 1000, 64)) {
                assertTrue(chunk[1] - chunk[0] >= 64 || chunk[1] == 1000, "chunk of " + (chunk[1] - chunk[0]));
            }
            assertEquals(1, chunks(pool, 100, 64).size(), "fewer than two grains run as one chunk");
        }
    }

    @Test
    void aFailingTaskThrowsAndThePoolGoesOn() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(1000, 1, (start, end) -> {
                if (start <= 500 && 500 < end) throw new IllegalStateException("index 500");
            }));
            assertEquals("index 500", e.getMessage());
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            pool.parallelFor(1000, 1, (start, end) -> {
                for (int i = start; i < end; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < 1000; i++) assertEquals(1, hits.get(i));
        }
    }

    @Test
    void closeStopsTheWorkers() throws InterruptedException {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        WorkerPool pool = new WorkerPool(3);
        pool.parallelFor(100, 1, (start, end) -> { });
        List<Thread> workers = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && t.getName().startsWith("flash4j-worker-")) workers.add(t);
        }
        assertEquals(2, workers.size(), "a pool of 3 threads starts 2 workers");
        pool.close();
        for (Thread t : workers) {
            t.join(2000);
            assertFalse(t.isAlive(), t.getName() + " still running after close()");
        }
        assertThrows(IllegalStateException.class, () -> pool.parallelFor(10, 1, (start, end) -> { }));
    }
}
