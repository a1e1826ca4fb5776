package dev.flash4j.tokenizer;

/**
 * BPE merge rules keyed by the pair of token ids they join: an open-addressing hash table from
 * {@code (left << 32 | right)} to {@code (rank << 32 | mergedId)}. Lower rank = earlier rule =
 * applied first. Primitive storage keeps lookups on the hot path free of boxing.
 */
final class MergeTable {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final long[] values;
    private final int mask;

    MergeTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
        java.util.Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    private static long key(int left, int right) { return ((long) left << 32) | (right & 0xFFFFFFFFL); }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** Adds a rule unless the pair already has an earlier (lower-rank) one. */
    void put(int left, int right, int rank, int merged) {
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != EMPTY) {
            if (keys[i] == k) return;
            i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
    }

    /** {@code rank << 32 | mergedId}, or -1 when the pair has no rule. */
    long get(int left, int right) {
        long k = key(left, right);
        int i = slot(k);
        while (true) {
            long kk = keys[i];
            if (kk == k) return values[i];
            if (kk == EMPTY) return -1;
            i = (i + 1) & mask;
        }
    }
}
