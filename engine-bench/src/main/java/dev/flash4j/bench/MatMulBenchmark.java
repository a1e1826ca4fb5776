package dev.flash4j.bench;

import dev.flash4j.core.JitOptions;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.MatMul;
import dev.flash4j.core.WeightMatrix;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgmlType;
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
 * JMH: {@link MatMul} over a {@code rows x cols} matrix of random weights in off-heap memory
 * (default 4096 x 4096, an attention projection), per block type and activation precision, on
 * {@code threads} workers:
 * <ul>
 *   <li>{@code matvec}: times one vector, one decode step's product;</li>
 *   <li>{@code matmul4}: times 4 vectors on the small-batch path (each row read once, dotted with
 *       each vector): verifying 3 speculated tokens;</li>
 *   <li>{@code matmul8}: times 8 vectors, from which batches take the tiled path (rows dequantized
 *       once, float activations whatever {@code activations} says; from 12 vectors with an
 *       interleaved copy);</li>
 *   <li>{@code matmulBatch}: times {@code -p batch=N} vectors, whichever path that takes.</li>
 * </ul>
 * {@code -p repack=true} gives the matrix an interleaved copy (as {@code --repack} does).
 * Secondary metric {@code weightGB}: GB/s of weights. A 4096 x 4096 4-bit matrix (9.4 MB) fits in
 * a 32 MB L3; use {@code -p rows=16384} to make matvec stream from memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
        JitOptions.TRAP_LIMIT, JitOptions.RECOMPILATION_CUTOFF})
public class MatMulBenchmark {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"})
    public String type;

    @Param({"F32", "Q8"})
    public String activations;

    @Param("4096")
    public int rows;

    @Param("4096")
    public int cols;

    @Param("1")
    public int threads;

    /** Whether the matrix gets an interleaved copy (as with {@code --repack}). */
    @Param("false")
    public boolean repack;

    /** Tokens per product in {@link #matmulBatch}. */
    @Param("2")
    public int batch;

    private Arena arena;
    private WorkerPool pool;
    private WeightMatrix w;
    private ActivationPrecision precision;
    private float[] x, out;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        pool = new WorkerPool(threads);
        w = RandomWeights.matrix(arena, GgmlType.valueOf(type), rows, cols, 1);
        if (repack) w = w.interleave(pool);
        precision = ActivationPrecision.valueOf(activations);
        int most = Math.max(8, batch);
        x = RandomWeights.vector(most * cols, 2);
        out = new float[most * rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    private float[] product(WeightTraffic t, int batch) {
        t.add(w.byteSize());
        MatMul.matmul(pool, w, x, batch, out, 0, precision);
        return out;
    }

    @Benchmark
    public float[] matvec(WeightTraffic t) {
        return product(t, 1);
    }

    @Benchmark
    public float[] matmul4(WeightTraffic t) {
        return product(t, 4);
    }

    @Benchmark
    public float[] matmul8(WeightTraffic t) {
        return product(t, 8);
    }

    /** Times {@code batch} vectors (whichever path that batch size takes). */
    @Benchmark
    public float[] matmulBatch(WeightTraffic t) {
        return product(t, batch);
    }
}
