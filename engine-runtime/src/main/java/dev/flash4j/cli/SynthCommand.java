package dev.flash4j.cli;

import dev.flash4j.core.WorkerPool;
import dev.flash4j.synth.SynthConfig;
import dev.flash4j.synth.SynthModelWriter;
import dev.flash4j.synth.SynthType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code synth}: write a random-weight Step 3.5 model of any shape. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Write a random-weight step35 GGUF model.",
                "Presets: tiny (256 hidden, 5 layers), demo, slice-4l (Step 3.5 Flash's real dimensions cut to 4 layers: 4096 hidden, vocab 128896, 32 experts).",
                "A JSON object overrides fields of the tiny preset, e.g. '{\"layers\":8,\"mtpLayers\":2}'."})
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "tiny", paramLabel = "NAME|JSON", description = "tiny, demo, slice-4l or a JSON object (default ${DEFAULT-VALUE})")
    String config;

    @Option(names = "--type", defaultValue = "q4_k_s", paramLabel = "TYPE", description = "f32, f16, q8_0, q4_0, q4_k_s or iq4_xs (llama.cpp's Q4_K_S and IQ4_XS mixes; default ${DEFAULT-VALUE})")
    String type;

    @Option(names = "--mtp", paramLabel = "N", description = "MTP layers to add (overrides the config's mtpLayers)")
    Integer mtp;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "output GGUF file")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "threads for quantization (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        SynthConfig c;
        SynthType t;
        try {
            c = SynthConfig.parse(config);
            if (mtp != null) c = withMtp(c, mtp);
            t = SynthType.parse(type);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        CliFiles.checkOutput("--out", out);
        int workers = RunOptions.checkThreads(threads);
        long t0 = System.nanoTime();
        try (WorkerPool pool = new WorkerPool(workers)) {
            new SynthModelWriter(c, t, seed, pool).write(out);
        }
        System.err.printf("flash4j: wrote %s (%.1f MB) in %.1f s%n", out, Files.size(out) / 1e6, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    static SynthConfig withMtp(SynthConfig c, int mtp) {
        return new SynthConfig(c.embedding(), c.layers(), c.vocab(), c.fullHeads(), c.slidingHeads(), c.kvHeads(), c.headDim(),
                c.slidingWindow(), c.fullAttentionEvery(), c.fullRopeDims(), c.slidingRopeDims(), c.fullRopeBase(), c.slidingRopeBase(),
                c.leadingDense(), c.denseFf(), c.experts(), c.expertsUsed(), c.expertFf(), c.sharedFf(), c.expertWeightsScale(),
                c.swigluLimit(), c.swigluLimitShared(), mtp, c.contextLength());
    }
}
