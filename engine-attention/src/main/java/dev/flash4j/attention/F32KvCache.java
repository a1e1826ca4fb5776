package dev.flash4j.attention;

import dev.flash4j.core.VectorOps;

/** Keys and values as 32-bit floats. */
final class F32KvCache extends LayerKvCache {
    private final float[] keys;
    private final float[] values;

    F32KvCache(int kvHeads, int headDim, int capacity) {
        super(kvHeads, headDim, capacity);
        this.keys = new float[Math.multiplyExact(capacity, rowValues)];
        this.values = new float[keys.length];
    }

    @Override
    public void store(int pos, float[] k, int kOff, float[] v, int vOff) {
        int s = slot(pos);
        for (int h = 0; h < kvHeads; h++) {
            System.arraycopy(k, kOff + h * headDim, keys, offset(s, h), headDim);
            System.arraycopy(v, vOff + h * headDim, values, offset(s, h), headDim);
        }
    }

    @Override
    public float dotKey(int pos, int head, float[] q, int qOff) {
        return VectorOps.dot(keys, offset(slot(pos), head), q, qOff, headDim);
    }

    @Override
    public void addValue(int pos, int head, float w, float[] out, int outOff) {
        VectorOps.axpy(w, values, offset(slot(pos), head), out, outOff, headDim);
    }

    @Override
    protected void readKeySlot(int slot, int head, float[] dst, int dstOff) {
        System.arraycopy(keys, offset(slot, head), dst, dstOff, headDim);
    }

    @Override
    protected void readValueSlot(int slot, int head, float[] dst, int dstOff) {
        System.arraycopy(values, offset(slot, head), dst, dstOff, headDim);
    }

    @Override
    public long byteSize() {
        return 8L * keys.length;
    }
}
