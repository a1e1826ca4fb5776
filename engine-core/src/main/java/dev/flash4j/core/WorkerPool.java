package dev.flash4j.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of worker threads for data-parallel loops, built for the many tiny parallel
 * sections of a decode step (one per matrix-vector product).
 *
 * <p>Why not fork/join: a decode step runs a few hundred parallel loops of a few microseconds each;
 * waking parked threads through a queue costs more than the loop. Here workers spin briefly on a
 * generation counter after each loop, so the next loop starts on all cores at once, and park only
 * after a longer idle period. The calling thread always takes part, so a pool of {@code n} threads
 * starts {@code n - 1} workers.
 *
 * <p>Not reentrant: a task must not call {@link #parallelFor} itself. One caller at a time.
 */
public final class WorkerPool implements AutoCloseable {
    /** The body of a parallel loop: handles indices {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final int SPIN_ITERATIONS = 1 << 16;
    /**
     * The smallest chunk is a loop's indices over this many per thread. Chunks are handed out
     * largest first ("guided"): each takes the larger of that smallest chunk and the indices left
     * over twice the thread count, so a loop starts with long runs per thread and ends with small
     * ones, where threads that finish early wait for the last chunk of the others. Against the
     * equal chunks of this size used before (2026-12-07, AMD EPYC Zen 5 VM, the slice, decode with
     * {@code --activations auto}, 24 rounds alternated with {@code scripts/ab-bench.sh}), guided
     * chunks decoded faster by a median 1.04-1.09 per set of rounds, and the rate varied less
     * (26-29 tokens/s in 9 of the last 10 rounds against 17-28); prompt processing was no slower
     * (4 rounds, median 1.07). Smallest chunks of about one index (1024 per thread) were level
     * (8 rounds, median 0.98). On the 2-core Intel VM, equal chunks of 32 per thread had decoded
     * faster than equal chunks of 4 by a median 7%.
     */
    private static final int CHUNKS_PER_THREAD = 32;

    private final Thread[] workers;
    private final int threads;
    private volatile int generation;
    private volatile boolean closed;

    // the current loop, published before generation is bumped
    private RangeTask task;
    private int total;
    private int minChunk;
    /** The first index not yet handed out. */
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "flash4j-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Threads that run a loop, the caller included. */
    public int threads() {
        return threads;
    }

    /** The default size: every available core. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Runs {@code task} over {@code [0, n)} split in chunks of at least {@code grain} indices,
     * on every thread of the pool, and returns when all chunks are done.
     */
    public void parallelFor(int n, int grain, RangeTask task) {
        if (n <= 0) return;
        if (closed) throw new IllegalStateException("worker pool is closed");
        int chunks = Math.min(n / Math.max(1, grain), threads * CHUNKS_PER_THREAD);
        if (threads == 1 || chunks <= 1) {
            task.run(0, n);
            return;
        }
        this.task = task;
        this.total = n;
        this.minChunk = (n + chunks - 1) / chunks;
        this.failure = null;
        nextIndex.set(0);
        pending.set(workers.length);
        generation = generation + 1; // publishes the fields above
        for (Thread w : workers) LockSupport.unpark(w);
        runChunks();
        // spin for the stragglers; yield now and then so a descheduled worker on a busy machine gets the core back
        for (int spins = 0; pending.get() != 0; spins++) {
            if ((spins & 1023) == 1023) Thread.yield();
            else Thread.onSpinWait();
        }
        this.task = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error e) throw e;
            throw new RuntimeException(f);
        }
    }

    private void runChunks() {
        RangeTask t = task;
        int n = total, min = minChunk, share = 2 * threads;
        try {
            for (int start = nextIndex.get(); start < n; start = nextIndex.get()) {
                int end = Math.min(n, start + Math.max(min, (n - start) / share));
                if (nextIndex.compareAndSet(start, end)) t.run(start, end);
            }
        } catch (Throwable e) {
            failure = e;
            nextIndex.set(Integer.MAX_VALUE); // stop handing out chunks
        }
    }

    private void workerLoop() {
        // Generation 0 is the one at construction. Reading the field here instead would race with
        // a first parallelFor that bumps it before this thread starts, and the loop would be missed.
        int seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPIN_ITERATIONS) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 1_000_000);
            }
            if (closed) return;
            seen = generation;
            runChunks();
            pending.decrementAndGet();
        }
    }

    /** Stops the workers; they exit within a millisecond. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
        for (Thread w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
