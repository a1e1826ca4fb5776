package dev.flash4j.runtime;

import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Timed forward passes of a {@link Model}, the measurements behind {@code flash4j bench} (after
 * llama-bench): a prompt pass of {@code n} tokens as one batch, and decoding {@code n} tokens one
 * at a time, each after {@code depth} tokens of context that are fed first and not timed. Token
 * ids are random (seeded): speed does not depend on which tokens they are. Every measurement first runs
 * {@code warmups} untimed times (the JIT compiles the kernels meanwhile, and on a small machine its
 * compiler threads compete with the workers), then more untimed runs, up to {@code maxWarmups} in
 * all and while the warm-up has taken less than {@link #EXTRA_WARMUP_BUDGET_SECONDS}, as long as the
 * JIT spent more than 1% of the last run's time compiling; then {@code reps} timed runs, each on an
 * emptied session. Uses its own session; close it when done.
 */
public final class ThroughputBench implements AutoCloseable {
    /** Extra warm-ups start only while a test's warm-up so far took less (a run at depth 4096 can take a minute). */
    public static final int EXTRA_WARMUP_BUDGET_SECONDS = 20;

    private final Session session;
    private final Random random;
    private final int vocab;
    private final float[] logits;
    private final int warmups;
    private final int maxWarmups;
    private final long extraBudgetNanos;
    /** The JIT's compile time so far in ms ({@link JitActivity#compileMillis}; -1 if unknown). */
    private final LongSupplier compileMillis;

    /** What one test measured: tokens/s per timed run, and how many untimed runs came first. */
    public record Measurement(Samples tokensPerSecond, int warmupRuns) {}

    /** Exactly {@code warmups} untimed runs before the timed ones. */
    public ThroughputBench(Model model, long seed, int warmups) {
        this(model, seed, warmups, warmups);
    }

    /** At least {@code warmups} and at most {@code maxWarmups} untimed runs: more while the JIT is compiling. */
    public ThroughputBench(Model model, long seed, int warmups, int maxWarmups) {
        this(model, seed, warmups, maxWarmups, JitActivity::compileMillis, EXTRA_WARMUP_BUDGET_SECONDS * 1_000_000_000L);
    }

    ThroughputBench(Model model, long seed, int warmups, int maxWarmups, LongSupplier compileMillis, long extraBudgetNanos) {
        if (warmups < 0) throw new IllegalArgumentException("warm-ups must be >= 0, got " + warmups);
        if (maxWarmups < warmups) throw new IllegalArgumentException("the most warm-ups (" + maxWarmups + ") must be >= the least (" + warmups + ")");
        this.warmups = warmups;
        this.maxWarmups = maxWarmups;
        this.compileMillis = compileMillis;
        this.extraBudgetNanos = extraBudgetNanos;
        this.session = model.newSession();
        this.random = new Random(seed);
        this.vocab = model.config().vocab();
        this.logits = new float[vocab];
    }

    /** Bytes held by the session's KV cache (sized for the model's context size). */
    public long kvCacheBytes() {
        return session.kvCacheBytes();
    }

    /** Tokens per second of one batched pass of {@code tokens} tokens, per timed repetition. */
    public Measurement prompt(int tokens, int depth, int reps) {
        checkShape(tokens, depth, reps);
        return measure(tokens, depth, reps, ids -> session.prefill(ids, logits));
    }

    /** Tokens per second of decoding {@code tokens} tokens one forward pass at a time, per timed repetition. */
    public Measurement decode(int tokens, int depth, int reps) {
        checkShape(tokens, depth, reps);
        int[] one = new int[1];
        return measure(tokens, depth, reps, ids -> {
            for (int id : ids) {
                one[0] = id;
                session.prefill(one, logits);
            }
        });
    }

    /** One test's untimed and timed runs of {@code pass}, each on an emptied session after {@code depth} tokens of context. */
    private Measurement measure(int tokens, int depth, int reps, Consumer<int[]> pass) {
        int warm = 0;
        boolean compiling = false;
        long start = System.nanoTime();
        while (warm < warmups || (warm < maxWarmups && compiling && System.nanoTime() - start < extraBudgetNanos)) {
            fill(depth);
            int[] ids = randomTokens(tokens);
            long c0 = compileMillis.getAsLong(), t0 = System.nanoTime();
            pass.accept(ids);
            long dt = System.nanoTime() - t0, c1 = compileMillis.getAsLong();
            compiling = c0 >= 0 && c1 >= 0 && (c1 - c0) * 1_000_000 * 100 > dt; // compiled for more than 1% of the run
            warm++;
        }
        double[] rates = new double[reps];
        for (int r = 0; r < reps; r++) {
            fill(depth);
            int[] ids = randomTokens(tokens);
            long t0 = System.nanoTime();
            pass.accept(ids);
            rates[r] = perSecond(tokens, System.nanoTime() - t0);
        }
        return new Measurement(new Samples(rates), warm);
    }

    private static void checkShape(int tokens, int depth, int reps) {
        if (tokens < 1) throw new IllegalArgumentException("tokens must be >= 1, got " + tokens);
        if (depth < 0) throw new IllegalArgumentException("depth must be >= 0, got " + depth);
        if (reps < 1) throw new IllegalArgumentException("repetitions must be >= 1, got " + reps);
    }

    /** Empties the session and feeds {@code depth} random tokens in batches (untimed context). */
    private void fill(int depth) {
        session.reset();
        if (depth > 0) session.prefill(randomTokens(depth), logits);
    }

    private int[] randomTokens(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = random.nextInt(vocab);
        return ids;
    }

    private static double perSecond(int tokens, long nanos) {
        return tokens * 1e9 / Math.max(1, nanos);
    }

    @Override
    public void close() {
        session.close();
    }
}
