package dev.flash4j.core;

import java.util.Arrays;

/**
 * Several independent small products ({@code out_i[t] = W_i x_i[t]} for a few tokens {@code t},
 * activations as the batch's {@link ActivationPrecision} says) run as ONE parallel loop. A decode
 * step's MoE block multiplies 9 experts times 3 matrices of a few MB each; as one parallel loop
 * per product that is 27 points per layer where the threads start together and then wait for the
 * slowest chunk, and on two cores that waiting measured 10-20% of a decode step. Here the
 * products' rows form one index space of work units (four 16-row groups of an interleaved
 * matrix, or 64 rows of any other), handed out in chunks across the products, so the threads meet
 * once per batch of products. A chunk's consecutive units of one product go to its kernel as one
 * range of groups, across which the interleaved kernels take their quads a quarter of the range
 * apart (so their four streams through memory run on from quad to quad). A product of several
 * tokens (a verify pass's tokens routed to one expert) uses the multi-token interleaved kernels
 * ({@link InterleavedRows#products}); keep those to small counts ({@link #fits}): prompt-sized
 * batches belong to {@link MatMul}'s tiled path.
 *
 * <p>Reusable and not thread-safe: {@link #clear}, {@link #add} the products, {@link #run}; the
 * arrays grow on demand and are then kept, so steady-state use allocates nothing. Each session (or
 * calling thread) owns its own instance.
 */
public final class MatVecBatch implements WorkerPool.RangeTask {
    /** Four groups of 16 rows: the one-token interleaved kernels take four at a time ({@link InterleavedKQuant#dot}). */
    private static final int GROUPS_PER_UNIT = InterleavedKQuant.QUAD, ROWS_PER_UNIT = GROUPS_PER_UNIT * InterleavedRows.GROUP;

    private WeightMatrix[] w = new WeightMatrix[8];
    private float[][] x = new float[8][], out = new float[8][];
    /** Per product: its tokens' input offsets (a reused array per slot) and count, output offset and token stride. */
    private int[][] xOffs = new int[8][];
    private int[] tokens = new int[8], outOff = new int[8], outStride = new int[8];
    /** unitStart[i] = first work unit of product i; unitStart[n] = all units. */
    private int[] unitStart = new int[9];
    /** Per product (a reused array per slot): per-32-column sums of its inputs, token after token ({@link InterleavedRows#sums32}). */
    private float[][] sums = new float[8][];
    /**
     * With 8-bit activations, per product: the buffer its slot owns, and the quantized inputs it
     * uses (its own buffer, or an earlier product's when both read the same inputs).
     */
    private Q8Activations[] q8Own = new Q8Activations[8], q8 = new Q8Activations[8];
    private int n;
    private final ActivationPrecision precision;

    /** Products with float activations. */
    public MatVecBatch() {
        this(ActivationPrecision.F32);
    }

    /**
     * Products with activations of {@code precision}: where it asks for 8 bits
     * ({@link ActivationPrecision#eightBit}) the interleaved matrices' whole groups take the 8-bit
     * kernels ({@link InterleavedRows#dotTokensQ8}), the rows after them floats.
     */
    public MatVecBatch(ActivationPrecision precision) {
        this.precision = precision;
    }

    /** Whether {@code tokenCount} tokens on {@code matrix} belong here rather than to the tiled prompt kernels. */
    public static boolean fits(WeightMatrix matrix, int tokenCount) {
        return !MatMul.tiled(matrix, tokenCount, ActivationPrecision.F32);
    }

    /** Forgets the products added so far. */
    public void clear() {
        n = 0;
    }

    /** Adds {@code out[outOff .. outOff + W.rows()) = W x[xOff .. xOff + W.cols())} (one token). */
    public void add(WeightMatrix matrix, float[] input, int inputOff, float[] output, int outputOff) {
        int i = slot(matrix, input, 1, output, outputOff, 0);
        xOffs[i][0] = inputOff;
    }

    /**
     * Adds, for {@code count} tokens {@code t}, {@code out[outOff + t*outStride + r] = row r of W}
     * times {@code x[xOff + t*xStride ..]}.
     */
    public void add(WeightMatrix matrix, float[] input, int inputOff, int inputStride, int count, float[] output, int outputOff, int outputStride) {
        int i = slot(matrix, input, count, output, outputOff, outputStride);
        for (int t = 0; t < count; t++) xOffs[i][t] = inputOff + t * inputStride;
    }

    /**
     * Like {@link #add(WeightMatrix, float[], int, int, int, float[], int, int)} with token {@code t}'s
     * input at {@code x[rows[rowsOff + t] * inputStride ..]}.
     */
    public void addRows(WeightMatrix matrix, float[] input, int inputStride, int[] rows, int rowsOff, int count, float[] output, int outputOff, int outputStride) {
        int i = slot(matrix, input, count, output, outputOff, outputStride);
        for (int t = 0; t < count; t++) xOffs[i][t] = rows[rowsOff + t] * inputStride;
    }

    private int slot(WeightMatrix matrix, float[] input, int count, float[] output, int outputOff, int outputStride) {
        if (count < 1) throw new IllegalArgumentException("a product needs at least one token, got " + count);
        if (n == w.length) grow();
        int i = n++;
        w[i] = matrix;
        x[i] = input;
        out[i] = output;
        tokens[i] = count;
        outOff[i] = outputOff;
        outStride[i] = outputStride;
        if (xOffs[i] == null || xOffs[i].length < count) xOffs[i] = new int[Math.max(count, 4)];
        return i;
    }

    private void grow() {
        int c = 2 * w.length;
        w = Arrays.copyOf(w, c);
        x = Arrays.copyOf(x, c);
        out = Arrays.copyOf(out, c);
        xOffs = Arrays.copyOf(xOffs, c);
        tokens = Arrays.copyOf(tokens, c);
        outOff = Arrays.copyOf(outOff, c);
        outStride = Arrays.copyOf(outStride, c);
        sums = Arrays.copyOf(sums, c);
        q8Own = Arrays.copyOf(q8Own, c);
        q8 = Arrays.copyOf(q8, c);
        unitStart = Arrays.copyOf(unitStart, c + 1);
    }

    /** Runs every product added since the last {@link #clear}, on all threads of {@code pool}. */
    public void run(WorkerPool pool) {
        int units = 0;
        int lastQ8 = -1; // the last product quantized so far, whose inputs the next may share
        for (int i = 0; i < n; i++) {
            unitStart[i] = units;
            units += (w[i].rows() + ROWS_PER_UNIT - 1) / ROWS_PER_UNIT;
            q8[i] = null;
            if (w[i].interleaved() == null) continue;
            if (precision.eightBit(w[i], tokens[i])) {
                q8[i] = quantized(i, lastQ8);
                q8[i].spreadFor(w[i].interleaved()); // a shared quantization may need the other layout
                lastQ8 = i;
                continue;
            }
            int per = w[i].cols() / 32;
            if (sums[i] == null || sums[i].length < tokens[i] * per) sums[i] = new float[Math.max(tokens[i], 4) * per];
            for (int t = 0; t < tokens[i]; t++) InterleavedRows.sums32(x[i], xOffs[i][t], w[i].cols(), sums[i], t * per);
        }
        unitStart[n] = units;
        pool.parallelFor(units, 1, this);
    }

    /**
     * Product {@code i}'s inputs quantized to 8 bits: those of product {@code j} (the last one
     * quantized before it, or -1) when both read the same inputs (a decode step's q and gate
     * products around the float k and v, an expert's gate and up, all experts' in a decode step),
     * else its slot's buffer, (re)filled.
     */
    private Q8Activations quantized(int i, int j) {
        int cols = w[i].cols(), count = tokens[i];
        if (j >= 0 && x[j] == x[i] && w[j].cols() == cols && tokens[j] == count
                && Arrays.equals(xOffs[j], 0, count, xOffs[i], 0, count)) return q8[j];
        if (q8Own[i] == null || q8Own[i].capacity() < count * cols) q8Own[i] = new Q8Activations(Math.max(count, 4) * cols);
        Q8Activations a = q8Own[i].quantizeRows(x[i], 1, xOffs[i], count, cols);
        return a;
    }

    /**
     * Work units {@code [start, end)}: unit u of product i covers its rows {@code 64(u - unitStart[i]) ..};
     * a product's consecutive units in one call, so its kernel sees them as one range of groups.
     */
    @Override
    public void run(int start, int end) {
        int i = 0;
        for (int u = start; u < end; ) {
            while (unitStart[i + 1] <= u) i++;
            int stop = Math.min(end, unitStart[i + 1]);
            units(i, u - unitStart[i], stop - unitStart[i]);
            u = stop;
        }
    }

    /** Units {@code [first, last)} of product {@code i}. */
    private void units(int i, int first, int last) {
        WeightMatrix m = w[i];
        InterleavedRows iw = m.interleaved();
        int count = tokens[i];
        int r0 = first * ROWS_PER_UNIT, r1 = Math.min(m.rows(), last * ROWS_PER_UNIT);
        if (iw != null) {
            int g0 = Math.min(first * GROUPS_PER_UNIT, iw.groups()), g1 = Math.min(last * GROUPS_PER_UNIT, iw.groups());
            if (g1 > g0) iw.products(g0, g1, x[i], xOffs[i], count, sums[i], m.cols() / 32, q8[i], m.cols(), out[i], outOff[i], outStride[i]);
            r0 = Math.max(r0, iw.groups() * InterleavedRows.GROUP); // the rows after the whole groups, if in this range
        }
        float[] o = out[i];
        for (int t = 0; t < count; t++) {
            int ot = outOff[i] + t * outStride[i], xt = xOffs[i][t];
            for (int r = r0; r < r1; r++) o[ot + r] = m.dotRow(r, x[i], xt);
        }
    }
}
