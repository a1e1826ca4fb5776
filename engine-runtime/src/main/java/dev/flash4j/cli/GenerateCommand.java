package dev.flash4j.cli;

import dev.flash4j.runtime.ChatFormat;
import dev.flash4j.runtime.GenerationListener;
import dev.flash4j.runtime.GenerationOptions;
import dev.flash4j.runtime.GenerationResult;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.SamplingOptions;
import dev.flash4j.runtime.Session;
import dev.flash4j.runtime.SpeculativeDecoder;
import dev.flash4j.tokenizer.TokenStreamDecoder;
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
        if (draft < 0) throw new UserError("--draft must be >= 0, got " + draft);
        if (chat && input.prompt == null) throw new UserError("--chat needs --prompt");
        SamplingOptions samplingOptions = sampling.toOptions();
        if (input.ids != null && !stops.isEmpty()) throw new UserError("--stop needs --prompt (text)");
        List<String> stopStrings = StopFlags.parse(stops);
        int idCount = input.ids != null ? TokenIds.count(input.ids) : 0;
        try (Model model = run.load(idCount + maxTokens); Session session = model.newSession()) {
            int[] prompt = input.ids != null ? TokenIds.parse(input.ids, model.config().vocab()) : tokenize(model);
            if (prompt.length == 0) throw new UserError("the prompt is empty");
            if (prompt.length + maxTokens > session.contextSize()) {
                throw new UserError("the prompt (" + prompt.length + " tokens) plus --max-tokens " + maxTokens
                        + " exceed the context of " + session.contextSize() + " positions; raise --ctx");
            }
            PrintStream out = Utf8Out.stdout();
            Stats r;
            SpeculativeDecoder.Stats drafting = null;
            if (draft > 0) {
                // speculative decoding runs on token ids: stop tokens only, text decoded as it streams
                if (!stopStrings.isEmpty()) throw new UserError("--stop cannot be combined with --draft yet");
                if (model.config().mtpLayers() == 0) throw new UserError(run.model + " has no MTP layers, so --draft cannot be used");
                if (draft > model.config().mtpLayers()) throw new UserError("--draft " + draft + " exceeds the model's " + model.config().mtpLayers() + " MTP layers");
                int[] stopTokens = input.ids != null ? null : model.endOfGenerationTokens();
                TextPrinter text = input.ids != null || printIds ? null : new TextPrinter(model, out, stopTokens);
                java.util.function.IntPredicate print = text != null ? text : printingIds(out)::onToken;
                SpeculativeDecoder.Result sr = new SpeculativeDecoder(session, draft).generate(prompt, maxTokens, samplingOptions, stopTokens, print,
                        new SpeculativeDecoder.Options(!fixedDraft, null, null));
                if (text != null) text.finish();
                Session.Result res = sr.generation();
                drafting = sr.stats();
                r = new Stats(res.promptTokens(), res.prefillTokensPerSecond(), res.tokens().length, res.decodeTokensPerSecond(), res.stopReason());
            } else if (input.ids != null) {
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

    /** Prints the text of each token as it comes (whole UTF-8 characters), leaving out stop tokens. */
    private static final class TextPrinter implements java.util.function.IntPredicate {
        final TokenStreamDecoder decoder;
        final PrintStream out;
        final int[] stopTokens;

        TextPrinter(Model model, PrintStream out, int[] stopTokens) {
            this.decoder = model.tokenizer().newStreamDecoder(false);
            this.out = out;
            this.stopTokens = stopTokens;
        }

        @Override
        public boolean test(int id) {
            for (int s : stopTokens) if (s == id) return true;
            out.print(decoder.push(id));
            out.flush();
            return true;
        }

        /** Prints what the decoder still holds (an unfinished character). */
        void finish() {
            out.print(decoder.flush());
        }
    }

    private static GenerationListener printingText(PrintStream out) {
        return GenerationListener.text(piece -> {
            out.print(piece);
            out.flush();
        });
    }
}
