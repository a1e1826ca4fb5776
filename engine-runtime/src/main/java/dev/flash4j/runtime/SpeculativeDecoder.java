package dev.flash4j.runtime;

import dev.flash4j.core.VectorOps;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.model.Step35Model;
import dev.flash4j.model.Step35State;
import dev.flash4j.mtp.DraftLengthController;
import dev.flash4j.mtp.RejectionSampling;

import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * Generation with speculative decoding: the model's MTP levels draft tokens, the main model checks
 * them all in one batched pass, and the longest agreeing prefix is kept (plus the main model's own
 * next token, so every round gains at least one). Greedy output is exactly that of plain greedy
 * decoding; sampled output follows the rejection-sampling rule, so its distribution is the main
 * model's.
 *
 * <p>Bookkeeping. The main model has processed positions {@code 0..P-1}; token {@code t = seq[P]} is
 * chosen but not yet fed. MTP level {@code k} has cached entries for indices {@code 0..cnt[k]-1};
 * entry {@code i} combined token {@code seq[i+k]} with level {@code k-1}'s hidden row {@code i}
 * (level 0 is the main model). Drafting runs level {@code k} up to index {@code P-1}, whose token
 * {@code seq[P-1+k]} is {@code t} for level 1 and the previous level's draft above it. After the
 * verify pass accepts {@code a} drafts, an entry is still right exactly when its token was
 * confirmed: {@code i + k <= P + a}; later entries are rolled back and recomputed next round.
 */
public final class SpeculativeDecoder {
    /** Most indices an idle MTP level catches up when drafting resumes (see the drafting loop). */
    private static final int CATCH_UP_LIMIT = 4;
    private final Session session;
    private final Step35Model model;
    private final Step35State state;
    private final WorkerPool pool;
    private final int levels;
    private final int dim;
    private final int vocab;

    /** What happened during one generation. */
    public record Stats(int rounds, int verifyPasses, long[] drafted, long[] accepted, int generated) {
        /** Fraction of level {@code k}'s drafts (1-based) that were accepted. */
        public double acceptance(int k) {
            return drafted[k] == 0 ? 0 : (double) accepted[k] / drafted[k];
        }

        /** Tokens gained per verify pass (1 = no speed-up). */
        public double tokensPerPass() {
            return verifyPasses == 0 ? 0 : (double) generated / verifyPasses;
        }

        public long totalDrafted() {
            return Arrays.stream(drafted).sum();
        }

        public long totalAccepted() {
            return Arrays.stream(accepted).sum();
        }
    }

    public record Result(Session.Result generation, Stats stats) {}

    /** Sees the logits of every draft: level (1-based), the token index the level ran at, and the logits. */
    @FunctionalInterface
    public interface DraftObserver {
        void onDraft(int level, int index, float[] logits);
    }

    /**
     * @param adaptive     adapt the draft length to the acceptance rate (false: always draft every level)
     * @param forcedDrafts for measuring the ceiling: output index {@code j} maps to the draft to propose
     *                     there (e.g. the model's own greedy output), or -1 for the drafter's; null normally
     * @param observer     sees every draft's logits (tests, diagnostics); null normally
     */
    public record Options(boolean adaptive, IntUnaryOperator forcedDrafts, DraftObserver observer) {
        public static Options defaults() {
            return new Options(true, null, null);
        }
    }

    /**
     * @param maxLevels how many MTP levels to use at most (at most the model's MTP layers)
     */
    public SpeculativeDecoder(Session session, int maxLevels) {
        this.session = session;
        this.model = session.model().step35();
        this.state = session.state();
        this.pool = session.model().pool();
        int available = model.config().mtpLayers();
        if (maxLevels < 1) throw new IllegalArgumentException("draft levels must be >= 1, got " + maxLevels);
        if (available == 0) throw new IllegalStateException("the model has no MTP layers to draft with (step35.nextn_predict_layers is 0 or absent)");
        if (maxLevels > available) throw new IllegalArgumentException("the model has " + available + " MTP layers; --draft " + maxLevels + " is too many");
        this.levels = maxLevels;
        this.dim = model.config().embedding();
        this.vocab = model.config().vocab();
    }

    /** Feeds {@code prompt} to an empty session and generates up to {@code maxTokens} tokens. */
    public Result generate(int[] prompt, int maxTokens, SamplingOptions sampling, int[] stopTokens, IntPredicate onToken, Options options) {
        boolean adaptive = options.adaptive();
        IntUnaryOperator forcedDrafts = options.forcedDrafts();
        if (state.position() != 0) throw new IllegalStateException("speculative decoding starts from an empty session");
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt");
        int ctx = state.contextSize();
        Sampler target = new Sampler(sampling, vocab);
        Sampler drafter = new Sampler(sampling.withSeed(sampling.seed() * 31 + 17), vocab);
        DraftLengthController control = new DraftLengthController(levels, 0.15, 0.05, adaptive);
        HiddenRows[] hidden = new HiddenRows[levels];
        for (int k = 0; k < levels; k++) hidden[k] = new HiddenRows(dim, prompt.length + 2 * levels + 2);
        int[] cnt = new int[levels + 1];
        int[] seq = Arrays.copyOf(prompt, prompt.length + maxTokens + levels + 2);
        int[] out = new int[maxTokens];
        int produced = 0;
        long[] drafted = new long[levels + 1], accepted = new long[levels + 1];
        int rounds = 0, passes = 0;

        float[] logits = new float[vocab];
        float[] verifyLogits = new float[(levels + 1) * vocab];
        float[] verifyHidden = new float[(levels + 1) * dim];
        float[][] q = new float[levels + 1][vocab];
        float[] p = new float[vocab], residual = new float[vocab];
        int[] drafts = new int[levels];
        // token arrays of each exact length a pass takes (the model reads tokens.length), kept so a
        // round allocates nothing; only the first catch-up over the prompt may need a longer one
        int[][] ofLength = new int[levels + 2][];
        for (int n = 0; n < ofLength.length; n++) ofLength[n] = new int[n];
        float[] rows = new float[prompt.length * dim];
        float[] levelHidden = new float[prompt.length * dim];

        long t0 = System.nanoTime();
        model.forward(pool, state, prompt, false, logits, rows);
        session.recordFed(0, prompt);
        hidden[0].put(0, rows, prompt.length);
        long t1 = System.nanoTime();
        int P = prompt.length, L = P;
        int t = target.sample(logits, 0, seq, L);
        Session.StopReason reason = Session.StopReason.MAX_TOKENS;
        seq[L++] = t;
        out[produced++] = t;
        if (!onToken.test(t)) reason = Session.StopReason.CANCELLED;
        else if (Session.contains(stopTokens, t)) reason = Session.StopReason.STOP_TOKEN;

        while (reason == Session.StopReason.MAX_TOKENS && produced < maxTokens) {
            if (P + 1 > ctx) {
                reason = Session.StopReason.CONTEXT_FULL;
                break;
            }
            int depth = Math.min(Math.min(control.next(), ctx - P - 1), maxTokens - produced - 1);
            depth = Math.max(0, depth);
            rounds++;
            long draftStart = System.nanoTime();
            // draft: each level catches up to the newest index its tokens are known for
            // (adaptive: levels above this round's depth stay idle and restart when next used)
            for (int k = 1; k <= (adaptive ? depth : levels) && depth > 0; k++) {
                int last = Math.min(P - 1, P + depth - k);
                // A level left idle while drafting did not pay lags behind; catching it up on every
                // token since would cost a batched block pass per token. It restarts near the end
                // instead: its older entries are stale, which can only make its drafts worse, never
                // the output (every draft is verified).
                int restart = cnt[k];
                if (adaptive && restart < last + 1 - CATCH_UP_LIMIT) restart = last + 1 - CATCH_UP_LIMIT;
                restart = Math.max(restart, hidden[k - 1].start()); // the level below may have restarted too
                if (restart != cnt[k]) {
                    cnt[k] = restart;
                    if (k < levels) hidden[k].clear();
                }
                int from = cnt[k], n = last - from + 1;
                if (n <= 0) continue;
                int[] tokens = n < ofLength.length ? ofLength[n] : new int[n];
                for (int i = 0; i < n; i++) {
                    int j = from + i + k;
                    tokens[i] = j < L ? seq[j] : drafts[j - L];
                }
                if (rows.length < n * dim) {
                    rows = new float[n * dim];
                    levelHidden = new float[n * dim];
                }
                hidden[k - 1].get(from, n, rows);
                boolean draftsHere = k <= depth;
                model.mtpForward(pool, state, k, tokens, rows, from, false, draftsHere ? logits : null, k < levels ? levelHidden : null);
                if (k < levels) {
                    hidden[k].put(from, levelHidden, n);
                    // the level above may stay idle: keep only what its restart can use
                    if (adaptive) hidden[k].dropBefore(cnt[k] - CATCH_UP_LIMIT - levels);
                }
                cnt[k] = last + 1;
                hidden[k - 1].dropBefore(cnt[k] - levels);
                if (draftsHere) {
                    if (options.observer() != null) options.observer().onDraft(k, P - 1, logits);
                    int d;
                    if (target.greedy()) {
                        d = VectorOps.argmax(logits, 0, vocab);
                    } else {
                        drafter.distribution(logits, 0, seq, L, q[k]);
                        d = drafter.draw(q[k]);
                    }
                    if (forcedDrafts != null) {
                        int forced = forcedDrafts.applyAsInt(produced + k - 1);
                        if (forced >= 0) {
                            d = forced;
                            if (!target.greedy()) {
                                Arrays.fill(q[k], 0f);
                                q[k][d] = 1f;
                            }
                        }
                    }
                    drafts[k - 1] = d;
                    drafted[k]++;
                }
            }
            // verify [t, drafts] in one pass of the main model
            int[] verify = ofLength[depth + 1];
            verify[0] = t;
            System.arraycopy(drafts, 0, verify, 1, depth);
            int verifyAt = state.position();
            long verifyStart = System.nanoTime();
            model.forward(pool, state, verify, true, verifyLogits, verifyHidden);
            control.observe(depth, verifyStart - draftStart, System.nanoTime() - verifyStart);
            session.recordFed(verifyAt, verify);
            passes++;
            int a = 0;
            int bonus = -1;
            for (int j = 0; j < depth; j++) {
                boolean ok;
                if (target.greedy()) {
                    ok = VectorOps.argmax(verifyLogits, j * vocab, vocab) == drafts[j];
                } else {
                    target.distribution(verifyLogits, j * vocab, seq, L + j, p);
                    ok = RejectionSampling.accept(p, q[j + 1], drafts[j], target.nextUniform());
                    if (!ok) {
                        RejectionSampling.residual(p, q[j + 1], residual, vocab);
                        bonus = target.draw(residual);
                    }
                }
                if (!ok) break;
                seq[L + j] = drafts[j]; // visible to the penalties of the next row
                a++;
                accepted[j + 1]++;
            }
            if (bonus < 0) bonus = target.sample(verifyLogits, a * vocab, seq, L + a);
            control.record(depth, a);
            state.rollback(depth - a);
            hidden[0].put(P, verifyHidden, a + 1);
            if (adaptive) hidden[0].dropBefore(P + a + 1 - CATCH_UP_LIMIT - levels);
            for (int k = 1; k <= levels; k++) {
                cnt[k] = Math.max(0, Math.min(cnt[k], P + a - k + 1));
                if (k < levels) hidden[k].truncate(cnt[k]);
            }
            // emit the accepted drafts, then the bonus token
            int emitted = 0;
            for (int j = 0; j <= a && reason == Session.StopReason.MAX_TOKENS && produced < maxTokens; j++) {
                int tok = j < a ? drafts[j] : bonus;
                seq[L + j] = tok;
                out[produced++] = tok;
                emitted++;
                if (!onToken.test(tok)) reason = Session.StopReason.CANCELLED;
                else if (Session.contains(stopTokens, tok)) reason = Session.StopReason.STOP_TOKEN;
            }
            // tokens after a stop stay unfed, as in plain generation: the cache ends before the last emitted token
            if (emitted <= a) state.rollback(a + 1 - emitted);
            L += emitted;
            P = state.position();
            t = seq[L - 1];
        }
        long t2 = System.nanoTime();
        Session.Result r = new Session.Result(Arrays.copyOf(out, produced), prompt.length, t1 - t0, t2 - t1, reason);
        return new Result(r, new Stats(rounds, passes, drafted, accepted, produced));
    }
}
