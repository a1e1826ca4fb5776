package dev.flash4j.cli;

import dev.flash4j.core.CpuInfo;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flash4j.runtime.ModelOptions;
import dev.flash4j.runtime.Samples;
import dev.flash4j.runtime.ThroughputBench;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * What {@code bench --model} measured, as text or JSON. Decode reads every weight a token needs
 * once per token, so {@code weight bytes per token x decode tokens/s} is the bandwidth decode
 * achieves; its share of the machine's bandwidth says how far decode is from the memory bound.
 * GB are 10^9 bytes. {@code bandwidthGbps} is the bandwidth given, or the higher of
 * {@code bandwidthMeasurements} (measured before and after the tests; empty when given).
 */
record BenchReport(String model, ModelOptions options, int depth, int warmup, int maxWarmup, int reps, long seed, long weightBytesPerToken,
                   long fileWeightBytesPerToken,
                   long kvCacheBytes, double bandwidthGbps, List<Double> bandwidthMeasurements, String weightLayout,
                   long repackedBytes, List<Test> tests) {

    /**
     * One test: {@code kind} is prompt (one batched pass), decode (one token per pass) or batch (a
     * small pass); {@code warmupRuns} untimed runs came before the timed ones.
     */
    record Test(String name, String kind, int tokens, int depth, Samples tokensPerSecond, int warmupRuns) {
        Test(String name, String kind, int tokens, int depth, ThroughputBench.Measurement m) {
            this(name, kind, tokens, depth, m.tokensPerSecond(), m.warmupRuns());
        }
    }

    /** "given" (--bandwidth) or "measured": nothing is measured when the bandwidth is given. */
    String bandwidthSource() {
        return bandwidthMeasurements.isEmpty() ? "given" : "measured";
    }

    /** Weight GB/s the decode test achieved, or NaN without one. */
    double decodeGbps() {
        return weightBytesPerToken / decodeStepMs() / 1e6;
    }

    /** Milliseconds of one decode step (the decode test's mean), or NaN without a decode test. */
    double decodeStepMs() {
        for (Test t : tests) if (t.kind().equals("decode")) return 1e3 / t.tokensPerSecond().mean();
        return Double.NaN;
    }

    /**
     * How many decode steps one pass of a batch test costs (NaN without a decode test): for a pass
     * of N tokens, what verifying N tokens in one pass costs against decoding one, apart from the
     * logits of the pass's other rows (see {@code --batch-sizes}).
     */
    double stepsPerPass(Test t) {
        return t.tokens() * 1e3 / t.tokensPerSecond().mean() / decodeStepMs();
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("machine: ").append(CpuInfo.current().describe()).append(", Java ").append(Runtime.version().feature()).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "model %s: %s, KV %s, activations %s, context %d, batch %d, depth %d, %d reps after at least %d warm-up runs%n",
                model, threads(options.threads()), kvName(), activationsName(), options.contextSize(), options.batchSize(), depth, reps, warmup));
        sb.append(String.format(Locale.ROOT, "%-8s %-6s %8s %22s %12s %9s%n", "test", "kind", "tokens", "tokens/s", "ms/pass", "warm-ups"));
        for (Test t : tests) {
            double mean = t.tokensPerSecond().mean();
            int tokensPerPass = t.kind().equals("decode") ? 1 : t.tokens();
            sb.append(String.format(Locale.ROOT, "%-8s %-6s %8d %22s %12.2f %9d%n", t.name(), t.kind(), t.tokens(),
                    String.format(Locale.ROOT, "%.2f ± %.2f", mean, t.tokensPerSecond().stddev()), tokensPerPass * 1e3 / mean, t.warmupRuns()));
        }
        if (!Double.isNaN(decodeStepMs()) && tests.stream().anyMatch(t -> t.kind().equals("batch"))) {
            StringJoiner j = new StringJoiner(", ", "one pass vs one decode step: ", System.lineSeparator());
            for (Test t : tests) if (t.kind().equals("batch")) j.add(String.format(Locale.ROOT, "%d %s %.2fx", t.tokens(), t.tokens() == 1 ? "token" : "tokens", stepsPerPass(t)));
            sb.append(j);
        }
        sb.append(weightLayout).append(System.lineSeparator());
        String fileLayout = fileWeightBytesPerToken == weightBytesPerToken ? "" : " (" + bytes(fileWeightBytesPerToken) + " in the file's layout)";
        sb.append(String.format(Locale.ROOT, "weights read per decoded token: %s%s; KV cache: %s at %d positions%n",
                bytes(weightBytesPerToken), fileLayout, bytes(kvCacheBytes), options.contextSize()));
        double g = decodeGbps();
        String bw = bandwidthMeasurements.size() == 2
                ? String.format(Locale.ROOT, "memory bandwidth %.2f GB/s (measured: %.2f before the tests, %.2f after; the higher counts)",
                        bandwidthGbps, bandwidthMeasurements.get(0), bandwidthMeasurements.get(1))
                : String.format(Locale.ROOT, "memory bandwidth %.2f GB/s (%s)", bandwidthGbps, bandwidthSource());
        if (Double.isNaN(g)) sb.append(bw);
        else sb.append(String.format(Locale.ROOT, "decode reads %.2f GB/s of weights = %.1f%% of the %s", g, 100 * g / bandwidthGbps, bw));
        // more than all of it: the bandwidth was measured in a slow minute of a shared machine
        // (or is wrong as given), or some weights came from the caches
        if (g > bandwidthGbps) sb.append(System.lineSeparator()).append("(more than the bandwidth: measure it again with `bench --membw` and pass it with --bandwidth GBPS)");
        return sb.toString();
    }

    ObjectNode json() {
        ObjectNode o = BenchJson.object();
        o.put("model", model);
        o.put("threads", options.threads());
        o.put("kv_type", kvName());
        o.put("activations", activationsName());
        o.put("context_size", options.contextSize());
        o.put("batch_size", options.batchSize());
        o.put("depth", depth);
        o.put("warmup", warmup);
        o.put("max_warmup", maxWarmup);
        o.put("reps", reps);
        o.put("seed", seed);
        o.put("weight_bytes_per_token", weightBytesPerToken);
        o.put("file_weight_bytes_per_token", fileWeightBytesPerToken);
        o.put("kv_cache_bytes", kvCacheBytes);
        o.put("weight_layout", weightLayout);
        o.put("repacked_bytes", repackedBytes);
        o.put("memory_bandwidth_gbps", bandwidthGbps);
        o.put("memory_bandwidth_source", bandwidthSource());
        var measuredNode = o.putArray("memory_bandwidth_measurements_gbps");
        for (double m : bandwidthMeasurements) measuredNode.add(m);
        double g = decodeGbps();
        if (Double.isNaN(g)) {
            o.putNull("decode_gbps");
            o.putNull("decode_bandwidth_fraction");
        } else {
            o.put("decode_gbps", g);
            o.put("decode_bandwidth_fraction", g / bandwidthGbps);
        }
        var arr = o.putArray("tests");
        for (Test t : tests) {
            ObjectNode n = arr.addObject();
            n.put("name", t.name());
            n.put("kind", t.kind());
            n.put("tokens", t.tokens());
            n.put("depth", t.depth());
            n.put("warmup_runs", t.warmupRuns());
            n.put("tokens_per_second", t.tokensPerSecond().mean());
            n.put("tokens_per_second_stddev", t.tokensPerSecond().stddev());
            if (t.kind().equals("batch")) {
                double steps = stepsPerPass(t);
                if (Double.isNaN(steps)) n.putNull("decode_steps_per_pass");
                else n.put("decode_steps_per_pass", steps);
            }
            var s = n.putArray("samples_tokens_per_second");
            for (double v : t.tokensPerSecond().values()) s.add(v);
        }
        return o;
    }

    private String activationsName() {
        return options.activations().name().toLowerCase(Locale.ROOT);
    }

    private String kvName() {
        return options.kvCacheType().name().toLowerCase(Locale.ROOT);
    }

    static String threads(int n) {
        return n == 1 ? "1 thread" : n + " threads";
    }

    static String bytes(long n) {
        if (n >= 1e9) return String.format(Locale.ROOT, "%.2f GB", n / 1e9);
        if (n >= 1e6) return String.format(Locale.ROOT, "%.2f MB", n / 1e6);
        return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
    }

    static String list(double[] values) {
        StringJoiner j = new StringJoiner(", ");
        for (double v : values) j.add(String.format(Locale.ROOT, "%.2f", v));
        return j.toString();
    }
}
