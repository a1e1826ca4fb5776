package dev.flash4j.core;

/**
 * Matrix products of mapped weights with activations, parallel over output rows.
 *
 * <p>Activations are flat row-major arrays: token {@code b}'s input vector is
 * {@code x[b*cols .. (b+1)*cols)}, its output {@code out[b*rows .. (b+1)*rows)}. For a batch, each
 * weight row is read once and applied to every token while it is in cache, so the weights stream
 * from memory once per batch rather than once per token.
 *
 * <p>Where the precision asks for 8 bits ({@link ActivationPrecision#eightBit(WeightMatrix, int)}:
 * one token, or a pass of a few on a matrix with 8-bit pass kernels) the inputs are quantized once
 * per call (on the calling thread) and weight types with an 8-bit kernel use it; other types use floats.
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
    /**
     * From this many tokens on, a matrix without an interleaved copy goes by groups of 16 rows
     * turned into column-major tiles ({@link RowTiles}) through the outer-product kernels, rather
     * than by row-major tiles; property {@code flash4j.rowTilesMinBatch}. Measured on the Intel VM
     * (Q8_0 1024 x 4096, 2 threads, time by groups over time by row tiles, median of 10
     * alternations): 16 tokens 1.47-1.80, 32: 0.99, 48: 0.92, 64: 0.84, 256: 0.65.
     */
    static final int ROW_TILES_MIN_BATCH = Integer.getInteger("flash4j.rowTilesMinBatch", 48);

    /** The calling thread's reusable loop bodies and scratch arrays (see {@link Loops}). */
    private static final ThreadLocal<Loops> LOOPS = ThreadLocal.withInitial(Loops::new);

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
        Loops loops = LOOPS.get();
        int[] xOffs = loops.xOffsets(batch);
        for (int b = 0; b < batch; b++) xOffs[b] = b * cols;
        if (tiled(w, batch, p)) {
            tiled(pool, loops, w, x, xOffs, batch, out, outOff, rows);
            return;
        }
        if (w.interleaved() != null) {
            interleaved(pool, loops, w, x, xOffs, batch, out, outOff, rows, p);
            return;
        }
        if (p.eightBit(w) && w.format() instanceof Q8DotFormat f) {
            Q8Activations a = loops.q8(batch * cols).quantize(x, 0, batch * cols);
            run(pool, rows, ROW_GRAIN, loops.q8Rows.set(w, f, a, batch, out, outOff, rows));
            return;
        }
        run(pool, rows, ROW_GRAIN, loops.floatRows.set(w, x, xOffs, batch, out, outOff, rows));
    }

    /** Like {@link #matmul} on a caller-chosen subset of the batch: tokens {@code x[sel[i]]} into {@code out[i]}. */
    public static void matmulRows(WorkerPool pool, WeightMatrix w, float[] x, int xStride, int[] sel, int count, float[] out, int outStride) {
        matmulRows(pool, w, x, xStride, sel, count, out, outStride, ActivationPrecision.F32);
    }

    /** {@link #matmulRows} with activations as {@code p} says. */
    public static void matmulRows(WorkerPool pool, WeightMatrix w, float[] x, int xStride, int[] sel, int count, float[] out, int outStride, ActivationPrecision p) {
        int rows = w.rows(), cols = w.cols();
        Loops loops = LOOPS.get();
        int[] xOffs = loops.xOffsets(count);
        for (int i = 0; i < count; i++) xOffs[i] = sel[i] * xStride;
        if (tiled(w, count, p)) {
            tiled(pool, loops, w, x, xOffs, count, out, 0, outStride);
            return;
        }
        if (w.interleaved() != null) {
            interleaved(pool, loops, w, x, xOffs, count, out, 0, outStride, p);
            return;
        }
        if (p.eightBit(w) && w.format() instanceof Q8DotFormat f) {
            Q8Activations a = loops.q8(count * cols);
            a.quantizeRows(x, xStride, sel, count, cols);
            run(pool, rows, ROW_GRAIN, loops.q8Rows.set(w, f, a, count, out, 0, outStride));
            return;
        }
        run(pool, rows, ROW_GRAIN, loops.floatRows.set(w, x, xOffs, count, out, 0, outStride));
    }

    /**
     * Whether {@code tokens} tokens on {@code w} with activations {@code p} take the tiled path. The
     * later threshold is for the float multi-token kernels; the 8-bit passes of an interleaved
     * matrix ({@link InterleavedRows#eightBitPasses}) keep the earlier one.
     */
    static boolean tiled(WeightMatrix w, int tokens, ActivationPrecision p) {
        InterleavedRows iw = w.interleaved();
        boolean multiToken = iw != null && !p.eightBit(w, tokens);
        return tokens >= (multiToken ? TILED_MIN_BATCH_INTERLEAVED : TILED_MIN_BATCH) && TiledMatMul.fits(w.cols());
    }

    /**
     * Prompt-sized batches: float activations whatever the precision asked (arithmetic-bound, see
     * {@link TiledMatMul}). Interleaved matrices, and others from {@link #ROW_TILES_MIN_BATCH} tokens
     * on, go by groups of 16 rows (the index after the last group stands for the rows after the
     * whole groups); others by row tiles.
     */
    private static void tiled(WorkerPool pool, Loops loops, WeightMatrix w, float[] x, int[] xOffs, int tokens, float[] out, int outOff, int outStride) {
        InterleavedRows iw = w.interleaved();
        if (iw == null && tokens < ROW_TILES_MIN_BATCH) {
            run(pool, w.rows(), TiledMatMul.TILE_ROWS, loops.tiled.set(w, x, xOffs, tokens, out, outOff, outStride, null, false));
            return;
        }
        float[] blocks = null; // the outer-product kernel reads whole blocks of 8 tokens interleaved
        if (tokens >= 8) {
            blocks = loops.tokenBlocks(tokens / 8 * 8 * w.cols());
            run(pool, tokens / 8, 1, loops.interleave.set(x, xOffs, w.cols(), blocks));
        }
        // by pairs of groups, so that no chunk but the last has an odd group (the kernel takes two at a time)
        int groups = iw != null ? iw.groups() : w.rows() / InterleavedRows.GROUP;
        run(pool, (groups + 1) / 2 + 1, 1, loops.tiled.set(w, x, xOffs, tokens, out, outOff, outStride, blocks, true));
    }

    /**
     * Small batches on an interleaved matrix: whole groups of 16 rows through the interleaved
     * kernels, the rows after the last whole group through the row kernels.
     */
    private static void interleaved(WorkerPool pool, Loops loops, WeightMatrix w, float[] x, int[] xOffs, int tokens, float[] out, int outOff, int outStride, ActivationPrecision p) {
        InterleavedRows iw = w.interleaved();
        int cols = w.cols(), groups = iw.groups();
        Q8Activations q8 = null;
        if (p.eightBit(w, tokens)) {
            q8 = loops.q8(tokens * cols);
            q8.quantizeRows(x, 1, xOffs, tokens, cols);
            q8.spreadFor(iw);
        }
        float[] sums = q8 == null ? loops.sums(tokens * (cols / 32)) : null;
        if (sums != null) for (int t = 0; t < tokens; t++) InterleavedRows.sums32(x, xOffs[t], cols, sums, t * (cols / 32));
        InterleavedLoop loop = loops.interleaved.set(w, x, xOffs, tokens, out, outOff, outStride, q8, sums);
        run(pool, (groups + loop.groupsPerIndex() - 1) / loop.groupsPerIndex() + 1, 1, loop);
    }

    /** Runs {@code loop} over {@code [0, n)} on the pool, then drops its references (see {@link Loops}). */
    private static void run(WorkerPool pool, int n, int grain, Loop loop) {
        try {
            pool.parallelFor(n, grain, loop);
        } finally {
            loop.clear();
        }
    }

    /**
     * The calling thread's loop bodies, one reusable object per kind of parallel loop, and the
     * scratch arrays a product prepares before its loop (token offsets, block sums, 8-bit
     * activations), grown on demand and never shrunk.
     *
     * <p>Why objects and not lambdas: a lambda that captures a call's arguments is a new object per
     * call, and the pool stores it in a field for its workers, so it always escapes: 40 bytes per
     * product, some 80 products per decoded token. The pool runs one loop at a time and the caller
     * waits for its end, so one object per loop kind per calling thread is enough: its fields are
     * set before the loop (workers see them through the pool's volatile publication of the loop)
     * and cleared after, so a finished call keeps no arrays or weights reachable. Per thread, not
     * static: sessions on different threads never share one.
     */
    private static final class Loops {
        final FloatRowsLoop floatRows = new FloatRowsLoop();
        final Q8RowsLoop q8Rows = new Q8RowsLoop();
        final TiledLoop tiled = new TiledLoop();
        final InterleaveLoop interleave = new InterleaveLoop();
        final InterleavedLoop interleaved = new InterleavedLoop();
        private int[] xOffsets = new int[0];
        private float[] sums = new float[0];
        private Q8Activations q8;
        private float[] tokenBlocks = new float[0];

        /** Room for {@code n} interleaved activations ({@link TiledMatMul#interleaveTokens}). */
        float[] tokenBlocks(int n) {
            if (tokenBlocks.length < n) tokenBlocks = new float[n];
            return tokenBlocks;
        }

        /** Room for the input offsets of {@code tokens} tokens. */
        int[] xOffsets(int tokens) {
            if (xOffsets.length < tokens) xOffsets = new int[tokens];
            return xOffsets;
        }

        /** Room for {@code n} block sums ({@link InterleavedRows#sums32}). */
        float[] sums(int n) {
            if (sums.length < n) sums = new float[n];
            return sums;
        }

        /** An 8-bit activation buffer for at least {@code values} values. */
        Q8Activations q8(int values) {
            if (q8 == null || q8.capacity() < values) q8 = new Q8Activations(values);
            return q8;
        }
    }

    /** A reusable loop body: {@link #clear} drops the references the last call set. */
    private abstract static sealed class Loop implements WorkerPool.RangeTask permits ProductLoop, Q8RowsLoop, InterleaveLoop {
        abstract void clear();
    }

    /**
     * {@link TiledMatMul#interleaveTokens} over blocks of 8 tokens {@code [start, end)}: spread over
     * the pool rather than done by the calling thread while the others wait (1-2% of a 512-token
     * prompt, one pass per product).
     */
    private static final class InterleaveLoop extends Loop {
        float[] x, blocks;
        int[] xOffs;
        int cols;

        InterleaveLoop set(float[] x, int[] xOffs, int cols, float[] blocks) {
            this.x = x;
            this.xOffs = xOffs;
            this.cols = cols;
            this.blocks = blocks;
            return this;
        }

        @Override
        public void run(int start, int end) {
            TiledMatMul.interleaveTokens(x, xOffs, start, end, cols, blocks);
        }

        @Override
        void clear() {
            x = blocks = null;
            xOffs = null;
        }
    }

    /** A loop over one product with float inputs: the matrix, the tokens' inputs and where their outputs go. */
    private abstract static sealed class ProductLoop extends Loop permits FloatRowsLoop, TiledLoop, InterleavedLoop {
        WeightMatrix w;
        float[] x, out;
        int[] xOffs;
        int tokens, outOff, outStride;

        final void setProduct(WeightMatrix w, float[] x, int[] xOffs, int tokens, float[] out, int outOff, int outStride) {
            this.w = w;
            this.x = x;
            this.xOffs = xOffs;
            this.tokens = tokens;
            this.out = out;
            this.outOff = outOff;
            this.outStride = outStride;
        }

        @Override
        void clear() {
            w = null;
            x = out = null;
            xOffs = null;
        }
    }

    /** Output rows {@code [start, end)} of {@code out[outOff + t*outStride + r] = dot(row r, x[xOffs[t] ..])}, row kernels. */
    private static final class FloatRowsLoop extends ProductLoop {
        FloatRowsLoop set(WeightMatrix w, float[] x, int[] xOffs, int tokens, float[] out, int outOff, int outStride) {
            setProduct(w, x, xOffs, tokens, out, outOff, outStride);
            return this;
        }

        @Override
        public void run(int start, int end) {
            for (int r = start; r < end; r++) {
                for (int t = 0; t < tokens; t++) out[outOff + t * outStride + r] = w.dotRow(r, x, xOffs[t]);
            }
        }
    }

    /** As {@link FloatRowsLoop} with 8-bit activations: token {@code t} is {@code a[t*cols ..]}. */
    private static final class Q8RowsLoop extends Loop {
        private WeightMatrix w;
        private Q8DotFormat f;
        private Q8Activations a;
        private float[] out;
        private int tokens, outOff, outStride;

        Q8RowsLoop set(WeightMatrix w, Q8DotFormat f, Q8Activations a, int tokens, float[] out, int outOff, int outStride) {
            this.w = w;
            this.f = f;
            this.a = a;
            this.tokens = tokens;
            this.out = out;
            this.outOff = outOff;
            this.outStride = outStride;
            return this;
        }

        @Override
        public void run(int start, int end) {
            int cols = w.cols();
            for (int r = start; r < end; r++) {
                long off = r * w.rowBytes();
                for (int t = 0; t < tokens; t++) out[outOff + t * outStride + r] = f.dotQ8(w.data(), off, a, t * cols, cols);
            }
        }

        @Override
        void clear() {
            w = null;
            f = null;
            a = null;
            out = null;
        }
    }

    /**
     * {@link TiledMatMul} over index range {@code [start, end)}: pairs of groups of 16 rows (of the
     * interleaved copy, or made from the rows by {@link RowTiles}; the index after the last pair
     * stands for the rows after the whole groups), or row tiles.
     */
    private static final class TiledLoop extends ProductLoop implements TiledMatMul.GroupTiles {
        /** The tokens' activations in interleaved blocks of 8 ({@link TiledMatMul#interleaveTokens}), or null. */
        float[] blocks;

        /** Whether the loop runs over groups of 16 rows (else over rows, by row tiles). */
        boolean byGroups;

        TiledLoop set(WeightMatrix w, float[] x, int[] xOffs, int tokens, float[] out, int outOff, int outStride, float[] blocks, boolean byGroups) {
            setProduct(w, x, xOffs, tokens, out, outOff, outStride);
            this.blocks = blocks;
            this.byGroups = byGroups;
            return this;
        }

        @Override
        void clear() {
            super.clear();
            blocks = null;
        }

        @Override
        public void run(int start, int end) {
            if (!byGroups) {
                TiledMatMul.rows(w, x, xOffs, tokens, out, outOff, outStride, start, end);
                return;
            }
            InterleavedRows iw = w.interleaved();
            int groups = iw != null ? iw.groups() : w.rows() / InterleavedRows.GROUP, pairs = (groups + 1) / 2;
            // index i: groups 2i and 2i+1; the index after the last pair: the rows after the whole groups
            TiledMatMul.groups(iw != null ? iw : this, w.cols(), x, xOffs, tokens, blocks, out, outOff, outStride, Math.min(2 * start, groups), Math.min(2 * end, groups));
            if (end > pairs) TiledMatMul.rows(w, x, xOffs, tokens, out, outOff, outStride, groups * InterleavedRows.GROUP, w.rows());
        }

        /** The tiles of a matrix without an interleaved copy, made from its rows. */
        @Override
        public void dequantizeGroup(int g, float[] tile) {
            RowTiles.dequantizeGroup(w, g, tile);
        }
    }

    /**
     * Groups {@code [start, end)} of an interleaved matrix for a small batch (the index after the
     * last group stands for the rows after the whole groups); 8-bit activations when {@code q8} is
     * set, else floats with their block sums.
     */
    private static final class InterleavedLoop extends ProductLoop {
        private InterleavedRows iw;
        private float[] sums;
        private Q8Activations q8;

        /**
         * Groups per loop index: for one token, {@link InterleavedKQuant#QUAD} (its kernels take
         * four units at a time, and a chunk that ended within a quad would leave groups to the
         * one-group kernel); 1 otherwise.
         */
        int groupsPerIndex() {
            return tokens == 1 ? InterleavedKQuant.QUAD : 1;
        }

        InterleavedLoop set(WeightMatrix w, float[] x, int[] xOffs, int tokens, float[] out, int outOff, int outStride,
                            Q8Activations q8, float[] sums) {
            setProduct(w, x, xOffs, tokens, out, outOff, outStride);
            this.iw = w.interleaved();
            this.q8 = q8;
            this.sums = sums;
            return this;
        }

        @Override
        public void run(int startIndex, int endIndex) {
            int cols = w.cols(), groups = iw.groups(), g = InterleavedRows.GROUP;
            int perIndex = groupsPerIndex(), groupIndexes = (groups + perIndex - 1) / perIndex; // the indexes that stand for whole groups
            int start = Math.min(startIndex * perIndex, groups), gEnd = Math.min(endIndex * perIndex, groups);
            boolean rest = endIndex > groupIndexes; // the last index stands for the rows after the whole groups
            iw.products(start, gEnd, x, xOffs, tokens, sums, cols / 32, q8, cols, out, outOff, outStride);
            if (rest) {
                for (int t = 0; t < tokens; t++) {
                    int o = outOff + t * outStride;
                    for (int r = groups * g; r < w.rows(); r++) {
                        out[o + r] = q8 != null && w.format() instanceof Q8DotFormat f
                                ? f.dotQ8(w.data(), r * w.rowBytes(), q8, t * cols, cols)
                                : w.dotRow(r, x, xOffs[t]);
                    }
                }
            }
        }

        @Override
        void clear() {
            super.clear();
            iw = null;
            sums = null;
            q8 = null;
        }
    }
}
