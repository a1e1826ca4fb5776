package dev.flash4j.mtp;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The speculative-sampling rule leaves the target distribution unchanged, whatever the drafter's. */
class RejectionSamplingTest {

    static float[] randomDistribution(SplittableRandom r, int n, double sharpness) {
        float[] p = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = (float) Math.exp(sharpness * r.nextGaussian());
            sum += p[i];
        }
        for (int i = 0; i < n; i++) p[i] /= (float) sum;
        return p;
    }

    static int draw(float[] d, double u) {
        double total = 0;
        for (float v : d) total += v;
        double x = u * total;
        for (int i = 0; i < d.length; i++) {
            x -= d[i];
            if (x < 0) return i;
        }
        return d.length - 1;
    }

    /** Pearson chi-square of observed counts against expected probabilities. */
    static double chiSquare(int[] counts, float[] p, int samples) {
        double chi = 0;
        for (int i = 0; i < p.length; i++) {
            double e = p[i] * samples;
            chi += (counts[i] - e) * (counts[i] - e) / e;
        }
        return chi;
    }

    @Test
    void acceptedOrResampledTokensFollowTheTargetDistribution() {
        SplittableRandom r = new SplittableRandom(2024);
        int n = 12, samples = 200_000;
        for (int trial = 0; trial < 4; trial++) {
            float[] p = randomDistribution(r, n, 1.0);
            float[] q = randomDistribution(r, n, 1.5 + trial); // a drafter that disagrees more and more
            q[trial] = 0; // one token the drafter never proposes
            double mass = 0;
            for (float v : q) mass += v;
            for (int i = 0; i < n; i++) q[i] /= (float) mass;
            float[] residual = new float[n];
            int[] counts = new int[n];
            int accepted = 0;
            for (int s = 0; s < samples; s++) {
                int x = draw(q, r.nextDouble());
                int out;
                if (RejectionSampling.accept(p, q, x, r.nextDouble())) {
                    out = x;
                    accepted++;
                } else {
                    RejectionSampling.residual(p, q, residual, n);
                    out = draw(residual, r.nextDouble());
                }
                counts[out]++;
            }
            double chi = chiSquare(counts, p, samples);
            // 11 degrees of freedom: the 99.9% quantile is 31.3
            assertTrue(chi < 31.3, "trial " + trial + ": chi-square " + chi + " (accepted " + accepted + ")");
            assertTrue(accepted > 0 && accepted < samples, "both branches must be exercised");
        }
    }

    @Test
    void identicalDistributionsAlwaysAccept() {
        float[] p = {0.5f, 0.25f, 0.25f};
        for (int x = 0; x < 3; x++) assertTrue(RejectionSampling.accept(p, p, x, 0.999999));
    }

    @Test
    void greedyIsTheOneHotCase() {
        float[] p = {0, 1, 0}, right = {0, 1, 0}, wrong = {1, 0, 0};
        assertTrue(RejectionSampling.accept(p, right, 1, 0.5));
        assertFalse(RejectionSampling.accept(p, wrong, 0, 0.0));
        float[] res = new float[3];
        RejectionSampling.residual(p, wrong, res, 3);
        assertArrayEquals(new float[]{0, 1, 0}, res);
    }

    @Test
    void controllerStopsDraftingForAHopelessDrafterButKeepsProbing() {
        DraftLengthController c = new DraftLengthController(3, 0.15, 0.05, true);
        int drafted = 0;
        for (int round = 0; round < 2000; round++) {
            int d = c.next();
            drafted += d;
            c.observe(d, d * 150_000L, 1_000_000L + d * 50_000L);
            c.record(d, 0);
        }
        assertTrue(drafted < 2000 * 0.05, "drafted " + drafted + " levels in 2000 rounds of a drafter that is never right");
        assertTrue(drafted > 0, "it must keep probing");
    }

    @Test
    void controllerDraftsDeepForAGoodDrafter() {
        DraftLengthController c = new DraftLengthController(3, 0.15, 0.05, true);
        for (int round = 0; round < 200; round++) {
            int d = c.next();
            c.observe(d, d * 150_000L, 1_000_000L + d * 50_000L);
            c.record(d, d);
        }
        assertEquals(3, c.next());
    }

    /** Where a draft level costs 0.6 decode steps and each verified token one more (the 4-layer slice), even a perfect drafter loses: draft nothing. */
    @Test
    void controllerStopsWhenMeasuredCostsExceedTheGain() {
        DraftLengthController c = new DraftLengthController(3, 0.15, 0.05, true);
        int drafted = 0;
        for (int round = 0; round < 500; round++) {
            int d = c.next();
            drafted += d;
            c.observe(d, d * 600_000L, 1_000_000L + d * 1_000_000L);
            c.record(d, d); // every draft accepted, and still not worth it
        }
        assertTrue(drafted < 40, "drafted " + drafted + " levels in 500 rounds although drafting costs more than it gains");
        assertTrue(c.draftCost() > 0.5 && c.verifyCost() > 0.9, "measured costs " + c.draftCost() + ", " + c.verifyCost());
    }
}
