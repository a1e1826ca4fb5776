package dev.flash4j.bench;

import dev.flash4j.core.JitOptions;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * JMH: how fast a loop shaped like a matrix-vector kernel can stream weights from memory, apart
 * from any model or block format: the ceiling that decode's kernels are measured against (see
 * docs/performance-history.md, sixth session). Two threads each stream their half of a 1 GiB off-heap buffer (far past
 * the caches) as four streams, one load per stream and step, with one of three instruction mixes:
 * <ul>
 *   <li>{@code read}: a vector add per 64 bytes, nothing else (what {@code bench --membw} does);</li>
 *   <li>{@code f32}: bytes widened to ints, converted to floats and multiplied into float sums
 *       with a broadcast activation: the expanded-byte kernels' mix (Q6_K, Q5_K);</li>
 *   <li>{@code int16}: bytes widened to shorts and multiplied into short sums with an activation
 *       vector: the 8-bit-activation kernels' mix, a quarter of the instructions per byte.</li>
 * </ul>
 * Vectors are the CPU's preferred width ({@code -jvmArgsAppend -XX:UseAVX=2} measures 256 bits on
 * an AVX-512 machine). Secondary metric {@code weightGB}: GB/s streamed, both threads together.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
        JitOptions.TRAP_LIMIT, JitOptions.RECOMPILATION_CUTOFF})
public class StreamingBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(32 * L));
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * L));
    /** Twice {@code L} short lanes, fed from {@code 2L} bytes: as many bits as a float vector. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(32 * L));
    private static final VectorSpecies<Byte> B2 = VectorSpecies.of(byte.class, VectorShape.forBitSize(16 * L));
    private static final VectorSpecies<Integer> WHOLE = IntVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long BYTES = 1L << 30;

    @Param({"read", "f32", "int16"})
    public String mix;

    private Arena arena;
    private MemorySegment data;
    private final float[] x = new float[256];
    private final short[] xq = new short[4096 + 64];

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        data = arena.allocate(BYTES, 4096);
        for (long i = 0; i < BYTES; i += 8) data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        for (int i = 0; i < xq.length; i++) xq[i] = (short) (i * 13 % 255 - 127);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** The half of the buffer a benchmark thread streams. */
    @State(Scope.Thread)
    public static class Half {
        long from, to;

        @Setup(Level.Trial)
        public void setup(ThreadParams t) {
            long half = BYTES / t.getThreadCount();
            from = half * t.getThreadIndex();
            to = from + half;
        }
    }

    @Benchmark
    public float stream(Half h, WeightTraffic t) {
        float r = switch (mix) {
            case "read" -> read(h.from, h.to);
            case "f32" -> f32(h.from, h.to);
            default -> int16(h.from, h.to);
        };
        t.add(h.to - h.from);
        return r;
    }

    private float read(long from, long to) {
        long q = (to - from) / 4, step = WHOLE.vectorByteSize();
        IntVector a0 = IntVector.zero(WHOLE), a1 = a0, a2 = a0, a3 = a0;
        for (long o = 0; o < q; o += step) {
            long p = from + o;
            a0 = a0.add(IntVector.fromMemorySegment(WHOLE, data, p, LE));
            a1 = a1.add(IntVector.fromMemorySegment(WHOLE, data, p + q, LE));
            a2 = a2.add(IntVector.fromMemorySegment(WHOLE, data, p + 2 * q, LE));
            a3 = a3.add(IntVector.fromMemorySegment(WHOLE, data, p + 3 * q, LE));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    private float f32(long from, long to) {
        long q = (to - from) / 4;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (long o = 0; o < q; o += L) {
            FloatVector y = FloatVector.broadcast(F, x[(int) (o / L) & 255]);
            long p = from + o;
            a0 = ((FloatVector) ByteVector.fromMemorySegment(B, data, p, LE).convertShape(VectorOperators.B2I, I, 0).convert(VectorOperators.I2F, 0)).fma(y, a0);
            a1 = ((FloatVector) ByteVector.fromMemorySegment(B, data, p + q, LE).convertShape(VectorOperators.B2I, I, 0).convert(VectorOperators.I2F, 0)).fma(y, a1);
            a2 = ((FloatVector) ByteVector.fromMemorySegment(B, data, p + 2 * q, LE).convertShape(VectorOperators.B2I, I, 0).convert(VectorOperators.I2F, 0)).fma(y, a2);
            a3 = ((FloatVector) ByteVector.fromMemorySegment(B, data, p + 3 * q, LE).convertShape(VectorOperators.B2I, I, 0).convert(VectorOperators.I2F, 0)).fma(y, a3);
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    /** Short sums restart every 8 steps, as the 8-bit kernels' do (8 products of at most 32*127 fit a short). */
    private float int16(long from, long to) {
        long q = (to - from) / 4, step = 2L * L;
        ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int total = 0;
        for (long o = 0; o < q; o += step) {
            ShortVector y = ShortVector.fromArray(S, xq, (int) (o & 4095));
            long p = from + o;
            a0 = ((ShortVector) ByteVector.fromMemorySegment(B2, data, p, LE).convertShape(VectorOperators.B2S, S, 0)).mul(y).add(a0);
            a1 = ((ShortVector) ByteVector.fromMemorySegment(B2, data, p + q, LE).convertShape(VectorOperators.B2S, S, 0)).mul(y).add(a1);
            a2 = ((ShortVector) ByteVector.fromMemorySegment(B2, data, p + 2 * q, LE).convertShape(VectorOperators.B2S, S, 0)).mul(y).add(a2);
            a3 = ((ShortVector) ByteVector.fromMemorySegment(B2, data, p + 3 * q, LE).convertShape(VectorOperators.B2S, S, 0)).mul(y).add(a3);
            if ((o / step & 7) == 7) {
                total += a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
                a0 = ShortVector.zero(S);
                a1 = a0;
                a2 = a0;
                a3 = a0;
            }
        }
        return total;
    }
}
