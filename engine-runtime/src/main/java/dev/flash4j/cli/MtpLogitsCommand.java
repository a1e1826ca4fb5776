package dev.flash4j.cli;

import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mtp-logits}: teacher-forced logits of every MTP level. */
@Command(name = "mtp-logits", mixinStandardHelpOptions = true,
        description = {"Teacher-forced logits of every MTP level, written to PREFIX.mtp<k>.f32 (float32 little-endian, rows x n_vocab).",
                "Level k's row i predicts ids[i+k+1]; it has len(ids)-k rows."})
final class MtpLogitsCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Option(names = "--ids", required = true, paramLabel = "IDS", description = "token ids, e.g. \"1 5 9\"")
    String ids;

    @Option(names = "--out-prefix", required = true, paramLabel = "PREFIX", description = "output files are PREFIX.mtp1.f32, PREFIX.mtp2.f32, ...")
    String outPrefix;

    @Override
    public Integer call() throws Exception {
        CliFiles.checkOutput("--out-prefix", Path.of(outPrefix + ".mtp1.f32"));
        int count = TokenIds.count(ids);
        try (Model model = run.load(count); Session session = model.newSession()) {
            int[] tokens = TokenIds.parse(ids, model.config().vocab());
            if (model.config().mtpLayers() == 0) throw new UserError(run.model + " has no MTP layers (step35.nextn_predict_layers is 0 or absent)");
            if (tokens.length < 2) throw new UserError("--ids needs at least 2 ids");
            float[][] levels = session.mtpTeacherForced(tokens);
            for (int k = 1; k <= levels.length; k++) {
                Path out = Path.of(outPrefix + ".mtp" + k + ".f32");
                FloatFiles.write(out, levels[k - 1]);
                System.err.printf("flash4j: wrote %d x %d MTP level %d logits to %s%n", levels[k - 1].length / model.config().vocab(), model.config().vocab(), k, out);
            }
        }
        return 0;
    }
}
