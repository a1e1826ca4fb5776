package dev.flash4j.cli;

import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code logits}: one batched prompt pass, logits of every position to a float32 file. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Run one batched prompt pass and write float32 little-endian logits for every position (rows x n_vocab).")
final class LogitsCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Option(names = "--ids", required = true, paramLabel = "IDS", description = "prompt token ids, e.g. \"1 5 9\"")
    String ids;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "output file")
    Path out;

    @Override
    public Integer call() throws Exception {
        CliFiles.checkOutput("--out", out);
        int count = TokenIds.count(ids);
        try (Model model = run.load(count); Session session = model.newSession()) {
            int[] tokens = TokenIds.parse(ids, model.config().vocab());
            float[] logits = session.prefillAll(tokens);
            FloatFiles.write(out, logits);
            System.err.printf("flash4j: wrote %d x %d logits to %s%n", tokens.length, model.config().vocab(), out);
        }
        return 0;
    }
}
