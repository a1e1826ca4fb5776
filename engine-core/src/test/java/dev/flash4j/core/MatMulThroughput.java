package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A standalone measurement of {@link MatMul} (not a unit test): weight GB/s of matrix-vector
 * products per type with 1 and 2 threads, and batch throughput (tokens/s for one matrix, and
 * multiply-adds per second) for a prompt-sized batch, or per activation mode for a pass of fewer
 * than {@link MatMul#TILED_MIN_BATCH_INTERLEAVED} tokens ({@code batch=4 modes=f32,q8}).
 *
 * <p>Weights are random bytes with the block scales overwritten by small finite halves, so every
 * block decodes to finite values; what is measured is the kernel and memory, not the numbers.
 * Each figure is the best of several repetitions (the machine is shared). With one thread the
 * time is the thread's CPU time, which is not inflated when other processes take the core (cache
 * and memory interference remain); with more threads it is wall-clock time.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp <classes>:<test-classes>:<gguf classes>
 * dev.flash4j.core.MatMulThroughput [types=Q4_K,Q6_K,Q8_0,Q5_K] [rows=14336] [cols=4096]
 * [batch=512] [reps=15] [threads=1,2] [modes=f32,q8] [layouts=plain,interleaved]}
 */
public final class MatMulThroughput {
    public static void main(String[] args) throws Exception {
        String types = "Q4_K,Q6_K,Q8_0,Q5_K", threadList = "1,2", modes = "f32,q8", layouts = "plain,interleaved";
        int rows = 14336, cols = 4096, batch = 512, reps = 15, batchRows = 2048;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "types" -> types = kv[1];
                case "rows" -> rows = Integer.parseInt(kv[1]);
                case "cols" -> cols = Integer.parseInt(kv[1]);
                case "batch" -> batch = Integer.parseInt(kv[1]);
                case "batchRows" -> batchRows = Integer.parseInt(kv[1]);
                case "reps" -> reps = Integer.parseInt(kv[1]);
                case "threads" -> threadList = kv[1];
                case "modes" -> modes = kv[1];
                case "layouts" -> layouts = kv[1];
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        Random rnd = new Random(1);
        float[] x = new float[Math.max(batch, 1) * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        try (Arena arena = Arena.ofShared()) {
            for (String tn : types.split(",")) {
                GgmlType t = GgmlType.valueOf(tn);
                WeightMatrix plain = randomMatrix(arena, t, rows, cols, rnd);
                long p0 = System.nanoTime();
                WeightMatrix inter = plain.interleave();
                if (inter != plain) System.out.printf("%-5s interleaving %dx%d took %.0f ms%n", t, rows, cols, (System.nanoTime() - p0) / 1e6);
                List<WeightMatrix> variants = new ArrayList<>();
                if (layouts.contains("plain") || inter == plain) variants.add(plain);
                if (layouts.contains("interleaved") && inter != plain) variants.add(inter);
                for (String ts : threadList.split(",")) {
                    int threads = Integer.parseInt(ts);
                    try (WorkerPool pool = new WorkerPool(threads)) {
                        for (WeightMatrix wm : variants) {
                            String kind = wm == plain ? "" : "/interleaved";
                            for (String m : modes.split(",")) {
                                ActivationPrecision p = ActivationPrecision.valueOf(m.toUpperCase());
                                float[] out = new float[rows];
                                double best = Double.MAX_VALUE;
                                for (int r = 0; r < reps; r++) {
                                    long t0 = now(threads);
                                    MatMul.matmul(pool, wm, x, 1, out, 0, p);
                                    best = Math.min(best, now(threads) - t0);
                                }
                                System.out.printf("%-5s matvec %-15s %d thread(s): %6.2f GB/s (%.3f ms, %.4f ns/value/thread)%n",
                                        t, m + kind, threads, wm.byteSize() / best, best / 1e6, best * threads / ((double) rows * cols));
                            }
                            if (batch <= 1) continue;
                            // prompt-sized batches take float activations whatever the precision asked;
                            // passes of a few tokens take 8 bits where the matrix has 8-bit pass kernels
                            WeightMatrix wb = wm.slice(0, Math.min(batchRows, rows));
                            for (String m : batch < MatMul.TILED_MIN_BATCH_INTERLEAVED ? modes.split(",") : new String[] {"f32"}) {
                                ActivationPrecision p = ActivationPrecision.valueOf(m.toUpperCase());
                                float[] out = new float[batch * wb.rows()];
                                double best = Double.MAX_VALUE;
                                for (int r = 0; r < Math.max(3, reps / 5); r++) {
                                    long t0 = now(threads);
                                    MatMul.matmul(pool, wb, x, batch, out, 0, p);
                                    best = Math.min(best, now(threads) - t0);
                                }
                                double fmas = (double) wb.rows() * cols * batch;
                                System.out.printf("%-5s batch%d %-15s %d thread(s): %6.1f GFMA/s, %.1f weight-GB*tokens/s (%.1f ms for %dx%d)%n",
                                        t, batch, m + kind, threads, fmas / best, wb.byteSize() * (double) batch / best, best / 1e6, wb.rows(), cols);
                            }
                        }
                    }
                }
            }
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU time of this thread for single-thread runs, else wall-clock time, in ns. */
    private static long now(int threads) {
        return threads == 1 ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Random blocks with finite scales: every f16 scale field set to a small random half. */
    static WeightMatrix randomMatrix(Arena arena, GgmlType t, int rows, int cols, Random rnd) {
        long rowBytes = t.rowBytes(cols);
        MemorySegment seg = arena.allocate(rowBytes * rows, 64);
        byte[] buf = new byte[(int) rowBytes];
        List<Integer> halves = new ArrayList<>();
        switch (t) {
            case Q4_K, Q5_K -> { halves.add(0); halves.add(2); }
            case Q6_K -> halves.add(208);
            case Q8_0, Q4_0, IQ4_XS -> halves.add(0);
            default -> throw new IllegalArgumentException("no random generator for " + t);
        }
        int bb = t.blockBytes();
        for (int r = 0; r < rows; r++) {
            rnd.nextBytes(buf);
            for (int b = 0; b < buf.length / bb; b++) {
                for (int h : halves) {
                    short v = Float.floatToFloat16((float) (0.001 + 0.01 * rnd.nextDouble()));
                    buf[b * bb + h] = (byte) v;
                    buf[b * bb + h + 1] = (byte) (v >> 8);
                }
            }
            MemorySegment.copy(buf, 0, seg, ValueLayout.JAVA_BYTE, r * rowBytes, buf.length);
        }
        return new WeightMatrix("random " + t, BlockFormats.of(t), seg, rows, cols, rowBytes);
    }
}
