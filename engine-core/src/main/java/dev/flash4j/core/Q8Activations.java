package dev.flash4j.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An activation vector quantized to 8 bits the way llama.cpp feeds its quantized dot products:
 * blocks of 32 values, each with a float scale {@code d = max|x| / 127} and int8 quants
 * {@code q = round(x / d)} (half to even), plus the sum of each block's quants (the min terms of
 * Q4_K need it). One instance is a reusable buffer: {@link #quantize} overwrites it, so a thread
 * quantizes its input once and then runs {@link Q8DotFormat#dotQ8} over many weight rows.
 * Not thread-safe while being (re)quantized; read-only use from many threads is fine.
 */
public final class Q8Activations {
    public static final int BLOCK = 32;

    final byte[] q;
    final float[] d;
    final int[] sums;
    /** {@link #ensureRep16}'s result: {@code rep16[16*i + k] = q[i]} for k < 16. */
    short[] rep16 = new short[0];
    /**
     * {@link #ensurePairs}'s result: {@code pairs[i]} holds quants {@code 2i} (low
     * 16 bits) and {@code 2i+1} (high 16 bits) as shorts, for the 512-bit K-quant kernels, which
     * broadcast it and spread it with {@link Wide#PAIR_SPREAD}. Reading 32 lanes of {@link #rep16}
     * instead (128 KB for 4096 columns, so from L2: for Q4_K two 64-byte loads per 256 weights) held
     * the Q6_K kernel at 33-35 GB/s against 41-44 (Zen 5, 2 threads).
     */
    int[] pairs = new int[0];
    private int length;
    /** Whether {@link #rep16} and {@link #pairs} hold the current quants (a new quantization clears both). */
    private boolean rep16Filled, pairsFilled;

    /** A buffer for up to {@code capacity} values (a multiple of 32). */
    public Q8Activations(int capacity) {
        if (capacity % BLOCK != 0) throw new IllegalArgumentException("capacity " + capacity + " is not a multiple of " + BLOCK);
        q = new byte[capacity];
        d = new float[capacity / BLOCK];
        sums = new int[capacity / BLOCK];
    }

    /** Quantizes {@code x[off .. off+n)} into this buffer ({@code n} a multiple of 32). */
    public Q8Activations quantize(float[] x, int off, int n) {
        if (n % BLOCK != 0 || n > q.length) throw new IllegalArgumentException(n + " values do not fit blocks of " + BLOCK + " in a buffer of " + q.length);
        quantizeBlocks(x, off, 0, n);
        length = n;
        rep16Filled = pairsFilled = false;
        return this;
    }

    /**
     * Quantizes {@code x[off .. off+n)} into values {@code [to, to+n)} (all multiples of 32 but off).
     * Vectorized, {@link Wide#L} values per vector: written as scalar code, quantizing and
     * filling {@link #rep16} took about 1.8 ns per value, as long as the kernel needs for 64 rows
     * of that column. Rounding is half to even, as {@link Math#rint}: adding and subtracting
     * 1.5 * 2^23 rounds any |v| < 2^22 to an integer in the FPU's default mode, and here |v| <= 127.
     */
    private void quantizeBlocks(float[] x, int off, int to, int n) {
        for (int b = to / BLOCK; b < (to + n) / BLOCK; b++) {
            int xo = off + b * BLOCK - to;
            FloatVector m = FloatVector.zero(Wide.F);
            for (int j = 0; j < BLOCK; j += Wide.L) m = m.max(FloatVector.fromArray(Wide.F, x, xo + j).abs());
            float amax = m.reduceLanes(VectorOperators.MAX);
            float scale = amax / 127;
            float inv = scale != 0 ? 1 / scale : 0;
            IntVector sum = IntVector.zero(Wide.I);
            for (int j = 0; j < BLOCK; j += Wide.L) {
                IntVector v = (IntVector) FloatVector.fromArray(Wide.F, x, xo + j).mul(inv).add(ROUNDER).sub(ROUNDER).convert(VectorOperators.F2I, 0);
                v.convertShape(VectorOperators.I2B, Wide.B, 0).reinterpretAsBytes().intoArray(q, b * BLOCK + j);
                sum = sum.add(v);
            }
            d[b] = scale;
            sums[b] = sum.reduceLanes(VectorOperators.ADD);
        }
    }

    /** 1.5 * 2^23: see {@link #quantizeBlocks}. */
    private static final float ROUNDER = 12582912f;

    /**
     * Quantizes {@code count} vectors of {@code n} values, vector {@code i} read from
     * {@code x[sel[i] * stride ..]}, into consecutive runs {@code [i*n, (i+1)*n)} of this buffer.
     */
    public Q8Activations quantizeRows(float[] x, int stride, int[] sel, int count, int n) {
        if (n % BLOCK != 0 || (long) n * count > q.length) throw new IllegalArgumentException(count + " x " + n + " values do not fit blocks of " + BLOCK + " in a buffer of " + q.length);
        for (int i = 0; i < count; i++) quantizeBlocks(x, sel[i] * stride, i * n, n);
        length = n * count;
        rep16Filled = pairsFilled = false;
        return this;
    }

    /**
     * Lays the quants out the way {@code iw}'s 8-bit kernels read them: {@link #rep16} where it
     * reads that ({@link InterleavedRows#readsRep16}), else {@link #pairs}. Each is made once per
     * quantization, so products sharing one call this each.
     */
    void spreadFor(InterleavedRows iw) {
        if (iw.readsRep16()) ensureRep16();
        else ensurePairs();
    }

    /** Fills {@link #pairs} for the quants now held, unless done since the last quantization (2 bytes per value). */
    void ensurePairs() {
        if (pairsFilled) return;
        if (pairs.length < q.length / 2) pairs = new int[q.length / 2];
        for (int i = 0; i < length / 2; i++) pairs[i] = (q[2 * i] & 0xFFFF) | q[2 * i + 1] << 16;
        pairsFilled = true;
    }

    /**
     * Fills {@link #rep16} for the quants now held, unless done since the last quantization.
     * Written only for the kernels that read it, as it is 32 bytes per value (128 KB for 4096), and
     * on 512-bit vectors only Q8_0's kernel reads it.
     */
    void ensureRep16() {
        if (rep16Filled) return;
        if (rep16.length < 16 * length) rep16 = new short[16 * q.length];
        // one 16-lane vector store per value
        for (int i = 0; i < length; i++) ShortVector.broadcast(ShortVector.SPECIES_256, q[i]).intoArray(rep16, 16 * i);
        rep16Filled = true;
    }

    /** Values this buffer holds at most. */
    public int capacity() { return q.length; }

    /** Number of quantized values. */
    public int length() { return length; }

    /** Value {@code i} as the dot kernels see it: {@code d[i/32] * q[i]}. */
    public float value(int i) {
        if (i >= length) throw new IndexOutOfBoundsException(i + " >= " + length);
        return d[i / BLOCK] * q[i];
    }
}
