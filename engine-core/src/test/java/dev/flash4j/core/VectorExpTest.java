package dev.flash4j.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link VectorOps#exp} against {@link Math#exp} over the whole float range that matters, both vector shapes. */
class VectorExpTest {
    private static void check(VectorSpecies<Float> s) {
        int lanes = s.length();
        float[] x = new float[lanes], y = new float[lanes];
        double worst = 0;
        // every 1/1024 from -100 to 100, plus the edges of the clamped range
        for (int k = -102400; k <= 102400; k += lanes) {
            for (int i = 0; i < lanes; i++) x[i] = (k + i) / 1024f;
            if (k == 0) { x[1] = -87.3f; x[2] = -87.29f; x[3] = 88.72f; x[4] = 89f; x[5] = Float.NEGATIVE_INFINITY; x[6] = 1e-30f; x[7] = -1e-30f; }
            VectorOps.exp(FloatVector.fromArray(s, x, 0)).intoArray(y, 0);
            for (int i = 0; i < lanes; i++) {
                double want = Math.exp(x[i]);
                if (x[i] < -87.3f) assertEquals(0, y[i], 1.21e-38, "x = " + x[i]); // e^x < 1.21e-38: flushed to 0
                else if (want > Float.MAX_VALUE) assertEquals(Float.POSITIVE_INFINITY, y[i], "x = " + x[i]);
                else if (x[i] > 88.37f) assertEquals(want, y[i], 2e-6 * want, "x = " + x[i]); // n stops at 127: a larger r
                else {
                    double rel = Math.abs(y[i] - want) / want;
                    worst = Math.max(worst, rel);
                    assertEquals(want, y[i], 3e-7 * want, "x = " + x[i]);
                }
            }
        }
        System.out.printf("exp, %d lanes: worst relative error %.3g%n", lanes, worst);
    }

    @Test
    void matchesMathExpOn256BitVectors() {
        check(FloatVector.SPECIES_256);
    }

    @Test
    void matchesMathExpOnThePreferredVectors() {
        check(FloatVector.SPECIES_PREFERRED);
    }
}
