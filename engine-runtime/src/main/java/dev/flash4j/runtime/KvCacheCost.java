package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.model.Step35Config;

/**
 * What the KV caches cost: full-attention layers hold every position of the context, sliding-window
 * layers a ring of {@code window + batch} positions (see {@code LayerKvCache}).
 */
public final class KvCacheCost {
    /** Step 3.5 Flash's 45 main layers: 12 full (every 4th from 0), 33 with a window of 512; 8 KV heads of 128. */
    public static final int REAL_LAYERS = 45, REAL_KV_HEADS = 8, REAL_HEAD_DIM = 128, REAL_WINDOW = 512, REAL_CONTEXT = 262_144;

    private KvCacheCost() {}

    /** Bytes of keys and values for {@code config}'s blocks (MTP blocks included) at {@code context} positions. */
    public static long bytes(Step35Config config, KvCacheType type, int context, int batch) {
        double total = 0;
        for (int il = 0; il < config.blocks(); il++) {
            int window = config.windowOf(il);
            long positions = window > 0 ? Math.min(context, window + batch) : context;
            total += 2.0 * positions * config.kvHeads()[il] * config.headDim() * type.bytesPerValue();
        }
        return (long) total;
    }

    /** Bytes for the real Step 3.5 Flash at {@code context} positions. */
    public static long realModelBytes(KvCacheType type, int context, int batch) {
        double total = 0;
        for (int il = 0; il < REAL_LAYERS; il++) {
            boolean full = il % 4 == 0;
            long positions = full ? context : Math.min(context, REAL_WINDOW + batch);
            total += 2.0 * positions * REAL_KV_HEADS * REAL_HEAD_DIM * type.bytesPerValue();
        }
        return (long) total;
    }

    /** One line for people: this model at this context, and the real model at 256K. */
    public static String describe(Step35Config config, KvCacheType type, int context, int batch) {
        return String.format("KV cache (%s): %s at %,d positions; Step 3.5 Flash at %,d positions: %s (f16 %s, q8 %s)",
                type.name().toLowerCase(), human(bytes(config, type, context, batch)), context, REAL_CONTEXT,
                human(realModelBytes(type, REAL_CONTEXT, batch)), human(realModelBytes(KvCacheType.F16, REAL_CONTEXT, batch)),
                human(realModelBytes(KvCacheType.Q8, REAL_CONTEXT, batch)));
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format("%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format("%.1f MiB", bytes / (double) (1L << 20));
        return String.format("%.1f KiB", bytes / 1024.0);
    }
}
