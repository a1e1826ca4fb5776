package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 8-bit activations and the dotQ8 kernels, against double-precision references. */
class Q8ActivationsTest {
    private static final Set<GgmlType> Q8_TYPES = EnumSet.of(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K);

    @Test
    void quantizationErrorIsAtMostHalfAStepAndSumsMatch() {
        Random r = new Random(11);
        float[] x = new float[32 * 40 + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian()));
        for (int i = 3 + 32 * 5; i < 3 + 32 * 6; i++) x[i] = 0; // an all-zero block
        Q8Activations a = new Q8Activations(32 * 64).quantize(x, 3, 32 * 40);
        assertEquals(32 * 40, a.length());
        for (int b = 0; b < 40; b++) {
            float amax = 0;
            int sum = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[3 + 32 * b + j]));
            for (int j = 0; j < 32; j++) {
                int i = 32 * b + j;
                assertTrue(Math.abs(x[3 + i] - a.value(i)) <= amax / 127 * 0.5001, "value " + i);
                sum += a.q[i];
            }
            assertEquals(sum, a.sums[b]);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> a.value(32 * 40));
    }

    /**
     * The vectorized quantization against the scalar rule it replaced: q = (int) Math.rint(x / d),
     * ties to even. A block whose maximum is 127 has d = 1, so its halves are exact ties.
     */
    @Test
    void quantsAreMathRintOfValueOverScaleTiesToEven() {
        Random r = new Random(14);
        float[] x = new float[32 * 50];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * Math.exp(2 * r.nextGaussian()));
        x[0] = 127; // block 0: d = 1 and ties
        for (int j = 1; j < 32; j++) x[j] = (j - 16) + 0.5f;
        for (int j = 32; j < 64; j++) x[j] = 0; // block 1: all zero
        x[64] = Float.MIN_VALUE; // block 2: a subnormal maximum
        Q8Activations a = new Q8Activations(x.length).quantize(x, 0, x.length);
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[32 * b + j]));
            float scale = amax / 127, inv = scale != 0 ? 1 / scale : 0;
            assertEquals(scale, a.d[b], "scale of block " + b);
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                int want = (int) Math.rint(x[32 * b + j] * inv);
                assertEquals(want, a.q[32 * b + j], "block " + b + " value " + j);
                sum += want;
            }
            assertEquals(sum, a.sums[b], "sum of block " + b);
        }
        assertEquals(127, a.q[0]);
        assertEquals(-14, a.q[1]); // -14.5 to even
        assertEquals(-14, a.q[2]); // -13.5 to even
        assertEquals(2, a.q[18]); // 2.5 to even
    }

    @Test
    void selectedRowsQuantizeLikeEachRowAlone() {
        Random r = new Random(13);
        int n = 96, stride = 100;
        float[] x = new float[stride * 5];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int[] sel = {3, 0, 3, 4};
        Q8Activations all = new Q8Activations(n * sel.length).quantizeRows(x, stride, sel, sel.length, n);
        assertEquals(n * sel.length, all.length());
        all.ensurePairs();
        all.ensureRep16();
        for (int i = 0; i < sel.length; i++) {
            Q8Activations one = new Q8Activations(n).quantize(x, sel[i] * stride, n);
            for (int j = 0; j < n; j++) {
                assertEquals(one.value(j), all.value(i * n + j), "row " + i + " value " + j);
                for (int k = 0; k < 16; k++) assertEquals(one.q[j], all.rep16[16 * (i * n + j) + k]);
                int pair = all.pairs[(i * n + j) / 2];
                assertEquals(one.q[j], (short) (j % 2 == 0 ? pair : pair >> 16), "pair half of row " + i + " value " + j);
            }
            for (int b = 0; b < n / 32; b++) assertEquals(one.sums[b], all.sums[i * n / 32 + b]);
        }
    }

    @Test
    void onlyTheTypesWithKernelsClaimSupport() {
        for (GgmlType t : GgmlType.values()) {
            if (!BlockFormats.supports(t)) continue;
            assertEquals(Q8_TYPES.contains(t), BlockFormats.supportsQ8(t), t.name());
        }
        assertThrows(UnsupportedOperationException.class, () -> BlockFormats.q8(GgmlType.Q5_K));
    }

    @Test
    void dotQ8MatchesADoubleDotWithTheQuantizedActivations() throws IOException {
        Random r = new Random(12);
        int checked = 0;
        for (DequantFixture f : DequantFixture.loadAll(DequantGoldenTest.dir())) {
            if (!Q8_TYPES.contains(f.type())) continue;
            Q8DotFormat fmt = BlockFormats.q8(f.type());
            int n = f.rowElements(), all = n * f.rows(), xOff = 64;
            float[] x = new float[all + xOff];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            Q8Activations a = new Q8Activations(x.length).quantize(x, 0, x.length);
            float[] w = new float[all];
            fmt.dequantize(f.raw(), 0, w, 0, all);
            double worst = 0;
            for (int row = 0; row <= f.rows(); row++) { // every row, then the whole fixture as one row
                int start = row < f.rows() ? row * n : 0, len = row < f.rows() ? n : all;
                double ref = 0, mag = 0;
                for (int i = 0; i < len; i++) {
                    double p = (double) w[start + i] * a.value(xOff + i);
                    ref += p;
                    mag += Math.abs(p);
                }
                float got = fmt.dotQ8(f.raw(), (long) start / f.type().blockSize() * f.type().blockBytes(), a, xOff, len);
                assertTrue(Math.abs(got - ref) <= 1e-5 * mag, f.type() + " row " + row + ": " + got + " vs " + ref);
                worst = Math.max(worst, Math.abs(got - ref) / mag);
            }
            System.out.printf("dotQ8   %-7s worst |err| / sum|w*x| = %.3g%n", f.type(), worst);
            checked++;
        }
        assertEquals(Q8_TYPES.size(), checked);
    }

    @Test
    void dotQ8ApproximatesTheFloatDot() throws IOException {
        for (DequantFixture f : DequantFixture.loadAll(DequantGoldenTest.dir())) {
            if (!Q8_TYPES.contains(f.type())) continue;
            int n = f.rowElements();
            float[] x = new float[n];
            Random r = new Random(13);
            for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
            Q8Activations a = new Q8Activations(n).quantize(x, 0, n);
            float exact = BlockFormats.of(f.type()).dot(f.raw(), 0, x, 0, n);
            float q8 = BlockFormats.q8(f.type()).dotQ8(f.raw(), 0, a, 0, n);
            float[] w = new float[n];
            BlockFormats.of(f.type()).dequantize(f.raw(), 0, w, 0, n);
            double mag = 0;
            for (int i = 0; i < n; i++) mag += Math.abs(w[i] * x[i]);
            // activation rounding is at most 1/254 of each block's max, far less on average
            assertTrue(Math.abs(exact - q8) <= mag / 254, f.type() + ": " + q8 + " vs " + exact);
        }
    }

    @Test
    void rejectsMisalignedOrShortActivations() {
        Q8Activations a = new Q8Activations(256).quantize(new float[256], 0, 256);
        var seg = java.lang.foreign.MemorySegment.ofArray(new byte[34 * 8]);
        Q8DotFormat q8 = BlockFormats.q8(GgmlType.Q8_0);
        assertThrows(IllegalArgumentException.class, () -> q8.dotQ8(seg, 0, a, 16, 32));
        assertThrows(IndexOutOfBoundsException.class, () -> q8.dotQ8(seg, 0, a, 32, 256));
    }
}
