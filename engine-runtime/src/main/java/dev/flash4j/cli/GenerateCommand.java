package dev.flash4j.cli;

import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.SamplingOptions;
import dev.flash4j.runtime.Session;
import dev.flash4j.runtime.SpeculativeDecoder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code generate}: feed a prompt, stream generated tokens. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate tokens after a prompt and stream them.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    static final class Input {
        @Option(names = "--ids", paramLabel = "IDS", description = "prompt token ids, e.g. \"1 5 9\"")
        String ids;
        @Option(names = "--prompt", paramLabel = "TEXT", description = "prompt text (tokenized with the model's vocabulary)")
        String prompt;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--max-tokens", required = true, paramLabel = "N", description = "tokens to generate at most")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 = greedy (exact argmax); default ${DEFAULT-VALUE}")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40", paramLabel = "K", description = "keep the K most likely tokens (0 = all; default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "nucleus sampling mass (default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.05", paramLabel = "P", description = "drop tokens below P x the best probability (default ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--print-ids", description = "print token ids instead of text")
    boolean printIds;

    @Option(names = "--stats", description = "print prompt and decode speed (and, with --draft, drafting statistics) to stderr")
    boolean stats;

    @Option(names = "--draft", defaultValue = "0", paramLabel = "K",
            description = "speculative decoding with K MTP draft levels (0 = off; the model must carry MTP layers); greedy output is identical")
    int draft;

    @Option(names = "--fixed-draft", description = "with --draft: always draft K levels instead of adapting to the acceptance rate")
    boolean fixedDraft;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 0) throw new UserError("--max-tokens must be >= 0, got " + maxTokens);
        if (input.prompt != null) throw new UserError("--prompt needs the tokenizer, which is not built yet; use --ids");
        int count = input.ids.trim().split("[\\s,]+").length;
        SamplingOptions sampling;
        try {
            sampling = new SamplingOptions(temperature, topK, topP, minP, 1f, 0f, 0f, 64, null, seed);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        try (Model model = Model.load(run.model, run.toOptions(count + maxTokens)); Session session = model.newSession()) {
            int[] prompt = TokenIds.parse(input.ids, model.config().vocab());
            PrintStream out = System.out;
            boolean[] first = {true};
            java.util.function.IntPredicate print = id -> {
                if (!first[0]) out.print(' ');
                first[0] = false;
                out.print(id);
                out.flush();
                return true;
            };
            Session.Result r;
            SpeculativeDecoder.Stats drafting = null;
            if (draft < 0) throw new UserError("--draft must be >= 0, got " + draft);
            if (draft > 0) {
                if (model.config().mtpLayers() == 0) throw new UserError(run.model + " has no MTP layers, so --draft cannot be used");
                if (draft > model.config().mtpLayers()) throw new UserError("--draft " + draft + " exceeds the model's " + model.config().mtpLayers() + " MTP layers");
                SpeculativeDecoder.Result sr = new SpeculativeDecoder(session, draft).generate(prompt, maxTokens, sampling, null, print,
                        new SpeculativeDecoder.Options(!fixedDraft, null, null));
                r = sr.generation();
                drafting = sr.stats();
            } else {
                r = session.generate(prompt, maxTokens, sampling, null, print);
            }
            out.println();
            if (stats && drafting != null) {
                StringBuilder levels = new StringBuilder();
                for (int k = 1; k <= draft; k++) {
                    levels.append(String.format(" level %d: %d/%d (%.1f%%);", k, drafting.accepted()[k], drafting.drafted()[k], 100 * drafting.acceptance(k)));
                }
                System.err.printf("flash4j: drafted %d, accepted %d;%s %d verify passes, %.2f tokens per pass%n",
                        drafting.totalDrafted(), drafting.totalAccepted(), levels, drafting.verifyPasses(), drafting.tokensPerPass());
            }
            if (stats) {
                System.err.println("flash4j: " + dev.flash4j.runtime.KvCacheCost.describe(model.config(), model.options().kvCacheType(), model.options().contextSize(), model.options().batchSize()));
                System.err.printf("flash4j: prompt %d tokens at %.1f tokens/s, generated %d tokens at %.1f tokens/s%n",
                        r.promptTokens(), r.prefillTokensPerSecond(), r.tokens().length, r.decodeTokensPerSecond());
            }
        }
        return 0;
    }
}
