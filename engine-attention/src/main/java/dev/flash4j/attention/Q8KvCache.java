package dev.flash4j.attention;

import dev.flash4j.core.VectorOps;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Keys and values as 8-bit integers with one scale per block of 32 values: ggml's q8_0 scheme
 * ({@code d = max|x| / 127} rounded to f16, {@code q = round(x / d)}), so results track
 * llama.cpp's q8_0 cache. A head of {@code headDim} values holds {@code headDim / 32} blocks
 * (head dims that are not a multiple of 32 use one block for the tail).
 */
final class Q8KvCache extends LayerKvCache {
    static final int BLOCK = 32;
    /** Widening shape: 16 lanes where the CPU has 512-bit vectors (half the conversions of 8), else 8; both divide a block. */
    private static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> WIDE_BYTES = WIDE.length() == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    private final byte[] keys;
    private final byte[] values;
    private final float[] keyScales;
    private final float[] valueScales;
    private final int blocksPerRow;

    Q8KvCache(int kvHeads, int headDim, int capacity) {
        super(kvHeads, headDim, capacity);
        this.keys = new byte[Math.multiplyExact(capacity, rowValues)];
        this.values = new byte[keys.length];
        int blocksPerHead = (headDim + BLOCK - 1) / BLOCK;
        this.blocksPerRow = kvHeads * blocksPerHead;
        this.keyScales = new float[Math.multiplyExact(capacity, blocksPerRow)];
        this.valueScales = new float[keyScales.length];
    }

    private int blocksPerHead() {
        return blocksPerRow / kvHeads;
    }

    /** Index of head {@code head}'s first block scale in slot {@code slot}, in the layout of {@link #offset}. */
    private int scaleOffset(int slot, int head) {
        return (head * capacity + slot) * blocksPerHead();
    }

    @Override
    public void store(int pos, float[] k, int kOff, float[] v, int vOff) {
        int s = slot(pos);
        for (int h = 0; h < kvHeads; h++) {
            quantizeHead(k, kOff + h * headDim, keys, offset(s, h), keyScales, scaleOffset(s, h));
            quantizeHead(v, vOff + h * headDim, values, offset(s, h), valueScales, scaleOffset(s, h));
        }
    }

    private void quantizeHead(float[] x, int xOff, byte[] q, int qOff, float[] scales, int sOff) {
        for (int b = 0, i0 = 0; i0 < headDim; b++, i0 += BLOCK) {
            int len = Math.min(BLOCK, headDim - i0);
            float amax = 0;
            for (int i = 0; i < len; i++) amax = Math.max(amax, Math.abs(x[xOff + i0 + i]));
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            scales[sOff + b] = Float.float16ToFloat(Float.floatToFloat16(d));
            for (int i = 0; i < len; i++) q[qOff + i0 + i] = (byte) roundHalfAway(x[xOff + i0 + i] * id);
        }
    }

    /** C's roundf: halves round away from zero (Math.round would round -2.5 to -2). */
    static int roundHalfAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs(v) + 0.5f), v);
    }

    @Override
    public float dotKey(int pos, int head, float[] q, int qOff) {
        int s = slot(pos);
        int base = offset(s, head);
        int sBase = scaleOffset(s, head);
        float total = 0;
        for (int b = 0, i0 = 0; i0 < headDim; b++, i0 += BLOCK) {
            int len = Math.min(BLOCK, headDim - i0);
            float acc = 0;
            int i = 0;
            if (len == BLOCK) {
                FloatVector v = VectorOps.bytesToFloats(keys, base + i0).mul(FloatVector.fromArray(VectorOps.F8, q, qOff + i0));
                for (i = 8; i < BLOCK; i += 8) {
                    v = VectorOps.bytesToFloats(keys, base + i0 + i).fma(FloatVector.fromArray(VectorOps.F8, q, qOff + i0 + i), v);
                }
                acc = v.reduceLanes(VectorOperators.ADD);
            }
            for (; i < len; i++) acc += keys[base + i0 + i] * q[qOff + i0 + i];
            total += acc * keyScales[sBase + b];
        }
        return total;
    }

    @Override
    public void addValue(int pos, int head, float w, float[] out, int outOff) {
        int s = slot(pos);
        int base = offset(s, head);
        int sBase = scaleOffset(s, head);
        for (int b = 0, i0 = 0; i0 < headDim; b++, i0 += BLOCK) {
            int len = Math.min(BLOCK, headDim - i0);
            float ws = w * valueScales[sBase + b];
            int i = 0;
            if (len == BLOCK) {
                FloatVector wv = FloatVector.broadcast(VectorOps.F8, ws);
                for (; i < BLOCK; i += 8) {
                    VectorOps.bytesToFloats(values, base + i0 + i).fma(wv, FloatVector.fromArray(VectorOps.F8, out, outOff + i0 + i)).intoArray(out, outOff + i0 + i);
                }
            }
            for (; i < len; i++) out[outOff + i0 + i] += ws * values[base + i0 + i];
        }
    }

    @Override
    protected void readKeySlot(int slot, int head, float[] dst, int dstOff) {
        widen(keys, keyScales, slot, head, dst, dstOff);
    }

    @Override
    protected void readValueSlot(int slot, int head, float[] dst, int dstOff) {
        widen(values, valueScales, slot, head, dst, dstOff);
    }

    private void widen(byte[] q, float[] scales, int s, int head, float[] dst, int dstOff) {
        int base = offset(s, head);
        int sBase = scaleOffset(s, head);
        for (int b = 0, i0 = 0; i0 < headDim; b++, i0 += BLOCK) {
            int len = Math.min(BLOCK, headDim - i0);
            float d = scales[sBase + b];
            int i = 0;
            if (len == BLOCK) {
                for (; i < BLOCK; i += WIDE.length()) {
                    ((FloatVector) ByteVector.fromArray(WIDE_BYTES, q, base + i0 + i).convertShape(VectorOperators.B2F, WIDE, 0))
                            .mul(d).intoArray(dst, dstOff + i0 + i);
                }
            }
            for (; i < len; i++) dst[dstOff + i0 + i] = q[base + i0 + i] * d;
        }
    }

    @Override
    public long byteSize() {
        return 2L * keys.length + 2L * 2 * keyScales.length;
    }
}
