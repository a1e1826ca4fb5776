package dev.flash4j.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link ThroughputBench}'s warm-up policy, against a fake JIT clock: how many untimed runs come
 * before the timed ones (never the speeds themselves).
 */
class ThroughputBenchTest {
    private static Model model;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(TestModels.tiny(), TestModels.options());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /**
     * A JIT clock read twice per run (before and after its timed section): it advances by 1000 ms
     * within each of the first {@code busyRuns} runs, then stands still; -1 throughout if {@code unknown}.
     */
    private static LongSupplier clock(int busyRuns, boolean unknown) {
        AtomicInteger reads = new AtomicInteger();
        return () -> {
            if (unknown) return -1;
            int r = reads.getAndIncrement(), run = r / 2;
            boolean after = r % 2 == 1;
            return 1000L * Math.min(run, busyRuns) + (after && run < busyRuns ? 1000 : 0);
        };
    }

    private static int warmupRuns(int warmups, int maxWarmups, LongSupplier clock, boolean decode) {
        return warmupRuns(warmups, maxWarmups, clock, decode, Long.MAX_VALUE);
    }

    private static int warmupRuns(int warmups, int maxWarmups, LongSupplier clock, boolean decode, long budgetNanos) {
        try (ThroughputBench bench = new ThroughputBench(model, 1, warmups, maxWarmups, clock, budgetNanos)) {
            ThroughputBench.Measurement m = decode ? bench.decode(2, 3, 2) : bench.prompt(4, 0, 2);
            assertEquals(2, m.tokensPerSecond().values().length);
            for (double v : m.tokensPerSecond().values()) assertTrue(v > 0);
            return m.warmupRuns();
        }
    }

    @Test
    void warmsUpWhileTheJitCompilesUpToTheMost() {
        assertEquals(3, warmupRuns(1, 6, clock(2, false), false), "two compiling runs, then one quiet one");
        assertEquals(3, warmupRuns(1, 6, clock(2, false), true));
        assertEquals(4, warmupRuns(1, 4, clock(10, false), false), "stops at the most");
        assertEquals(2, warmupRuns(2, 6, clock(0, false), false), "quiet from the start: the least");
    }

    @Test
    void exactCountsWhenTheJitIsQuietUnknownOrNotAskedFor() {
        assertEquals(0, warmupRuns(0, 6, clock(10, false), false), "no warm-up asked for, none run");
        assertEquals(1, warmupRuns(1, 6, clock(10, true), false), "a JVM without compile times: the least");
        assertEquals(1, warmupRuns(1, 1, clock(10, false), true), "most == least");
        assertEquals(2, warmupRuns(2, 6, clock(10, false), false, 0), "no time for extra ones");
    }

    @Test
    void rejectsFewerMostThanLeast() {
        assertThrows(IllegalArgumentException.class, () -> new ThroughputBench(model, 1, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new ThroughputBench(model, 1, -1, 2));
    }
}
