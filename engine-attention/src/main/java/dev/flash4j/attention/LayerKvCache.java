package dev.flash4j.attention;

/**
 * The cached keys and values of one attention layer, for {@code kvHeads} heads of {@code headDim}
 * values each.
 *
 * <p>Positions map to slots {@code pos % capacity}. A full-attention layer gets a capacity of the
 * whole context, so slots never wrap. A sliding-window layer gets a ring of
 * {@code window + maxBatch} slots: enough for the last query of a batch to see its window while the
 * whole batch is written before attention runs, and for a rollback of up to {@code maxBatch}
 * positions (speculative decoding) to leave every surviving position's window intact.
 *
 * <p>Layout: head-major over slots, {@code [head][slot][headDim]} ({@link #offset}), so one head's
 * keys (or values) of consecutive positions are one contiguous run. Attention reads a head's
 * positions tile by tile; with the slot-major layout ({@code [slot][head][headDim]}) each position
 * was a jump of {@code kvHeads * headDim} values, and widening a tile ran at L3 latency instead of
 * streaming (f16 cache, 4096 positions: 0.57 ns per value).
 */
public abstract sealed class LayerKvCache permits F32KvCache, F16KvCache, Q8KvCache {
    protected final int kvHeads;
    protected final int headDim;
    protected final int capacity;
    protected final int rowValues;

    protected LayerKvCache(int kvHeads, int headDim, int capacity) {
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.capacity = capacity;
        this.rowValues = kvHeads * headDim;
    }

    public static LayerKvCache create(KvCacheType type, int kvHeads, int headDim, int capacity) {
        return switch (type) {
            case F32 -> new F32KvCache(kvHeads, headDim, capacity);
            case F16 -> new F16KvCache(kvHeads, headDim, capacity);
            case Q8 -> new Q8KvCache(kvHeads, headDim, capacity);
        };
    }

    /** Index of head {@code head}'s first value in slot {@code slot}: {@code (head * capacity + slot) * headDim}. */
    protected final int offset(int slot, int head) {
        return (head * capacity + slot) * headDim;
    }

    public int capacity() {
        return capacity;
    }

    protected final int slot(int pos) {
        return pos % capacity;
    }

    /** Stores all heads' key {@code k[kOff ..]} and value {@code v[vOff ..]} of position {@code pos}. */
    public abstract void store(int pos, float[] k, int kOff, float[] v, int vOff);

    /** Dot product of head {@code head}'s cached key at {@code pos} with {@code q[qOff .. qOff+headDim)}. */
    public abstract float dotKey(int pos, int head, float[] q, int qOff);

    /** {@code out[outOff ..] += w * value(pos, head)}. */
    public abstract void addValue(int pos, int head, float w, float[] out, int outOff);

    /** Head {@code head}'s cached key at {@code pos} as floats into {@code dst[dstOff .. dstOff+headDim)}. */
    public final void readKey(int pos, int head, float[] dst, int dstOff) {
        readKeySlot(slot(pos), head, dst, dstOff);
    }

    /** Head {@code head}'s cached value at {@code pos} as floats into {@code dst[dstOff .. dstOff+headDim)}. */
    public final void readValue(int pos, int head, float[] dst, int dstOff) {
        readValueSlot(slot(pos), head, dst, dstOff);
    }

    /**
     * Head {@code head}'s cached keys of positions {@code pos .. pos+count)} as floats, position
     * {@code pos+t} at {@code dst[dstOff + t*headDim ..]}. The slot is found once and then stepped
     * (a run of positions is a run of slots, wrapping at most once), not recomputed per position.
     */
    public final void readKeys(int pos, int count, int head, float[] dst, int dstOff) {
        for (int t = 0, s = slot(pos); t < count; t++) {
            readKeySlot(s, head, dst, dstOff + t * headDim);
            if (++s == capacity) s = 0;
        }
    }

    /** Values of positions {@code pos .. pos+count)}, laid out like {@link #readKeys}. */
    public final void readValues(int pos, int count, int head, float[] dst, int dstOff) {
        for (int t = 0, s = slot(pos); t < count; t++) {
            readValueSlot(s, head, dst, dstOff + t * headDim);
            if (++s == capacity) s = 0;
        }
    }

    /** Head {@code head}'s key in slot {@code slot} as floats into {@code dst[dstOff .. dstOff+headDim)}. */
    protected abstract void readKeySlot(int slot, int head, float[] dst, int dstOff);

    /** Head {@code head}'s value in slot {@code slot} as floats into {@code dst[dstOff .. dstOff+headDim)}. */
    protected abstract void readValueSlot(int slot, int head, float[] dst, int dstOff);

    /** Bytes this cache holds. */
    public abstract long byteSize();
}
