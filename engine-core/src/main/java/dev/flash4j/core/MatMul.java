package dev.flash4j.core;

/**
 * Matrix products of mapped weights with activations, parallel over output rows.
 *
 * <p>Activations are flat row-major arrays: token {@code b}'s input vector is
 * {@code x[b*cols .. (b+1)*cols)}, its output {@code out[b*rows .. (b+1)*rows)}. For a batch, each
 * weight row is read once and applied to every token while it is in cache, so the weights stream
 * from memory once per batch rather than once per token.
 *
 * <p>With {@link ActivationPrecision#Q8} the inputs are quantized to 8 bits once per call (on the
 * calling thread) and weight types with an 8-bit kernel use it; other types use floats.
 */
public final class MatMul {
    private static final int ROW_GRAIN = 16;
    /**
     * From this many tokens on, rows are dequantized once and multiplied as floats ({@link TiledMatMul}).
     * The system property {@code flash4j.tiledMinBatch} overrides it (to measure the crossover).
     */
    static final int TILED_MIN_BATCH = Integer.getInteger("flash4j.tiledMinBatch", 8);
    /**
     * The same for matrices with an interleaved copy, whose small-batch kernels decode each quant
     * once per pass of up to 4 tokens ({@link InterleavedRows#dotTokens}); property
     * {@code flash4j.tiledMinBatchInterleaved}. Measured on Zen 4 (one thread, 8192 x 4096, ms per
     * product, small path vs tiled): Q4_K 8 tokens 9.2 vs 9.7, 11: 12.8 vs 14.6, 12: 13.5 vs 13.1,
     * 16: 18.0 vs 16.4; Q6_K 8: 10.4 vs 11.2, 11: 13.7 vs 16.8, 12: 14.9 vs 14.8, 16: 19.4 vs 18.0.
     */
    static final int TILED_MIN_BATCH_INTERLEAVED = Integer.getInteger("flash4j.tiledMinBatchInterleaved", 12);

    /** The calling thread's reusable 8-bit activation buffer (grown on demand, no state between calls). */
    private static final ThreadLocal<Q8Activations[]> Q8_BUFFER = ThreadLocal.withInitial(() -> new Q8Activations[1]);

    private MatMul() {}

    /** {@code out = W x} for one vector. */
    public static void matvec(WorkerPool pool, WeightMatrix w, float[] x, float[] out) {
        matmul(pool, w, x, 1, out);
    }

    /** {@code out[b] = W x[b]} for {@code batch} vectors. */
    public static void matmul(WorkerPool pool, WeightMatrix w, float[] x, int batch, float[] out) {
        matmul(pool, w, x, batch, out, 0);
    }

    /** {@code out[outOff + b*rows ..] = W x[b]} for {@code batch} vectors, with float activations. */
    public static void matmul(WorkerPool pool, WeightMatrix w, float[] x, int batch, float[] out, int outOff) {
        matmul(pool, w, x, batch, out, outOff, ActivationPrecision.F32);
    }

    /** {@code out[outOff + b*rows ..] = W x[b]} for {@code batch} vectors, activations as {@code p} says. */
    public static void matmul(WorkerPool pool, WeightMatrix w, float[] x, int batch, float[] out, int outOff, ActivationPrecision p) {
        int rows = w.rows(), cols = w.cols();
        if (tiled(w, batch, p)) {
            int[] xOffs = new int[batch];
            for (int b = 0; b < batch; b++) xOffs[b] = b * cols;
            tiled(pool, w, x, xOffs, out, outOff, rows);
            return;
        }
        if (w.interleaved() != null) {
            int[] xOffs = new int[batch];
            for (int b = 0; b < batch; b++) xOffs[b] = b * cols;
            interleaved(pool, w, x, xOffs, out, outOff, rows, p);
            return;
        }
        if (p == ActivationPrecision.Q8 && w.format() instanceof Q8DotFormat f) {
            Q8Activations a = q8Buffer(batch * cols).quantize(x, 0, batch * cols);
            pool.parallelFor(rows, ROW_GRAIN, (start, end) -> {
                for (int r = start; r < end; r++) {
                    long off = r * w.rowBytes();
                    for (int b = 0; b < batch; b++) out[outOff + b * rows + r] = f.dotQ8(w.data(), off, a, b * cols, cols);
                }
            });
            return;
        }
        pool.parallelFor(rows, ROW_GRAIN, (start, end) -> {
            for (int r = start; r < end; r++) {
                for (int b = 0; b < batch; b++) out[outOff + b * rows + r] = w.dotRow(r, x, b * cols);
            }
        });
    }

    /** Like {@link #matmul} on a caller-chosen subset of the batch: tokens {@code x[sel[i]]} into {@code out[i]}. */
    public static void matmulRows(WorkerPool pool, WeightMatrix w, float[] x, int xStride, int[] sel, int count, float[] out, int outStride) {
        matmulRows(pool, w, x, xStride, sel, count, out, outStride, ActivationPrecision.F32);
    }

    /** {@link #matmulRows} with activations as {@code p} says. */
    public static void matmulRows(WorkerPool pool, WeightMatrix w, float[] x, int xStride, int[] sel, int count, float[] out, int outStride, ActivationPrecision p) {
        int rows = w.rows(), cols = w.cols();
        if (tiled(w, count, p)) {
            int[] xOffs = new int[count];
            for (int i = 0; i < count; i++) xOffs[i] = sel[i] * xStride;
            tiled(pool, w, x, xOffs, out, 0, outStride);
            return;
        }
        if (w.interleaved() != null) {
            int[] xOffs = new int[count];
            for (int i = 0; i < count; i++) xOffs[i] = sel[i] * xStride;
            interleaved(pool, w, x, xOffs, out, 0, outStride, p);
            return;
        }
        if (p == ActivationPrecision.Q8 && w.format() instanceof Q8DotFormat f) {
            Q8Activations a = q8Buffer(count * cols);
            a.quantizeRows(x, xStride, sel, count, cols);
            pool.parallelFor(rows, ROW_GRAIN, (start, end) -> {
                for (int r = start; r < end; r++) {
                    long off = r * w.rowBytes();
                    for (int i = 0; i < count; i++) out[i * outStride + r] = f.dotQ8(w.data(), off, a, i * cols, cols);
                }
            });
            return;
        }
        pool.parallelFor(rows, ROW_GRAIN, (start, end) -> {
            for (int r = start; r < end; r++) {
                for (int i = 0; i < count; i++) out[i * outStride + r] = w.dotRow(r, x, sel[i] * xStride);
            }
        });
    }

    /**
     * Whether {@code tokens} tokens on {@code w} with activations {@code p} take the tiled path. The
     * later threshold is for the float multi-token kernels; 8-bit activations on an interleaved
     * matrix still go one token at a time, so they keep the earlier one.
     */
    static boolean tiled(WeightMatrix w, int tokens, ActivationPrecision p) {
        InterleavedRows iw = w.interleaved();
        boolean multiToken = iw != null && !(p == ActivationPrecision.Q8 && iw.supportsQ8());
        return tokens >= (multiToken ? TILED_MIN_BATCH_INTERLEAVED : TILED_MIN_BATCH) && TiledMatMul.fits(w.cols());
    }

    /**
     * Prompt-sized batches: float activations whatever the precision asked (arithmetic-bound, see
     * {@link TiledMatMul}). Interleaved matrices go by groups of 16 rows (the index after the last
     * group stands for the rows after the whole groups); others by row tiles.
     */
    private static void tiled(WorkerPool pool, WeightMatrix w, float[] x, int[] xOffs, float[] out, int outOff, int outStride) {
        InterleavedRows iw = w.interleaved();
        if (iw != null) {
            int groups = iw.groups();
            pool.parallelFor(groups + 1, 1, (start, end) -> {
                TiledMatMul.groups(iw, w.cols(), x, xOffs, xOffs.length, out, outOff, outStride, start, Math.min(end, groups));
                if (end > groups) TiledMatMul.rows(w, x, xOffs, xOffs.length, out, outOff, outStride, groups * InterleavedRows.GROUP, w.rows());
            });
            return;
        }
        pool.parallelFor(w.rows(), TiledMatMul.TILE_ROWS, (start, end) ->
                TiledMatMul.rows(w, x, xOffs, xOffs.length, out, outOff, outStride, start, end));
    }

    /**
     * Small batches on an interleaved matrix: whole groups of 16 rows through the interleaved
     * kernels, the rows after the last whole group through the row kernels.
     */
    private static void interleaved(WorkerPool pool, WeightMatrix w, float[] x, int[] xOffs, float[] out, int outOff, int outStride, ActivationPrecision p) {
        InterleavedRows iw = w.interleaved();
        int cols = w.cols(), tokens = xOffs.length, groups = iw.groups(), g = InterleavedRows.GROUP;
        Q8Activations a = null;
        if (p == ActivationPrecision.Q8 && iw.supportsQ8()) {
            a = q8Buffer(tokens * cols);
            a.quantizeRows(x, 1, xOffs, tokens, cols);
            a.repeat16();
        }
        Q8Activations q8 = a;
        float[] sums = q8 == null ? new float[tokens * (cols / 32)] : null;
        if (sums != null) for (int t = 0; t < tokens; t++) InterleavedRows.sums32(x, xOffs[t], cols, sums, t * (cols / 32));
        pool.parallelFor(groups + 1, 1, (start, end) -> {
            int gEnd = Math.min(end, groups);
            if (q8 == null && tokens > 1) {
                // each group's quants are decoded once per pass of several tokens
                iw.dotTokens(start, gEnd, x, xOffs, tokens, sums, cols / 32, out, outOff, outStride);
            } else for (int gi = start; gi < gEnd; gi++) {
                // group-major: a group's weights (37 KB for 4096 Q4_K columns) stay in cache for all tokens
                for (int t = 0; t < tokens; t++) {
                    int o = outOff + t * outStride;
                    if (q8 != null) iw.dotQ8(gi, gi + 1, q8, t * cols, out, o);
                    else iw.dot(gi, gi + 1, x, xOffs[t], sums, t * (cols / 32), out, o);
                }
            }
            if (end > groups) { // the last index stands for the rows after the whole groups
                for (int t = 0; t < tokens; t++) {
                    int o = outOff + t * outStride;
                    for (int r = groups * g; r < w.rows(); r++) {
                        out[o + r] = q8 != null && w.format() instanceof Q8DotFormat f
                                ? f.dotQ8(w.data(), r * w.rowBytes(), q8, t * cols, cols)
                                : w.dotRow(r, x, xOffs[t]);
                    }
                }
            }
        });
    }

    private static Q8Activations q8Buffer(int values) {
        Q8Activations[] slot = Q8_BUFFER.get();
        if (slot[0] == null || slot[0].capacity() < values) slot[0] = new Q8Activations(values);
        return slot[0];
    }
}
