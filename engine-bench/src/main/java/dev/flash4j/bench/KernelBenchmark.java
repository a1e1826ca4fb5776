package dev.flash4j.bench;

import dev.flash4j.core.MatMul;
import dev.flash4j.core.WeightMatrix;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgmlType;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the weight kernels of every block type, on a {@code rows x cols} matrix of random weights
 * in off-heap memory (default 4096 x 4096, the size of an attention projection).
 * <ul>
 *   <li>{@code dot}: one row times a vector; the row stays in L1, so this is the kernel's compute speed.</li>
 *   <li>{@code matvec}: the whole matrix times one vector on {@code threads} workers: one decode step's product.</li>
 *   <li>{@code matmul8}: the matrix times 8 vectors (each row read once for all 8): a small prompt
 *       batch or a speculative verification.</li>
 * </ul>
 * Besides operations per second, JMH reports the secondary metric {@code weightGB} in "ops/s",
 * which is GB (10^9 bytes) of weights consumed per second; compare it with {@code flash4j bench --membw}.
 * A 4096 x 4096 Q4 matrix (9 MB) may partly stay in a large L3 cache; raise {@code rows} to force memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
public class KernelBenchmark {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"})
    public String type;

    @Param("4096")
    public int rows;

    @Param("4096")
    public int cols;

    @Param("1")
    public int threads;

    private static final int BATCH = 8;

    private Arena arena;
    private WorkerPool pool;
    private WeightMatrix w;
    private float[] x, out;

    /** Weight bytes each benchmark consumes per operation, as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Traffic {
        public double weightGB;

        @Setup(Level.Iteration)
        public void reset() {
            weightGB = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        pool = new WorkerPool(threads);
        w = RandomWeights.matrix(arena, GgmlType.valueOf(type), rows, cols, 1);
        x = RandomWeights.vector(BATCH * cols, 2);
        out = new float[BATCH * rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float dot(Traffic t) {
        t.weightGB += w.rowBytes() / 1e9;
        return w.dotRow(0, x, 0);
    }

    @Benchmark
    public float[] matvec(Traffic t) {
        t.weightGB += w.byteSize() / 1e9;
        MatMul.matvec(pool, w, x, out);
        return out;
    }

    @Benchmark
    public float[] matmul8(Traffic t) {
        t.weightGB += w.byteSize() / 1e9;
        MatMul.matmul(pool, w, x, BATCH, out);
        return out;
    }
}
