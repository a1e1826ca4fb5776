package dev.flash4j.model;

import dev.flash4j.core.VectorOps;

import java.util.Arrays;

/** Statistical agreement of two logit matrices: median of per-row max abs diff and top-1 agreement. */
record LogitStats(double medianRowMaxDiff, double maxDiff, double top1Agreement, int rows) {

    static LogitStats compare(float[] a, float[] b, int rows, int vocab) {
        double[] rowMax = new double[rows];
        int agree = 0;
        double max = 0;
        for (int r = 0; r < rows; r++) {
            rowMax[r] = GoldenData.maxAbsDiff(a, r * vocab, b, r * vocab, vocab);
            max = Math.max(max, rowMax[r]);
            if (VectorOps.argmax(a, r * vocab, vocab) == VectorOps.argmax(b, r * vocab, vocab)) agree++;
        }
        Arrays.sort(rowMax);
        double median = rows % 2 == 1 ? rowMax[rows / 2] : (rowMax[rows / 2 - 1] + rowMax[rows / 2]) / 2;
        return new LogitStats(median, max, (double) agree / rows, rows);
    }

    @Override
    public String toString() {
        return String.format("median row max diff %.4f, max diff %.4f, top-1 agreement %.3f over %d rows", medianRowMaxDiff, maxDiff, top1Agreement, rows);
    }
}
