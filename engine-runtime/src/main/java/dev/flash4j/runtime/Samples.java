package dev.flash4j.runtime;

import java.util.Arrays;

/** Repeated measurements of one quantity: their mean and sample standard deviation (0 for one sample). */
public record Samples(double[] values) {
    public Samples {
        if (values.length == 0) throw new IllegalArgumentException("no samples");
        values = values.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    public double mean() {
        return Arrays.stream(values).sum() / values.length;
    }

    public double stddev() {
        if (values.length < 2) return 0;
        double m = mean(), s = 0;
        for (double v : values) s += (v - m) * (v - m);
        return Math.sqrt(s / (values.length - 1));
    }
}
