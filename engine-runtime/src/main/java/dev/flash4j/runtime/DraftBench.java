package dev.flash4j.runtime;

import dev.flash4j.model.Step35Model;
import dev.flash4j.model.Step35State;

import java.util.Arrays;
import java.util.Random;

/**
 * What speculative decoding costs and gains on a model, the measurements behind
 * {@code bench --draft K}: the time of a plain decode step, of one draft level as it runs when
 * every draft is accepted (one MTP block pass over the {@code K+1} rows the previous round accepted,
 * which the level must catch up on, plus its head for the last row), and of verifying {@code K+1}
 * tokens in one pass; from those, the
 * speed-up a fully accepted draft of {@code K} levels should give; and measured generation speeds:
 * plain greedy, speculative with drafts forced to the model's own greedy output (every draft
 * accepted: the ceiling), and speculative with the model's own drafter and adaptive length (on
 * random weights it accepts almost nothing, so this shows what a poor drafter costs).
 */
public final class DraftBench {
    private DraftBench() {}

    /** Times in milliseconds; speeds in tokens/s. */
    public record Report(int levels, double decodeMs, double[] draftLevelMs, double verifyMs,
                         double plainTokensPerSecond, double forcedTokensPerSecond, double adaptiveTokensPerSecond,
                         double forcedTokensPerPass, double adaptiveAcceptance) {
        /** Cost of one draft level relative to a decode step (levels 1..K at index 0..K-1). */
        public double draftCost(int level) {
            return draftLevelMs[level - 1] / decodeMs;
        }

        public double verifyCost() {
            return verifyMs / decodeMs;
        }

        /** The speed-up that K fully accepted drafts should give: K+1 tokens for K draft levels and one verify pass. */
        public double predictedSpeedup() {
            double cost = verifyCost();
            for (int k = 1; k <= levels; k++) cost += draftCost(k);
            return (levels + 1) / cost;
        }

        public double forcedSpeedup() {
            return forcedTokensPerSecond / plainTokensPerSecond;
        }

        public double adaptiveSpeedup() {
            return adaptiveTokensPerSecond / plainTokensPerSecond;
        }
    }

    public static Report run(Model model, int levels, int genTokens, int promptTokens, int reps, int warmups, long seed) {
        if (model.config().mtpLayers() < levels) {
            throw new IllegalArgumentException("the model has " + model.config().mtpLayers() + " MTP layers; cannot measure " + levels + " draft levels");
        }
        if (genTokens < 2 || promptTokens < 1 || reps < 1) throw new IllegalArgumentException("need at least 2 generated tokens, 1 prompt token and 1 repetition");
        Random random = new Random(seed);
        int vocab = model.config().vocab();
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < promptTokens; i++) prompt[i] = random.nextInt(vocab);
        int iterations = Math.max(8, 4 * reps);

        double decodeMs, verifyMs;
        double[] draftMs = new double[levels];
        try (Session s = model.newSession()) {
            Step35Model m = model.step35();
            Step35State st = s.state();
            int d = model.config().embedding();
            float[] logits = new float[(levels + 1) * vocab];
            float[] hidden = new float[promptTokens * d];
            m.forward(model.pool(), st, prompt, false, logits, hidden);
            int[] one = {prompt[0]};
            int[] verify = new int[levels + 1];
            for (int i = 0; i <= levels; i++) verify[i] = random.nextInt(vocab);
            // a fully accepted round leaves every level K+1 rows to catch up on before it drafts
            int rows = Math.min(levels + 1, promptTokens);
            int[] catchUp = Arrays.copyOfRange(prompt, promptTokens - rows, promptTokens);
            float[] prev = Arrays.copyOfRange(hidden, (promptTokens - rows) * d, promptTokens * d), next = new float[rows * d];
            decodeMs = timeMs(warmups, iterations, () -> {
                s.prefill(one, logits);
                s.rollback(1);
            });
            verifyMs = timeMs(warmups, iterations, () -> {
                s.prefillAll(verify);
                s.rollback(verify.length);
            });
            for (int k = 1; k <= levels; k++) {
                int level = k;
                draftMs[k - 1] = timeMs(warmups, iterations, () ->
                        m.mtpForward(model.pool(), st, level, catchUp, prev, promptTokens - rows, false, logits, next));
            }
        }
        double plain = 0, forced = 0, adaptive = 0, perPass = 0, acceptance = 0;
        for (int r = -warmups; r < reps; r++) {
            int[] greedy;
            Session.Result p;
            try (Session s = model.newSession()) {
                p = s.generate(prompt, genTokens, SamplingOptions.greedy(), null, id -> true);
                greedy = p.tokens();
            }
            SpeculativeDecoder.Result f, a;
            try (Session s = model.newSession()) {
                f = new SpeculativeDecoder(s, levels).generate(prompt, genTokens, SamplingOptions.greedy(), null, id -> true,
                        new SpeculativeDecoder.Options(false, j -> j < greedy.length ? greedy[j] : -1, null));
            }
            try (Session s = model.newSession()) {
                a = new SpeculativeDecoder(s, levels).generate(prompt, genTokens, SamplingOptions.greedy(), null, id -> true,
                        SpeculativeDecoder.Options.defaults());
            }
            if (r < 0) continue;
            plain += p.decodeTokensPerSecond() / reps;
            forced += f.generation().decodeTokensPerSecond() / reps;
            adaptive += a.generation().decodeTokensPerSecond() / reps;
            perPass += f.stats().tokensPerPass() / reps;
            acceptance += (a.stats().totalDrafted() == 0 ? 0 : (double) a.stats().totalAccepted() / a.stats().totalDrafted()) / reps;
        }
        return new Report(levels, decodeMs, draftMs, verifyMs, plain, forced, adaptive, perPass, acceptance);
    }

    private static double timeMs(int warmups, int iterations, Runnable body) {
        for (int i = 0; i < warmups * 2; i++) body.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) body.run();
        return (System.nanoTime() - t0) / 1e6 / iterations;
    }
}
