package dev.flash4j.core;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The checks run on every golden dequant fixture, by the default and the conformance suite. */
final class DequantChecks {
    private DequantChecks() {}

    /** Dequantizes every row and compares with ggml's values; returns whether all were bit-identical. */
    static boolean checkDequantize(DequantFixture f) {
        BlockFormat fmt = BlockFormats.of(f.type());
        int n = f.rowElements();
        float[] row = new float[n + 3];
        boolean bitExact = true;
        double worstRel = 0, worstAbs = 0;
        for (int r = 0; r < f.rows(); r++) {
            fmt.dequantize(f.raw(), r * f.rowBytes(), row, 3, n);
            double rowMax = 0, maxDiff = 0;
            for (int i = 0; i < n; i++) {
                float want = f.expected()[r * n + i], got = row[3 + i];
                rowMax = Math.max(rowMax, Math.abs(want));
                maxDiff = Math.max(maxDiff, Math.abs((double) want - got));
                if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got)) bitExact = false;
            }
            if (!(maxDiff <= 1e-6 * rowMax)) fail(f.type() + " row " + r + ": max abs diff " + maxDiff + " > 1e-6 x row max " + rowMax);
            worstAbs = Math.max(worstAbs, maxDiff);
            worstRel = rowMax > 0 ? Math.max(worstRel, maxDiff / rowMax) : worstRel;
        }
        System.out.printf("dequant %-7s rows=%d n=%d max abs diff=%.3g (%.3g of row max) bit-exact=%s%n",
                f.type(), f.rows(), n, worstAbs, worstRel, bitExact);
        return bitExact;
    }

    /**
     * dot() against a double-precision dot of the dequantized row, for random x (at a non-zero
     * offset); the error must stay below 1e-4 of sum |w*x|.
     */
    static void checkDot(DequantFixture f, long seed) {
        BlockFormat fmt = BlockFormats.of(f.type());
        int n = f.rowElements(), xOff = 5;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n + xOff];
        float[] w = new float[n];
        double worst = 0;
        for (int r = 0; r < f.rows(); r++) {
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
            fmt.dequantize(f.raw(), r * f.rowBytes(), w, 0, n);
            double ref = 0, mag = 0;
            for (int i = 0; i < n; i++) {
                ref += (double) w[i] * x[xOff + i];
                mag += Math.abs((double) w[i] * x[xOff + i]);
            }
            float got = fmt.dot(f.raw(), r * f.rowBytes(), x, xOff, n);
            double rel = mag == 0 ? Math.abs(got) : Math.abs(got - ref) / mag;
            assertTrue(rel <= 1e-4, f.type() + " row " + r + ": dot " + got + " vs " + ref + " (|w*x| sum " + mag + ")");
            worst = Math.max(worst, rel);
        }
        // the whole fixture as one long row: many blocks per call, as in real matrix rows
        int all = n * f.rows();
        float[] wa = new float[all], xa = new float[all + xOff];
        for (int i = 0; i < xa.length; i++) xa[i] = (float) (rnd.nextDouble() * 2 - 1);
        fmt.dequantize(f.raw(), 0, wa, 0, all);
        double ref = 0, mag = 0;
        for (int i = 0; i < all; i++) {
            ref += (double) wa[i] * xa[xOff + i];
            mag += Math.abs((double) wa[i] * xa[xOff + i]);
        }
        float got = fmt.dot(f.raw(), 0, xa, xOff, all);
        assertTrue(Math.abs(got - ref) <= 1e-4 * mag, f.type() + " long row: dot " + got + " vs " + ref);
        worst = Math.max(worst, Math.abs(got - ref) / mag);
        System.out.printf("dot     %-7s worst |err| / sum|w*x| = %.3g%n", f.type(), worst);
    }
}
