package dev.flash4j.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link VectorOps#exp} against {@link Math#exp} over the whole float range that matters. */
class VectorExpTest {
    @Test
    void matchesMathExpFromMinus100To100() {
        // every 1/1024 from -100 to 100, then the edges of the range; an odd count, so the scalar tail runs too
        int n = 204801 + 8;
        float[] x = new float[n + 3];
        for (int i = 0; i < 204801; i++) x[3 + i] = (i - 102400) / 1024f;
        float[] edges = {-87.3f, -87.29f, 88.72f, 89f, Float.NEGATIVE_INFINITY, 1e-30f, -1e-30f, 88.4f};
        System.arraycopy(edges, 0, x, 3 + 204801, edges.length);
        float[] y = new float[n + 5];
        float sum = VectorOps.exp(x, 3, n, 1f, 0f, y, 5);
        double worst = 0, total = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[3 + i], yi = y[5 + i];
            double want = Math.exp(xi);
            total += yi;
            if (xi < -87.3f) assertEquals(0, yi, 1.21e-38, "x = " + xi); // e^x < 1.21e-38: 0
            else if (want > Float.MAX_VALUE) assertEquals(Float.POSITIVE_INFINITY, yi, "x = " + xi);
            else if (xi > 88.37f) assertEquals(want, yi, 2e-6 * want, "x = " + xi); // k stops at 127: a larger r
            else {
                worst = Math.max(worst, Math.abs(yi - want) / want);
                assertEquals(want, yi, 3e-7 * want, "x = " + xi);
            }
        }
        assertEquals(Double.POSITIVE_INFINITY, total);
        assertEquals(Float.POSITIVE_INFINITY, sum);
        System.out.printf("exp: worst relative error %.3g%n", worst);
    }

    @Test
    void scalesShiftsAndSums() {
        float[] x = {0.5f, -1f, 2f, 3f, -4f, 0.25f, 1f, -2f, 0f, 5f, -0.5f, 1.5f, 2.5f, -3f, 4f, 0.75f, -1.25f, 3.5f, 6f};
        float[] y = x.clone();
        float sum = VectorOps.exp(y, 2, 15, -2f, 1.5f, y, 2); // in place, from an offset, with a tail
        double want = 0;
        for (int i = 0; i < x.length; i++) {
            if (i < 2 || i >= 17) { assertEquals(x[i], y[i], "outside the range"); continue; }
            double e = Math.exp(-2.0 * x[i] - 1.5);
            assertEquals(e, y[i], 3e-7 * e, "i = " + i);
            want += e;
        }
        assertEquals(want, sum, 1e-6 * want);
    }

    @Test
    void aValueGetsTheSameResultInAVectorAndInTheTail() {
        float[] x = new float[4096];
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 30);
        float[] vec = new float[x.length];
        VectorOps.exp(x, 0, x.length, 1f, 0f, vec, 0);
        for (int i = 0; i < x.length; i++) assertEquals(Float.floatToRawIntBits(vec[i]), Float.floatToRawIntBits(VectorOps.exp(x[i])), "x = " + x[i]);
    }
}
