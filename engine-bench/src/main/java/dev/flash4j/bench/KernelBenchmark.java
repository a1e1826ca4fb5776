package dev.flash4j.bench;

import dev.flash4j.core.JitOptions;
import dev.flash4j.core.Q8Activations;
import dev.flash4j.core.Q8DotFormat;
import dev.flash4j.core.WeightMatrix;
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
 * JMH: the dot product of one weight row of {@code cols} values with an activation vector, per
 * block type; the row stays in L1, so this is the kernel's arithmetic speed, the ceiling of any
 * product built on it. {@code dotF32} takes float activations; {@code dotQ8} 8-bit activations
 * (quantized once in setup, as {@code MatMul} does once per product), for the types that have an
 * 8-bit kernel (Q8_0, Q4_0, Q4_K, Q6_K so far; the others take floats, as in {@code MatMul}). Secondary metric {@code weightGB}:
 * GB/s of weights.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
        JitOptions.TRAP_LIMIT, JitOptions.RECOMPILATION_CUTOFF})
public class KernelBenchmark {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"})
    public String type;

    @Param("4096")
    public int cols;

    private Arena arena;
    private WeightMatrix w;
    private float[] x;
    private Q8Activations xq;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        w = RandomWeights.matrix(arena, GgmlType.valueOf(type), 1, cols, 1);
        x = RandomWeights.vector(cols, 2);
        xq = new Q8Activations(cols).quantize(x, 0, cols);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float dotF32(WeightTraffic t) {
        t.add(w.rowBytes());
        return w.dotRow(0, x, 0);
    }

    @Benchmark
    public float dotQ8(WeightTraffic t) {
        t.add(w.rowBytes());
        // types without an 8-bit kernel take float activations, as in MatMul
        return w.format() instanceof Q8DotFormat f ? f.dotQ8(w.data(), 0, xq, 0, cols) : w.dotRow(0, x, 0);
    }
}
