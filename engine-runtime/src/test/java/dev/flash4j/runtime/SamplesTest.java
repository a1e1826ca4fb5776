package dev.flash4j.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SamplesTest {
    @Test
    void meanAndSampleStandardDeviation() {
        Samples s = new Samples(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
        assertEquals(5.0, s.mean(), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), s.stddev(), 1e-12); // n - 1 in the denominator
    }

    @Test
    void oneSampleHasNoSpread() {
        Samples s = new Samples(new double[] {3.5});
        assertEquals(3.5, s.mean());
        assertEquals(0.0, s.stddev());
    }

    @Test
    void valuesAreCopiedAndRequired() {
        double[] v = {1, 2};
        Samples s = new Samples(v);
        v[0] = 100;
        s.values()[1] = 100;
        assertEquals(1.5, s.mean());
        assertThrows(IllegalArgumentException.class, () -> new Samples(new double[0]));
    }
}
