package dev.flash4j.chat;

/**
 * Detects a sequence that has started to repeat itself: the most recent symbols form one block of
 * length p (1 &le; p &le; maxPeriod) repeated at least {@code minRepeats} times, spanning at least
 * {@code minSpan} symbols. For every period p it keeps the length of the current run of positions i
 * with s[i] == s[i - p]; the tail then has period p over run + p symbols. O(maxPeriod) per symbol,
 * memory for the last maxPeriod symbols.
 */
final class PeriodicTail {

    private final int maxPeriod;
    private final int minRepeats;
    private final int minSpan;
    /** the last maxPeriod + 1 symbols, by count modulo length */
    private final long[] recent;
    /** run[p]: consecutive most recent symbols equal to the symbol p positions earlier */
    private final int[] run;
    private long count;

    PeriodicTail(int maxPeriod, int minRepeats, int minSpan) {
        if (maxPeriod < 1) throw new IllegalArgumentException("max period must be >= 1, got " + maxPeriod);
        if (minRepeats < 2) throw new IllegalArgumentException("min repeats must be >= 2, got " + minRepeats);
        this.maxPeriod = maxPeriod;
        this.minRepeats = minRepeats;
        this.minSpan = minSpan;
        this.recent = new long[maxPeriod + 1];
        this.run = new int[maxPeriod + 1];
    }

    /** Adds a symbol; returns the period of a repetition the tail now shows, or 0 if none. */
    int add(long symbol) {
        int found = 0;
        long available = Math.min(count, maxPeriod);
        for (int p = 1; p <= available; p++) {
            long earlier = recent[(int) ((count - p) % recent.length)];
            run[p] = earlier == symbol ? Math.min(run[p] + 1, Integer.MAX_VALUE - maxPeriod) : 0;
            long span = (long) run[p] + p;
            if (found == 0 && span >= (long) p * minRepeats && span >= minSpan) found = p;
        }
        recent[(int) (count % recent.length)] = symbol;
        count++;
        return found;
    }

    void reset() {
        java.util.Arrays.fill(run, 0);
        count = 0;
    }
}
