package dev.flash4j.attention;

import dev.flash4j.core.VectorOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Keys and values as IEEE half floats (rounded to nearest even on store), widened to floats on use. */
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
        int s = slot(pos);
        for (int h = 0; h < kvHeads; h++) {
            int base = offset(s, h), src = h * headDim;
            for (int i = 0; i < headDim; i++) {
                keys[base + i] = Float.floatToFloat16(k[kOff + src + i]);
                values[base + i] = Float.floatToFloat16(v[vOff + src + i]);
            }
        }
    }

    @Override
    public float dotKey(int pos, int head, float[] q, int qOff) {
        int base = offset(slot(pos), head);
        int i = 0;
        float s = 0;
        if (headDim >= 8) {
            FloatVector acc = FloatVector.zero(VectorOps.F8);
            for (; i + 8 <= headDim; i += 8) {
                acc = VectorOps.halvesToFloats(keys, base + i).fma(FloatVector.fromArray(VectorOps.F8, q, qOff + i), acc);
            }
            s = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < headDim; i++) s += Float.float16ToFloat(keys[base + i]) * q[qOff + i];
        return s;
    }

    @Override
    public void addValue(int pos, int head, float w, float[] out, int outOff) {
        int base = offset(slot(pos), head);
        int i = 0;
        FloatVector wv = FloatVector.broadcast(VectorOps.F8, w);
        for (; i + 8 <= headDim; i += 8) {
            VectorOps.halvesToFloats(values, base + i).fma(wv, FloatVector.fromArray(VectorOps.F8, out, outOff + i)).intoArray(out, outOff + i);
        }
        for (; i < headDim; i++) out[outOff + i] += w * Float.float16ToFloat(values[base + i]);
    }

    @Override
    protected void readKeySlot(int slot, int head, float[] dst, int dstOff) {
        widen(keys, offset(slot, head), dst, dstOff);
    }

    @Override
    protected void readValueSlot(int slot, int head, float[] dst, int dstOff) {
        widen(values, offset(slot, head), dst, dstOff);
    }

    /**
     * A plain loop on purpose: C2 vectorizes {@code Float.float16ToFloat} over an array into the
     * CPU's half-to-float conversion (vcvtph2ps, 16 values per instruction with AVX-512), several
     * times faster than widening the bits by hand with the Vector API, which has no such operation.
     */
    private void widen(short[] src, int base, float[] dst, int dstOff) {
        for (int i = 0; i < headDim; i++) dst[dstOff + i] = Float.float16ToFloat(src[base + i]);
    }

    @Override
    public long byteSize() {
        return 4L * keys.length;
    }
}
