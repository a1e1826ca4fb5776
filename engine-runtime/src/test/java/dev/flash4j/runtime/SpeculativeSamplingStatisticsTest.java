package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Speculative sampling must leave the output distribution equal to the main model's own. On the
 * committed f16 model with its two MTP levels, {@code N} seeded runs of {@link SpeculativeDecoder}
 * (always drafting both levels, so drafting, rejection and residual resampling all happen) produce
 * four tokens each; their empirical joint distribution is compared by a chi-square test with the
 * exact joint distribution, computed independently with plain forward passes over every prefix
 * (token by token: {@code p(x1) p(x2|x1) p(x3|x1,x2) p(x4|x1,x2,x3)}). The per-position marginals
 * are tested as well. The threshold is a tiny p-value (1e-4) so that a correct decoder does not
 * fail by bad luck; a negative control shows the same test rejects a deliberately wrong rule
 * (always accepting the draft) at the same sample size, so the test has power.
 */
class SpeculativeSamplingStatisticsTest {
    static final Path MODEL = Path.of(System.getProperty("flash4j.testdata", "../testdata"), "models/step35-tiny-a-mtp-f16.gguf");
    static final int TOKENS = 4;      // x1 is sampled from the prompt; x2..x4 come out of draft/verify rounds
    static final int LEVELS = 2;
    static final int RUNS = 1000;
    static final double ALPHA = 1e-4;
    /**
     * Temperature 1 over four tokens lifted far above the rest by a logit bias (top-k 4 then keeps
     * exactly them). Without the bias, the random-weight model's MTP levels and main model share
     * almost none of their best candidates (acceptance 0.6% measured at top-k 8), so acceptance would
     * hardly be tested; with it, drafter and target are two different distributions over the same
     * four tokens (their relative weights still come from the logits), and the joint of four tokens
     * has 256 cells.
     */
    static final SamplingOptions SAMPLING = new SamplingOptions(1f, 4, 1f, 0f, 1f, 0f, 0f, 64,
            Map.of(17, 40f, 250, 40f, 333, 40f, 901, 40f), 0);
    static final int[] PROMPT = {1, 812, 77};

    static Model model;
    static int vocab;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(MODEL, ModelOptions.defaults().withThreads(1).withKvCacheType(KvCacheType.F32).withContextSize(32).withBatchSize(8));
        vocab = model.config().vocab();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void speculativeSamplingFollowsTheModelsOwnDistribution() {
        Map<Long, Double> exact = exactJoint();
        double mass = exact.values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(1.0, mass, 1e-4, "the exact joint distribution sums to one");

        SplittableRandom seeds = new SplittableRandom(20261123L);
        Map<Long, Integer> observed = new HashMap<>();
        long drafted = 0, accepted = 0;
        try (Session s = model.newSession()) {
            for (int run = 0; run < RUNS; run++) {
                s.reset();
                // distinct, unrelated seeds: the decoder derives its drafter's seed from this one
                SpeculativeDecoder.Result r = new SpeculativeDecoder(s, LEVELS).generate(PROMPT, TOKENS, SAMPLING.withSeed(seeds.nextLong()),
                        null, id -> true, new SpeculativeDecoder.Options(false, null, null));
                int[] t = r.generation().tokens();
                assertEquals(TOKENS, t.length);
                long key = key(t);
                assertTrue(exact.containsKey(key), "sampled a sequence the model gives zero probability: " + java.util.Arrays.toString(t));
                observed.merge(key, 1, Integer::sum);
                drafted += r.stats().totalDrafted();
                accepted += r.stats().totalAccepted();
            }
        }
        double acceptance = (double) accepted / drafted;
        System.out.printf("speculative sampling: %d runs, %d drafts, acceptance %.3f%n", RUNS, drafted, acceptance);
        assertTrue(drafted >= RUNS, "every run drafts");
        assertTrue(accepted > 0 && accepted < drafted, "both acceptance and rejection happen: " + accepted + " of " + drafted);

        for (Statistic st : statistics(exact, observed)) {
            System.out.printf("  %-10s chi2 %8.2f  dof %3d  p %.4g%n", st.name, st.chi2, st.dof, st.p);
            assertTrue(st.p > ALPHA, st.name + ": chi-square " + st.chi2 + " on " + st.dof + " dof, p = " + st.p);
        }
    }

    /**
     * Negative control: samples from "always accept the draft" (x2, x3 drawn from the MTP levels'
     * own distributions, x4 from the main model after them) must fail the same joint test at the
     * same sample size. The wrong rule's exact distribution comes from teacher-forced MTP logits.
     */
    @Test
    void theSameTestRejectsAlwaysAcceptingTheDraft() {
        Map<Long, Double> exact = exactJoint();
        Map<Long, Double> wrong = alwaysAcceptJoint(exact);
        SplittableRandom random = new SplittableRandom(7);
        List<Long> keys = new ArrayList<>(wrong.keySet());
        double[] cumulative = new double[keys.size()];
        double c = 0;
        for (int i = 0; i < keys.size(); i++) cumulative[i] = c += wrong.get(keys.get(i));
        Map<Long, Integer> observed = new HashMap<>();
        for (int run = 0; run < RUNS; run++) {
            double u = random.nextDouble() * c;
            int i = 0;
            while (i < keys.size() - 1 && cumulative[i] <= u) i++;
            observed.merge(keys.get(i), 1, Integer::sum);
        }
        Statistic joint = statistics(exact, observed).getFirst();
        System.out.printf("always-accept control: chi2 %.2f dof %d p %.3g%n", joint.chi2, joint.dof, joint.p);
        assertTrue(joint.p < ALPHA, "the test must have the power to reject a wrong rule: p = " + joint.p);
    }

    @Test
    void chiSquareTailMatchesClosedForms() {
        // even degrees of freedom 2m: P(X > x) = exp(-x/2) * sum_{i<m} (x/2)^i / i!
        for (int dof = 2; dof <= 40; dof += 6) {
            for (double x : new double[]{0.1, 1, 5, 20, 40, 90}) {
                double term = Math.exp(-x / 2), sum = 0;
                for (int i = 0; i < dof / 2; i++) {
                    sum += term;
                    term *= x / 2 / (i + 1);
                }
                assertEquals(sum, chiSquareTail(x, dof), 1e-12 + 1e-9 * sum, "dof " + dof + " x " + x);
            }
        }
        // odd: critical values from scipy.stats.chi2.isf
        assertEquals(0.05, chiSquareTail(3.841458820694124, 1), 1e-9);
        assertEquals(1e-4, chiSquareTail(44.26322494417498, 15), 1e-9);
    }

    // ---- exact distributions ----

    /** p(x1..x4) for every sequence of positive probability, by plain token-by-token forward passes. */
    static Map<Long, Double> exactJoint() {
        Map<Long, Double> joint = new HashMap<>();
        Sampler sampler = new Sampler(SAMPLING, vocab);
        float[] logits = new float[vocab];
        try (Session s = model.newSession()) {
            s.prefill(PROMPT, logits);
            expand(s, sampler, logits, new int[TOKENS], 0, 1.0, joint);
        }
        return joint;
    }

    private static void expand(Session s, Sampler sampler, float[] logits, int[] prefix, int depth, double prob, Map<Long, Double> joint) {
        float[] dist = new float[vocab];
        sampler.distribution(logits, 0, null, 0, dist);
        float[] next = new float[vocab];
        for (int x = 0; x < vocab; x++) {
            if (dist[x] <= 0) continue;
            prefix[depth] = x;
            double p = prob * dist[x];
            if (depth == TOKENS - 1) {
                joint.put(key(prefix), p);
                continue;
            }
            s.prefill(new int[]{x}, next);
            expand(s, sampler, next, prefix, depth + 1, p, joint);
            s.rollback(1);
        }
    }

    /**
     * The distribution of the wrong rule with two levels: x1 from the main model, x2 from MTP level
     * 1 and x3 from level 2 (as drafted after x1 and x2), x4 from the main model's row after
     * accepting both.
     */
    static Map<Long, Double> alwaysAcceptJoint(Map<Long, Double> exact) {
        Sampler sampler = new Sampler(SAMPLING, vocab);
        int n = PROMPT.length;
        // p(x1) and p(x4 | x1 x2 x3) from the exact joint's conditionals
        Map<Long, Double> prefix3 = new HashMap<>(), prefix1 = new HashMap<>();
        for (var e : exact.entrySet()) {
            int[] t = unkey(e.getKey());
            prefix3.merge(key(new int[]{t[0], t[1], t[2], 0}), e.getValue(), Double::sum);
            prefix1.merge(key(new int[]{t[0], 0, 0, 0}), e.getValue(), Double::sum);
        }
        Map<Long, Double> wrong = new HashMap<>();
        float[] q1 = new float[vocab], q2 = new float[vocab];
        for (var first : prefix1.entrySet()) {
            int x1 = unkey(first.getKey())[0];
            // level 1 reads x1 only, so any x2 gives its distribution
            sampler.distribution(teacherForced(x1, 0)[0], (n - 1) * vocab, null, 0, q1);
            for (int x2 = 0; x2 < vocab; x2++) {
                if (q1[x2] <= 0) continue;
                sampler.distribution(teacherForced(x1, x2)[1], (n - 1) * vocab, null, 0, q2);
                for (int x3 = 0; x3 < vocab; x3++) {
                    if (q2[x3] <= 0) continue;
                    double reach = first.getValue() * q1[x2] * q2[x3];
                    Double mass3 = prefix3.get(key(new int[]{x1, x2, x3, 0}));
                    if (mass3 == null) { // off the target's support whatever x4 is: one cell outside it
                        wrong.merge(key(new int[]{x1, x2, x3, 0}), reach, Double::sum);
                        continue;
                    }
                    for (var e : exact.entrySet()) {
                        int[] t4 = unkey(e.getKey());
                        if (t4[0] == x1 && t4[1] == x2 && t4[2] == x3) wrong.merge(e.getKey(), reach * e.getValue() / mass3, Double::sum);
                    }
                }
            }
        }
        return wrong;
    }

    private static float[][] teacherForced(int x1, int x2) {
        int[] ids = java.util.Arrays.copyOf(PROMPT, PROMPT.length + 2);
        ids[PROMPT.length] = x1;
        ids[PROMPT.length + 1] = x2;
        try (Session s = model.newSession()) {
            return s.mtpTeacherForced(ids);
        }
    }

    // ---- chi-square ----

    record Statistic(String name, double chi2, int dof, double p) {}

    /** The joint test first, then the marginal of each position. */
    static List<Statistic> statistics(Map<Long, Double> exact, Map<Long, Integer> observed) {
        List<Statistic> out = new ArrayList<>();
        int total = observed.values().stream().mapToInt(Integer::intValue).sum();
        out.add(chiSquare("joint", exact, observed, total));
        for (int pos = 0; pos < TOKENS; pos++) {
            Map<Long, Double> e = new HashMap<>();
            Map<Long, Integer> o = new HashMap<>();
            for (var x : exact.entrySet()) e.merge((long) unkey(x.getKey())[pos], x.getValue(), Double::sum);
            for (var x : observed.entrySet()) o.merge((long) unkey(x.getKey())[pos], x.getValue(), Integer::sum);
            out.add(chiSquare("x" + (pos + 1), e, o, total));
        }
        return out;
    }

    /**
     * Pearson's statistic over the cells whose expected count is at least 5, with all the others
     * merged into one cell (cells outside {@code expected} count there too).
     */
    static Statistic chiSquare(String name, Map<Long, Double> expected, Map<Long, Integer> observed, int total) {
        double chi2 = 0, restExpected = 0;
        long restObserved = 0, seen = 0;
        int cells = 0;
        for (var e : expected.entrySet()) {
            double exp = e.getValue() * total;
            int obs = observed.getOrDefault(e.getKey(), 0);
            seen += obs;
            if (exp >= 5) {
                chi2 += (obs - exp) * (obs - exp) / exp;
                cells++;
            } else {
                restExpected += exp;
                restObserved += obs;
            }
        }
        restObserved += total - seen;
        if (restExpected > 0) {
            chi2 += (restObserved - restExpected) * (restObserved - restExpected) / restExpected;
            cells++;
        } else if (restObserved > 0) {
            chi2 = Double.POSITIVE_INFINITY;
        }
        int dof = Math.max(1, cells - 1);
        return new Statistic(name, chi2, dof, chiSquareTail(chi2, dof));
    }

    /** P(X > x) for a chi-square variable with {@code dof} degrees of freedom: the regularized upper incomplete gamma Q(dof/2, x/2). */
    static double chiSquareTail(double x, int dof) {
        if (x <= 0) return 1;
        if (Double.isInfinite(x)) return 0;
        double a = dof / 2.0, z = x / 2;
        double logPrefix = a * Math.log(z) - z - logGamma(a);
        if (z < a + 1) {
            // series for the lower part P(a, z) = z^a e^-z / Gamma(a) * sum z^n / (a (a+1) ... (a+n))
            double term = 1 / a, sum = term;
            for (int n = 1; n < 10_000 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= z / (a + n);
                sum += term;
            }
            return Math.max(0, 1 - Math.exp(logPrefix) * sum);
        }
        // continued fraction for Q(a, z), evaluated by the modified Lentz method
        double tiny = 1e-300, b = z + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double step = d * c;
            h *= step;
            if (Math.abs(step - 1) < 1e-15) break;
        }
        return Math.exp(logPrefix) * h;
    }

    /** log Gamma(a) for a > 0 (Lanczos approximation, g = 7, nine terms; about 15 digits). */
    static double logGamma(double a) {
        if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - logGamma(1 - a);
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        a -= 1;
        double s = g[0];
        for (int i = 1; i < g.length; i++) s += g[i] / (a + i);
        double t = a + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (a + 0.5) * Math.log(t) - t + Math.log(s);
    }

    // ---- sequences as map keys ----

    static long key(int[] t) {
        long k = 0;
        for (int i = 0; i < TOKENS; i++) k = k * vocab + t[i];
        return k;
    }

    static int[] unkey(long k) {
        int[] t = new int[TOKENS];
        for (int i = TOKENS - 1; i >= 0; i--) {
            t[i] = (int) (k % vocab);
            k /= vocab;
        }
        return t;
    }
}
