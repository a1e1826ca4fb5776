package dev.flash4j.runtime;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The sampler's full sort of the vocabulary (top-k 0) orders tokens as a stable sort by logit would. */
class SamplerOrderTest {
    @Test
    void sortableBitsOrderAsFloatCompare() {
        float[] special = {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1f, -Float.MIN_VALUE, -0f, 0f, Float.MIN_VALUE, 1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NaN};
        SplittableRandom r = new SplittableRandom(3);
        float[] all = Arrays.copyOf(special, special.length + 200);
        for (int i = special.length; i < all.length; i++) all[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-30, 30)));
        for (float a : all) {
            for (float b : all) {
                assertEquals(Integer.signum(Float.compare(a, b)), Integer.signum(Integer.compare(Sampler.sortableBits(a), Sampler.sortableBits(b))), a + " vs " + b);
            }
        }
    }

    /** Top-p over the full sort keeps the smallest best-first prefix reaching the mass; ties keep the lower id first. */
    @Test
    void topPOverTheWholeVocabularyKeepsTheBestPrefix() {
        int vocab = 300;
        SplittableRandom r = new SplittableRandom(11);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) logits[i] = (float) r.nextGaussian() * 2;
        logits[17] = logits[200] = 3.5f; // a tie near the top
        SamplingOptions o = new SamplingOptions(1f, 0, 0.8f, 0f, 1f, 0f, 0f, 64, Map.of(), 1);
        float[] dist = new float[vocab];
        new Sampler(o, vocab).distribution(logits, 0, null, 0, dist);
        // independent reference: boxed stable sort, softmax, prefix reaching 0.8
        Integer[] ids = new Integer[vocab];
        for (int i = 0; i < vocab; i++) ids[i] = i;
        Arrays.sort(ids, (a, b) -> Float.compare(logits[b], logits[a]));
        double[] p = new double[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += p[i] = Math.exp(logits[ids[i]] - logits[ids[0]]);
        double mass = 0, kept = 0;
        int keep = 0;
        while (mass < 0.8) mass += p[keep++] / sum;
        for (int i = 0; i < keep; i++) kept += p[i];
        for (int i = 0; i < vocab; i++) {
            double expected = i < keep ? p[i] / kept : 0;
            assertEquals(expected, dist[ids[i]], 1e-6, "token " + ids[i] + " at rank " + i);
        }
        assertTrue(keep > 10, "the kept prefix is long: " + keep);
    }
}
