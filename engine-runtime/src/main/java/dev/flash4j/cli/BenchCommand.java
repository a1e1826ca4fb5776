package dev.flash4j.cli;

import dev.flash4j.core.MemoryBandwidth;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.runtime.DraftBench;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.ModelOptions;
import dev.flash4j.runtime.ThroughputBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bench}: prompt and decode speed of a model (after llama-bench), set against the
 * machine's memory bandwidth; or, with {@code --membw}, that bandwidth alone.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, modelTransformer = BenchCommand.ModelOptional.class,
        description = {
                "Measure prompt processing (one batched pass of --prompt-tokens) and decode (--gen-tokens, one at a time)"
                        + " after --depth tokens of context, --reps times each after --warmup untimed runs (more while the JIT compiles); report tokens/s (mean ± stddev),"
                        + " weight bytes read per decoded token and the share of memory bandwidth decode achieves.",
                "With --membw: measure the machine's memory read bandwidth only (no model)."})
final class BenchCommand implements Callable<Integer> {
    /**
     * Runs in the inline bandwidth measurement (the standalone one takes {@link #membwRuns}); the
     * best counts. 3 runs in a slow minute of the Zen 5 VM once gave half the machine's rate (26 GB/s,
     * decode at "134%" of it); 8 take about 0.3 s more on 2 GB.
     */
    private static final int INLINE_BANDWIDTH_RUNS = 8;

    @Mixin
    RunOptions run;

    @Option(names = "--prompt-tokens", paramLabel = "P", defaultValue = "512", description = "tokens of the prompt pass (0 = skip; default ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--gen-tokens", paramLabel = "G", defaultValue = "32", description = "tokens to decode one at a time (0 = skip; default ${DEFAULT-VALUE})")
    int genTokens;

    @Option(names = "--depth", paramLabel = "D", defaultValue = "0", description = "tokens of context fed (untimed) before every test (default ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--batch-sizes", paramLabel = "N", split = ",", description = "also time one pass of each many tokens, e.g. 1,2,4,8, with the last token's logits only (as llama-bench's pp tests; a verification pass of N tokens also computes the other rows' logits: see --draft)")
    List<Integer> batchSizes = new ArrayList<>();

    @Option(names = "--reps", paramLabel = "R", defaultValue = "3", description = "timed repetitions of every test (default ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1", description = "untimed runs of every test before the timed ones (default ${DEFAULT-VALUE}); more follow while the JIT is compiling, see --max-warmup")
    int warmup;

    @Option(names = "--max-warmup", paramLabel = "N", defaultValue = "20",
            description = "untimed runs of a test continue past --warmup while the JIT compiler spent more than 1%% of the last one compiling,"
                    + " up to this many in all and while the test's warm-up has taken less than " + ThroughputBench.EXTRA_WARMUP_BUDGET_SECONDS
                    + " s (default ${DEFAULT-VALUE}; never fewer than --warmup)")
    int maxWarmup;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "seed of the random token ids (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--membw", description = "measure the memory read bandwidth only (no --model)")
    boolean membw;

    @Option(names = "--membw-mib", paramLabel = "MIB", defaultValue = "2048", description = "buffer read by the bandwidth measurement, far above the CPU caches (default ${DEFAULT-VALUE})")
    int membwMib;

    @Option(names = "--membw-runs", paramLabel = "N", defaultValue = "8", description = "reads of the buffer with --membw, the best counts (default ${DEFAULT-VALUE}; the bandwidth measured alongside a model always takes " + INLINE_BANDWIDTH_RUNS + ")")
    int membwRuns;

    @Option(names = "--bandwidth", paramLabel = "GBPS", description = "the machine's memory bandwidth in GB/s, instead of measuring it")
    Double bandwidth;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--draft", paramLabel = "K", defaultValue = "0",
            description = "also measure speculative decoding with K MTP levels: cost of a draft level and of verifying K+1 tokens (relative to a decode step), "
                    + "predicted and measured speed-up with every draft accepted (forced to the model's own greedy output), and with the model's own adaptive drafter")
    int draft;

    /** Makes the mixed-in {@code --model} optional here, since {@code bench --membw} needs none; {@link #call} checks it. */
    static final class ModelOptional implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            OptionSpec model = spec.findOption("--model");
            spec.remove(model);
            spec.addOption(model.toBuilder().required(false).description("GGUF model (first shard of a split model); required unless --membw").build());
            return spec;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (membwMib < 1) throw new UserError("--membw-mib must be positive, got " + membwMib);
        if (membwRuns < 1) throw new UserError("--membw-runs must be positive, got " + membwRuns);
        if (bandwidth != null && !(bandwidth > 0 && Double.isFinite(bandwidth))) throw new UserError("--bandwidth must be a positive number of GB/s, got " + bandwidth);
        if (membw) {
            if (run.model != null) throw new UserError("--membw measures the memory bandwidth alone; drop --model (a model bench measures it too)");
            BandwidthReport r = new BandwidthReport(measureBandwidth(run.threads(), membwRuns));
            System.out.println(json ? BenchJson.write(r.json()) : r.text());
            return 0;
        }
        if (run.model == null) throw new UserError("Missing required option: '--model=FILE' (or --membw for the memory bandwidth alone)");
        checkTests();
        int maxBatch = batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        long positions = (long) depth + Math.max(Math.max(promptTokens, genTokens), maxBatch); // the longest test's context
        if (positions > Integer.MAX_VALUE) throw new UserError("--depth plus the longest test is " + positions + " positions, more than any context");
        ModelOptions options = run.toOptions((int) positions);

        // measured before the model loads and again after the tests: a shared VM's bandwidth can
        // move by 1.7x between phases minutes apart (32.6 against 52.8 GB/s on a Zen 4 VM), and a
        // figure from a slow phase alone made decode look near the memory bound when it was not
        MemoryBandwidth.Result before = bandwidth != null ? null : measureBandwidth(options.threads(), INLINE_BANDWIDTH_RUNS);

        List<BenchReport.Test> tests = new ArrayList<>();
        DraftBench.Report drafting = null;
        long weightBytes, fileWeightBytes, kvBytes, repackedBytes;
        String layout;
        int mostWarmups = Math.max(warmup, maxWarmup); // --max-warmup never below --warmup
        try (Model model = run.load(options); ThroughputBench bench = new ThroughputBench(model, seed, warmup, mostWarmups)) {
            if (draft > 0) {
                if (model.config().mtpLayers() == 0) throw new UserError(run.model + " has no MTP layers, so --draft cannot be measured");
                if (draft > model.config().mtpLayers()) throw new UserError("--draft " + draft + " exceeds the model's " + model.config().mtpLayers() + " MTP layers");
            }
            weightBytes = model.weightBytesPerToken();
            fileWeightBytes = model.fileWeightBytesPerToken();
            layout = model.weightLayout();
            repackedBytes = model.repackedBytes();
            kvBytes = bench.kvCacheBytes();
            if (promptTokens > 0) tests.add(new BenchReport.Test("pp" + promptTokens, "prompt", promptTokens, depth, bench.prompt(promptTokens, depth, reps)));
            if (genTokens > 0) tests.add(new BenchReport.Test("tg" + genTokens, "decode", genTokens, depth, bench.decode(genTokens, depth, reps)));
            for (int n : batchSizes) tests.add(new BenchReport.Test("pp" + n, "batch", n, depth, bench.prompt(n, depth, reps)));
            if (draft > 0) drafting = DraftBench.run(model, draft, Math.max(8, genTokens), Math.max(16, depth), reps, warmup, seed);
        }
        List<Double> measured = new ArrayList<>();
        if (before != null) {
            measured.add(before.best());
            measured.add(measureBandwidth(options.threads(), INLINE_BANDWIDTH_RUNS).best()); // the model closed: its memory is free again
        }
        double gbps = bandwidth != null ? bandwidth : Math.max(measured.get(0), measured.get(1));
        BenchReport report = new BenchReport(run.model.toString(), options, depth, warmup, mostWarmups, reps, seed, weightBytes, fileWeightBytes, kvBytes,
                gbps, measured, layout, repackedBytes, tests);
        if (json) {
            var o = report.json();
            if (drafting != null) o.set("draft", DraftReport.json(drafting));
            System.out.println(BenchJson.write(o));
        } else {
            System.out.println(report.text());
            if (drafting != null) System.out.print(DraftReport.text(drafting));
        }
        return 0;
    }

    private void checkTests() {
        if (promptTokens < 0) throw new UserError("--prompt-tokens must be >= 0, got " + promptTokens);
        if (genTokens < 0) throw new UserError("--gen-tokens must be >= 0, got " + genTokens);
        if (depth < 0) throw new UserError("--depth must be >= 0, got " + depth);
        if (reps < 1) throw new UserError("--reps must be >= 1, got " + reps);
        if (warmup < 0) throw new UserError("--warmup must be >= 0, got " + warmup);
        if (maxWarmup < 0) throw new UserError("--max-warmup must be >= 0, got " + maxWarmup);
        for (int n : batchSizes) if (n < 1) throw new UserError("--batch-sizes must all be positive, got " + n);
        if (draft < 0) throw new UserError("--draft must be >= 0, got " + draft);
        if (promptTokens == 0 && genTokens == 0 && batchSizes.isEmpty()) throw new UserError("nothing to measure: --prompt-tokens and --gen-tokens are 0 and no --batch-sizes");
    }

    private MemoryBandwidth.Result measureBandwidth(int threads, int runs) {
        try (WorkerPool pool = new WorkerPool(threads); MemoryBandwidth mb = new MemoryBandwidth(membwMib * (1L << 20))) {
            return mb.measure(pool, runs);
        }
    }
}
