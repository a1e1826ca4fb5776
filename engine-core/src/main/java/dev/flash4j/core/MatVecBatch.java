package dev.flash4j.core;

import java.util.Arrays;

/**
 * Several independent matrix-vector products ({@code out_i = W_i x_i}, float activations) run as
 * ONE parallel loop. A decode step's MoE block multiplies 9 experts times 3 matrices of a few MB
 * each; as one parallel loop per product that is 27 points per layer where the threads start
 * together and then wait for the slowest chunk, and on two cores that waiting measured 10-20% of a
 * decode step. Here the products' rows form one index space of work units (a 16-row group of an
 * interleaved matrix, or 16 rows of any other), handed out in chunks across the products, so the
 * threads meet once per batch of products.
 *
 * <p>Reusable and not thread-safe: {@link #clear}, {@link #add} the products, {@link #run}; the
 * arrays grow on demand and are then kept, so steady-state use allocates nothing. Each session (or
 * calling thread) owns its own instance.
 */
public final class MatVecBatch implements WorkerPool.RangeTask {
    private static final int ROWS_PER_UNIT = InterleavedRows.GROUP;

    private WeightMatrix[] w = new WeightMatrix[8];
    private float[][] x = new float[8][], out = new float[8][];
    private int[] xOff = new int[8], outOff = new int[8], sumsOff = new int[8];
    /** unitStart[i] = first work unit of product i; unitStart[n] = all units. */
    private int[] unitStart = new int[9];
    /** Per-32-column sums of each interleaved product's input ({@link InterleavedRows#sums32}). */
    private float[] sums = new float[0];
    private int n;

    /** Forgets the products added so far. */
    public void clear() {
        n = 0;
    }

    /** Adds {@code out[outOff .. outOff + W.rows()) = W x[xOff .. xOff + W.cols())}. */
    public void add(WeightMatrix matrix, float[] input, int inputOff, float[] output, int outputOff) {
        if (n == w.length) grow();
        w[n] = matrix;
        x[n] = input;
        xOff[n] = inputOff;
        out[n] = output;
        outOff[n] = outputOff;
        n++;
    }

    private void grow() {
        int c = 2 * w.length;
        w = Arrays.copyOf(w, c);
        x = Arrays.copyOf(x, c);
        out = Arrays.copyOf(out, c);
        xOff = Arrays.copyOf(xOff, c);
        outOff = Arrays.copyOf(outOff, c);
        sumsOff = Arrays.copyOf(sumsOff, c);
        unitStart = Arrays.copyOf(unitStart, c + 1);
    }

    /** Runs every product added since the last {@link #clear}, on all threads of {@code pool}. */
    public void run(WorkerPool pool) {
        int units = 0, sumsNeeded = 0;
        for (int i = 0; i < n; i++) {
            unitStart[i] = units;
            units += (w[i].rows() + ROWS_PER_UNIT - 1) / ROWS_PER_UNIT;
            sumsOff[i] = sumsNeeded;
            if (w[i].interleaved() != null) sumsNeeded += w[i].cols() / 32;
        }
        unitStart[n] = units;
        if (sums.length < sumsNeeded) sums = new float[sumsNeeded];
        for (int i = 0; i < n; i++) {
            if (w[i].interleaved() != null) InterleavedRows.sums32(x[i], xOff[i], w[i].cols(), sums, sumsOff[i]);
        }
        pool.parallelFor(units, 1, this);
    }

    /** Work units {@code [start, end)}: unit u of product i covers its rows {@code 16(u - unitStart[i]) ..}. */
    @Override
    public void run(int start, int end) {
        int i = 0;
        while (unitStart[i + 1] <= start) i++;
        for (int u = start; u < end; u++) {
            while (unitStart[i + 1] <= u) i++;
            unit(i, u - unitStart[i]);
        }
    }

    private void unit(int i, int local) {
        WeightMatrix m = w[i];
        InterleavedRows iw = m.interleaved();
        if (iw != null && local < iw.groups()) {
            iw.dot(local, local + 1, x[i], xOff[i], sums, sumsOff[i], out[i], outOff[i]);
            return;
        }
        int r0 = local * ROWS_PER_UNIT, r1 = Math.min(m.rows(), r0 + ROWS_PER_UNIT);
        float[] o = out[i];
        for (int r = r0; r < r1; r++) o[outOff[i] + r] = m.dotRow(r, x[i], xOff[i]);
    }
}
