package dev.flash4j.attention;

/** Keys and values as IEEE half floats (rounded to nearest even on store). */
final class F16KvCache extends LayerKvCache {
    private final short[] keys;
    private final short[] values;

    F16KvCache(int kvHeads, int headDim, int capacity) {
        super(kvHeads, headDim, capacity);
        this.keys = new short[Math.multiplyExact(capacity, rowValues)];
        this.values = new short[keys.length];
    }

    @Override
    public void store(int pos, float[] k, int kOff, float[] v, int vOff) {
        int base = slot(pos) * rowValues;
        for (int i = 0; i < rowValues; i++) {
            keys[base + i] = Float.floatToFloat16(k[kOff + i]);
            values[base + i] = Float.floatToFloat16(v[vOff + i]);
        }
    }

    @Override
    public float dotKey(int pos, int head, float[] q, int qOff) {
        int base = slot(pos) * rowValues + head * headDim;
        float s = 0;
        for (int i = 0; i < headDim; i++) s += Float.float16ToFloat(keys[base + i]) * q[qOff + i];
        return s;
    }

    @Override
    public void addValue(int pos, int head, float w, float[] out, int outOff) {
        int base = slot(pos) * rowValues + head * headDim;
        for (int i = 0; i < headDim; i++) out[outOff + i] += w * Float.float16ToFloat(values[base + i]);
    }

    @Override
    public long byteSize() {
        return 4L * keys.length;
    }
}
