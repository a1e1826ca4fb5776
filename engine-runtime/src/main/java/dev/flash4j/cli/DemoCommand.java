package dev.flash4j.cli;

import dev.flash4j.core.WorkerPool;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.ModelOptions;
import dev.flash4j.runtime.SamplingOptions;
import dev.flash4j.runtime.Session;
import dev.flash4j.synth.SynthConfig;
import dev.flash4j.synth.SynthModelWriter;
import dev.flash4j.synth.SynthType;
import dev.flash4j.tokenizer.TokenStreamDecoder;
import dev.flash4j.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code demo}: make (once, cached) a small synthetic Step 3.5 model and generate with it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Make (once, cached under the user's cache directory) a small random-weight Step-3.5-shaped model and generate with it.",
                "The weights are random, so the text is gibberish: the demo shows the engine running end to end and its speed."})
final class DemoCommand implements Callable<Integer> {
    static final String MODEL_FILE = "demo-v1-q4_k_s.gguf";

    @Option(names = "--prompt", defaultValue = "the quick brown fox", paramLabel = "TEXT", description = "prompt (default: ${DEFAULT-VALUE})")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "N", description = "tokens to generate (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T", description = "sampling temperature (default ${DEFAULT-VALUE}; 0 = greedy)")
    float temperature;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        // every value is checked before the (slow, once) making of the model
        if (maxTokens < 1) throw new UserError("--max-tokens must be positive, got " + maxTokens);
        int t = RunOptions.checkThreads(threads);
        SamplingOptions sampling;
        try {
            sampling = temperature == 0 ? SamplingOptions.greedy() : SamplingOptions.sample(temperature, seed);
        } catch (IllegalArgumentException e) {
            throw new UserError("--" + e.getMessage());
        }
        Path model = cacheDir().resolve(MODEL_FILE);
        PrintStream out = System.out;
        if (!Files.exists(model)) {
            Files.createDirectories(model.getParent());
            out.println("Making the demo model (once): " + model);
            long t0 = System.nanoTime();
            try (WorkerPool pool = new WorkerPool(t)) {
                new SynthModelWriter(SynthConfig.demo(), SynthType.Q4_K_S, 1, pool).write(model);
            }
            out.printf("  %.1f MB in %.1f s%n", Files.size(model) / 1e6, (System.nanoTime() - t0) / 1e9);
        }
        ModelOptions options = ModelOptions.defaults().withThreads(t);
        try (Model m = Model.load(model, options); Session session = m.newSession()) {
            var c = m.config();
            out.printf("Model: %s — step35, %d layers (+%d MTP), hidden %d, %d experts (top %d), vocabulary %d, random weights%n",
                    model.getFileName(), c.layers(), c.mtpLayers(), c.embedding(), c.experts(), c.expertsUsed(), c.vocab());
            out.println(dev.flash4j.runtime.KvCacheCost.describe(c, options.kvCacheType(), options.contextSize(), options.batchSize()));
            out.printf("Weights: %.1f MB mapped, %.1f MB read per generated token%n", m.file().tensorBytes() / 1e6, m.weightBytesPerToken() / 1e6);
            out.println("  " + m.weightLayout());
            Tokenizer tok = Tokenizer.fromMetadata(m.file().metadata());
            int[] ids = tok.encode(prompt, true, false);
            out.println("Prompt: " + prompt + "  (" + ids.length + " tokens)");
            out.print("Output: " + prompt);
            TokenStreamDecoder decoder = tok.newStreamDecoder();
            // random weights pick arbitrary byte tokens; banning the non-ASCII ones keeps the output printable UTF-8
            java.util.Map<Integer, Float> ban = new java.util.HashMap<>();
            for (int id = 0; id < c.vocab(); id++) {
                String piece = tok.piece(id);
                if (piece.matches("<0x[89A-F][0-9A-F]>")) ban.put(id, Float.NEGATIVE_INFINITY);
            }
            sampling = sampling.withLogitBias(ban);
            Session.Result r = session.generate(ids, maxTokens, sampling, new int[]{tok.eos()}, id -> {
                out.print(decoder.push(id));
                out.flush();
                return true;
            });
            out.println();
            out.printf("Prompt: %d tokens at %.1f tokens/s; generated %d tokens at %.1f tokens/s (%d threads)%n",
                    r.promptTokens(), r.prefillTokensPerSecond(), r.tokens().length, r.decodeTokensPerSecond(), t);
        }
        return 0;
    }

    /** $XDG_CACHE_HOME/flash4j, else ~/.cache/flash4j (on macOS ~/Library/Caches/flash4j). */
    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "flash4j");
        Path home = Path.of(System.getProperty("user.home"));
        if (System.getProperty("os.name", "").toLowerCase().contains("mac")) return home.resolve("Library/Caches/flash4j");
        return home.resolve(".cache/flash4j");
    }
}
