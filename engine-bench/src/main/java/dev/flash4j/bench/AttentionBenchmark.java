package dev.flash4j.bench;

import dev.flash4j.core.JitOptions;
import dev.flash4j.attention.AttentionKernel;
import dev.flash4j.attention.KvCacheType;
import dev.flash4j.attention.LayerKvCache;
import dev.flash4j.core.WorkerPool;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * JMH: one full-attention layer's {@link AttentionKernel#attend} for {@code batch} query tokens
 * (1 = a decode step) at the end of {@code depth} cached positions, with Step 3.5 Flash's shape
 * (64 query heads over 8 KV heads of 128 dimensions) and a KV cache of {@code kv} type, on
 * {@code threads} workers. Decode at depth 4096 runs this once per full-attention layer and token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
        JitOptions.TRAP_LIMIT, JitOptions.RECOMPILATION_CUTOFF})
public class AttentionBenchmark {
    @Param({"F16", "Q8"})
    public String kv;

    @Param("4096")
    public int depth;

    @Param("1")
    public int batch;

    @Param("2")
    public int threads;

    @Param("64")
    public int heads;

    @Param("8")
    public int kvHeads;

    @Param("128")
    public int headDim;

    private WorkerPool pool;
    private LayerKvCache cache;
    private float[] q, out, scratch;

    @Setup(Level.Trial)
    public void setup() {
        pool = new WorkerPool(threads);
        cache = LayerKvCache.create(KvCacheType.valueOf(kv), kvHeads, headDim, depth + batch);
        SplittableRandom random = new SplittableRandom(7);
        float[] k = new float[kvHeads * headDim], v = new float[kvHeads * headDim];
        for (int p = 0; p < depth + batch; p++) {
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) random.nextGaussian();
                v[i] = (float) random.nextGaussian();
            }
            cache.store(p, k, 0, v, 0);
        }
        q = new float[batch * heads * headDim];
        for (int i = 0; i < q.length; i++) q[i] = (float) random.nextGaussian();
        out = new float[q.length];
        scratch = new float[2 * 64 * headDim];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    /**
     * What {@link #attend} spends widening the cache on one thread: every KV head's keys and values
     * of all {@code depth + batch} positions, tile by tile, into float scratch (as the kernel does).
     */
    @Benchmark
    public float[] widenOnly() {
        int tile = 64, positions = depth + batch;
        for (int g = 0; g < kvHeads; g++) {
            for (int p0 = 0; p0 < positions; p0 += tile) {
                int count = Math.min(tile, positions - p0);
                cache.readKeys(p0, count, g, scratch, 0);
                cache.readValues(p0, count, g, scratch, tile * headDim);
            }
        }
        return scratch;
    }

    @Benchmark
    public float[] attend() {
        AttentionKernel.attend(pool, cache, q, heads * headDim, batch, depth, heads, kvHeads, headDim, 0, out);
        return out;
    }
}
