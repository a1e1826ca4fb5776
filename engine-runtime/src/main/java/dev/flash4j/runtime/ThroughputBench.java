package dev.flash4j.runtime;

import java.util.Random;

/**
 * Timed forward passes of a {@link Model}, the measurements behind {@code flash4j bench} (after
 * llama-bench): a prompt pass of {@code n} tokens as one batch, and decoding {@code n} tokens one
 * at a time, each after {@code depth} tokens of context that are fed first and not timed. Token
 * ids are random (seeded): speed does not depend on which tokens they are. Every measurement first runs
 * {@code warmups} untimed times (the JIT compiles the kernels meanwhile, and on a small machine its
 * compiler threads compete with the workers), then {@code reps} timed times, each on an emptied session. Uses its own session; close it when done.
 */
public final class ThroughputBench implements AutoCloseable {
    private final Session session;
    private final Random random;
    private final int vocab;
    private final float[] logits;
    private final int warmups;

    public ThroughputBench(Model model, long seed, int warmups) {
        if (warmups < 0) throw new IllegalArgumentException("warm-ups must be >= 0, got " + warmups);
        this.warmups = warmups;
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
    public Samples prompt(int tokens, int depth, int reps) {
        checkShape(tokens, depth, reps);
        double[] rates = new double[reps];
        for (int r = -warmups; r < reps; r++) {
            fill(depth);
            int[] ids = randomTokens(tokens);
            long t0 = System.nanoTime();
            session.prefill(ids, logits);
            long dt = System.nanoTime() - t0;
            if (r >= 0) rates[r] = perSecond(tokens, dt);
        }
        return new Samples(rates);
    }

    /** Tokens per second of decoding {@code tokens} tokens one forward pass at a time, per timed repetition. */
    public Samples decode(int tokens, int depth, int reps) {
        checkShape(tokens, depth, reps);
        double[] rates = new double[reps];
        int[] one = new int[1];
        for (int r = -warmups; r < reps; r++) {
            fill(depth);
            int[] ids = randomTokens(tokens);
            long t0 = System.nanoTime();
            for (int id : ids) {
                one[0] = id;
                session.prefill(one, logits);
            }
            long dt = System.nanoTime() - t0;
            if (r >= 0) rates[r] = perSecond(tokens, dt);
        }
        return new Samples(rates);
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
