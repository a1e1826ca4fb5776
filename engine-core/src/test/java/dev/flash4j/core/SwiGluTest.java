package dev.flash4j.core;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link VectorOps#swiGlu} against a double-precision reference, with and without the clamp. */
class SwiGluTest {
    private static double reference(double g, double u, double limit) {
        double a = g / (1 + Math.exp(-g));
        if (limit > 0) {
            a = Math.min(a, limit);
            u = Math.max(-limit, Math.min(limit, u));
        }
        return a * u;
    }

    @Test
    void matchesADoubleReferenceOverAWideRange() {
        Random rnd = new Random(7);
        for (float limit : new float[] {0f, 7f}) {
            for (int n : new int[] {1, 7, 16, 37, 1280}) {
                int gOff = 3, uOff = 5;
                float[] gate = new float[gOff + n], up = new float[uOff + n];
                for (int i = 0; i < n; i++) {
                    // from -100 to 100: exp overflows for the most negative, the clamp cuts the largest
                    gate[gOff + i] = (float) (rnd.nextGaussian() * (i % 3 == 0 ? 30 : 3));
                    up[uOff + i] = (float) (rnd.nextGaussian() * 10);
                }
                gate[gOff] = -100f;
                float[] in = gate.clone();
                VectorOps.swiGlu(gate, gOff, up, uOff, n, limit);
                for (int i = 0; i < n; i++) {
                    double want = reference(in[gOff + i], up[uOff + i], limit);
                    assertEquals(want, gate[gOff + i], 1e-6 * Math.abs(want) + 1e-30, "limit " + limit + " n " + n + " i " + i + " gate " + in[gOff + i]);
                }
                assertEquals(in[0], gate[0], "values before the offset stay");
            }
        }
    }
}
