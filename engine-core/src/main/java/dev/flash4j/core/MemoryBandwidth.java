package dev.flash4j.core;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Measures how fast this machine streams memory into the cores, the quantity that bounds decode
 * speed: every thread of a {@link WorkerPool} sums its share of a large off-heap buffer with
 * vector loads, the way a decode step streams weights. The buffer should be far larger than the
 * last-level cache (a gigabyte or more) or the number is a cache bandwidth.
 *
 * <p>Layout: the buffer is {@code chunks} consecutive chunks of {@link #CHUNK_BYTES}; a parallel
 * work item is a run of whole chunks. The buffer holds the 64-bit integers 0, 1, 2, ... so that
 * {@link #sum} has a known answer and a chunk read twice or skipped shows.
 */
public final class MemoryBandwidth implements AutoCloseable {
    /** Bytes per parallel work item; a multiple of any vector size times the unroll. */
    public static final long CHUNK_BYTES = 1 << 20;
    private static final long WARM_UP_NANOS = 500_000_000L;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final Arena arena;
    private final MemorySegment data;
    private final int chunks;

    /** Allocates and fills a buffer of {@code bytes} rounded down to whole chunks (at least one). */
    public MemoryBandwidth(long bytes) {
        long c = Math.max(1, bytes / CHUNK_BYTES);
        if (c > Integer.MAX_VALUE) throw new IllegalArgumentException("buffer of " + bytes + " bytes is too large");
        this.chunks = (int) c;
        this.arena = Arena.ofShared(); // read by every worker thread
        try {
            this.data = arena.allocate(chunks * CHUNK_BYTES, 64);
            long longs = data.byteSize() / Long.BYTES;
            for (long i = 0; i < longs; i++) data.setAtIndex(ValueLayout.JAVA_LONG, i, i);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Bytes one read of the buffer streams. */
    public long bytes() {
        return data.byteSize();
    }

    /**
     * Sums the buffer as 64-bit integers (wrapping) on every thread of {@code pool}. Returning the
     * sum keeps the reads from being optimized away and lets a test check that all of them happened.
     */
    public long sum(WorkerPool pool) {
        return sumChunks(pool, chunks);
    }

    /** The wrapping sum of the first {@code count} chunks. */
    private long sumChunks(WorkerPool pool, int count) {
        long[] partial = new long[count]; // one slot per work item, indexed by its first chunk
        MemorySegment seg = data;
        // a work item's chunks are consecutive: one call over all of them. A call per chunk, after
        // measure's warm-up on one chunk per item, left C2 with code that read 2 GB at 36-46 GB/s
        // where the same loop compiled on whole items read 48-64 (Zen 5 VM, 2026-12-07)
        pool.parallelFor(count, 1, (start, end) -> partial[start] = sumRange(seg, start * CHUNK_BYTES, (end - start) * CHUNK_BYTES));
        long total = 0;
        for (long p : partial) total += p;
        return total;
    }

    /** What {@link #sumRange} lengths must be a multiple of. */
    static final int RANGE_MULTIPLE = 4 * L.vectorByteSize();

    /**
     * The wrapping sum of {@code bytes} bytes of {@code s} from {@code from} as 64-bit integers;
     * {@code bytes} a multiple of four vectors ({@link #RANGE_MULTIPLE}).
     */
    static long sumRange(MemorySegment s, long from, long bytes) {
        long to = from + bytes;
        int step = L.vectorByteSize();
        LongVector a0 = LongVector.zero(L), a1 = a0, a2 = a0, a3 = a0; // four chains keep several loads in flight
        for (long off = from; off < to; off += 4L * step) {
            a0 = a0.add(LongVector.fromMemorySegment(L, s, off, ORDER));
            a1 = a1.add(LongVector.fromMemorySegment(L, s, off + step, ORDER));
            a2 = a2.add(LongVector.fromMemorySegment(L, s, off + 2L * step, ORDER));
            a3 = a3.add(LongVector.fromMemorySegment(L, s, off + 3L * step, ORDER));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    /** The expected {@link #sum}: the buffer holds 0 .. n-1. */
    public long expectedSum() {
        long n = bytes() / Long.BYTES;
        return (n % 2 == 0) ? (n / 2) * (n - 1) : n * ((n - 1) / 2);
    }

    /** The outcome of {@link #measure}: the read rate of every run in GB/s (10^9 bytes per second). */
    public record Result(long bytes, int threads, double[] gbps) {
        public double best() {
            double b = 0;
            for (double g : gbps) b = Math.max(b, g);
            return b;
        }
    }

    /**
     * Reads the buffer {@code runs} times on {@code pool}. First, untimed: the first chunks are read
     * over and over for {@link #WARM_UP_NANOS} (interpreted Vector API code is a hundred times slower,
     * and C2 compiles the loop in the background, competing for the cores), then the whole buffer
     * once (page tables).
     */
    public Result measure(WorkerPool pool, int runs) {
        if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        long until = System.nanoTime() + WARM_UP_NANOS;
        while (System.nanoTime() < until) sumChunks(pool, Math.min(chunks, 8 * pool.threads()));
        long check = sum(pool);
        if (check != expectedSum()) throw new IllegalStateException("memory bandwidth kernel read a wrong sum: " + check + " != " + expectedSum());
        double[] gbps = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            long s = sum(pool);
            long dt = System.nanoTime() - t0;
            if (s != check) throw new IllegalStateException("memory bandwidth kernel read a different sum on run " + r);
            gbps[r] = bytes() / (double) Math.max(1, dt); // bytes per nanosecond = GB/s
        }
        return new Result(bytes(), pool.threads(), gbps);
    }

    @Override
    public void close() {
        arena.close();
    }
}
