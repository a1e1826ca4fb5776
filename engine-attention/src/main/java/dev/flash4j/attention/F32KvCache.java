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
        int base = slot(pos) * rowValues;
        System.arraycopy(k, kOff, keys, base, rowValues);
        System.arraycopy(v, vOff, values, base, rowValues);
    }

    @Override
    public float dotKey(int pos, int head, float[] q, int qOff) {
        return VectorOps.dot(keys, slot(pos) * rowValues + head * headDim, q, qOff, headDim);
    }

    @Override
    public void addValue(int pos, int head, float w, float[] out, int outOff) {
        VectorOps.axpy(w, values, slot(pos) * rowValues + head * headDim, out, outOff, headDim);
    }

    @Override
    protected void readKeySlot(int slot, int head, float[] dst, int dstOff) {
        System.arraycopy(keys, slot * rowValues + head * headDim, dst, dstOff, headDim);
    }

    @Override
    protected void readValueSlot(int slot, int head, float[] dst, int dstOff) {
        System.arraycopy(values, slot * rowValues + head * headDim, dst, dstOff, headDim);
    }

    @Override
    public long byteSize() {
        return 8L * keys.length;
    }
}
