package dev.flash4j.cli;

import dev.flash4j.runtime.ChatFormat;
import dev.flash4j.runtime.GenerationListener;
import dev.flash4j.runtime.GenerationOptions;
import dev.flash4j.runtime.GenerationResult;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.SamplingOptions;
import dev.flash4j.runtime.Session;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code generate}: feed a prompt (token ids, text, or text wrapped as one chat message), stream
 * what the model generates: the decoded text, or the ids with {@code --print-ids} or {@code --ids}.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate after a prompt and stream the output.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Mixin
    SamplingFlags sampling;

    static final class Input {
        @Option(names = "--ids", paramLabel = "IDS", description = "prompt token ids, e.g. \"1 5 9\" (fed as is; prints ids)")
        String ids;
        @Option(names = "--prompt", paramLabel = "TEXT", description = "prompt text (tokenized with the model's vocabulary, BOS as it asks)")
        String prompt;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--max-tokens", required = true, paramLabel = "N", description = "tokens to generate at most")
    int maxTokens;

    @Option(names = "--stop", paramLabel = "STRING", description = "stop when the output contains STRING (repeatable; not printed; \\n, \\t and \\\\ are unescaped)")
    List<String> stops = new ArrayList<>();

    @Option(names = "--chat", description = "wrap --prompt as one user message with the model's chat template")
    boolean chat;

    @Option(names = "--print-ids", description = "print token ids instead of text")
    boolean printIds;

    @Option(names = "--stats", description = "print prompt and decode speed to stderr")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 0) throw new UserError("--max-tokens must be >= 0, got " + maxTokens);
        if (chat && input.prompt == null) throw new UserError("--chat needs --prompt");
        SamplingOptions samplingOptions = sampling.toOptions();
        if (input.ids != null && !stops.isEmpty()) throw new UserError("--stop needs --prompt (text)");
        List<String> stopStrings = StopFlags.parse(stops);
        int idCount = input.ids != null ? input.ids.trim().split("[\\s,]+").length : 0;
        try (Model model = Model.load(run.model, run.toOptions(idCount + maxTokens)); Session session = model.newSession()) {
            int[] prompt = input.ids != null ? TokenIds.parse(input.ids, model.config().vocab()) : tokenize(model);
            if (prompt.length == 0) throw new UserError("the prompt is empty");
            if (prompt.length + maxTokens > session.contextSize()) {
                throw new UserError("the prompt (" + prompt.length + " tokens) plus --max-tokens " + maxTokens
                        + " exceed the context of " + session.contextSize() + " positions; raise --ctx");
            }
            PrintStream out = Utf8Out.stdout();
            Stats r;
            if (input.ids != null) {
                // raw ids need no tokenizer and imply nothing about the vocabulary: no stop tokens
                Session.Result res = session.generate(prompt, maxTokens, samplingOptions, null, printingIds(out)::onToken);
                r = new Stats(res.promptTokens(), res.prefillTokensPerSecond(), res.tokens().length, res.decodeTokensPerSecond(), res.stopReason());
            } else {
                GenerationOptions options = GenerationOptions.defaults().withMaxTokens(maxTokens).withSampling(samplingOptions).withStopStrings(stopStrings);
                GenerationResult res = session.generate(prompt, options, printIds ? printingIds(out) : printingText(out));
                r = new Stats(res.usage().promptTokens(), res.timings().prefillTokensPerSecond(), res.usage().completionTokens(),
                        res.timings().decodeTokensPerSecond(), res.stopReason());
            }
            out.println();
            out.flush();
            if (stats) {
                System.err.printf("flash4j: prompt %d tokens at %.1f tokens/s, generated %d tokens at %.1f tokens/s, stopped: %s%n",
                        r.promptTokens, r.prefillPerSecond, r.generated, r.decodePerSecond, r.reason.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return 0;
    }

    private record Stats(int promptTokens, double prefillPerSecond, int generated, double decodePerSecond, Session.StopReason reason) {}

    private int[] tokenize(Model model) {
        if (!chat) return model.tokenizer().encode(input.prompt, true, true);
        if (!model.hasChatTemplate()) throw new UserError(run.model.getFileName() + " has no chat template (tokenizer.chat_template); drop --chat");
        ChatFormat format = new ChatFormat(model);
        return format.tokenize(format.render(List.of(Map.of("role", "user", "content", input.prompt)), null, Map.of()), true);
    }

    private static GenerationListener printingIds(PrintStream out) {
        return new GenerationListener() {
            boolean first = true;

            @Override
            public boolean onToken(int id) {
                if (!first) out.print(' ');
                first = false;
                out.print(id);
                out.flush();
                return true;
            }
        };
    }

    private static GenerationListener printingText(PrintStream out) {
        return GenerationListener.text(piece -> {
            out.print(piece);
            out.flush();
        });
    }
}
