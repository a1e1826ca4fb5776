package dev.flash4j.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH secondary metric: GB (10^9 bytes) of weights a benchmark consumed. JMH reports it as a rate
 * in "ops/s", which makes it GB/s of weights, to set against {@code flash4j bench --membw}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class WeightTraffic {
    public double weightGB;

    @Setup(Level.Iteration)
    public void reset() {
        weightGB = 0;
    }

    void add(long bytes) {
        weightGB += bytes / 1e9;
    }
}
