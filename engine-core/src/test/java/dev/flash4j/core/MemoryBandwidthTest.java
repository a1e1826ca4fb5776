package dev.flash4j.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The bandwidth kernel reads every byte of its buffer exactly once, on any number of threads. */
class MemoryBandwidthTest {
    @Test
    void sumCoversTheWholeBufferOnEveryThreadCount() {
        for (int threads : new int[] {1, 2, 3}) {
            try (WorkerPool pool = new WorkerPool(threads);
                 MemoryBandwidth mb = new MemoryBandwidth(13 * MemoryBandwidth.CHUNK_BYTES)) {
                long n = mb.bytes() / Long.BYTES;
                long expected = 0;
                for (long i = 0; i < n; i++) expected += i;
                assertEquals(expected, mb.expectedSum());
                assertEquals(expected, mb.sum(pool), "threads=" + threads);
            }
        }
    }

    @Test
    void sizeRoundsDownToWholeChunksButNeverToZero() {
        try (MemoryBandwidth a = new MemoryBandwidth(3 * MemoryBandwidth.CHUNK_BYTES + 12345);
             MemoryBandwidth b = new MemoryBandwidth(10)) {
            assertEquals(3 * MemoryBandwidth.CHUNK_BYTES, a.bytes());
            assertEquals(MemoryBandwidth.CHUNK_BYTES, b.bytes());
        }
    }

    @Test
    void measureReportsEveryRun() {
        try (WorkerPool pool = new WorkerPool(2); MemoryBandwidth mb = new MemoryBandwidth(4 * MemoryBandwidth.CHUNK_BYTES)) {
            MemoryBandwidth.Result r = mb.measure(pool, 3);
            assertEquals(3, r.gbps().length);
            assertEquals(2, r.threads());
            assertEquals(mb.bytes(), r.bytes());
            for (double g : r.gbps()) assertTrue(g > 0 && Double.isFinite(g), "rate " + g);
            assertThrows(IllegalArgumentException.class, () -> mb.measure(pool, 0));
        }
    }
}
