package dev.flash4j.cli;

import dev.flash4j.runtime.ChatListener;
import dev.flash4j.runtime.ChatReply;
import dev.flash4j.runtime.ChatSession;
import dev.flash4j.runtime.GenerationOptions;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.Session;
import dev.flash4j.runtime.Step35OutputParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code chat}: an interactive conversation with the model's chat template. Reads one user
 * message per line from stdin and streams each reply; the history is kept (and the KV cache
 * reused) across turns. {@code /reset} starts over, {@code /exit} or end of input quits.
 * Replies are split by Step 3.5's output format ({@code <think>} reasoning, {@code <tool_call>}
 * blocks): reasoning is shown dimmed on a terminal and as plain text otherwise.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat with the model: one message per line on stdin, replies streamed to stdout.",
                "Commands: /reset clears the history and the cache, /exit (or end of input) quits."})
final class ChatCommand implements Callable<Integer> {
    private static final String DIM = "\u001b[2m", PLAIN = "\u001b[0m";

    @Mixin
    RunOptions run;

    @Mixin
    SamplingFlags sampling;

    @Option(names = "--system", paramLabel = "TEXT", description = "system prompt")
    String system;

    @Option(names = "--max-tokens", defaultValue = "1024", paramLabel = "N", description = "tokens per reply at most (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--stop", paramLabel = "STRING", description = "also end a reply at STRING (repeatable; not printed; \\n, \\t and \\\\ are unescaped)")
    List<String> stops = new ArrayList<>();

    @Option(names = "--stats", description = "print prompt and decode speed of each reply to stderr")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1) throw new UserError("--max-tokens must be >= 1, got " + maxTokens);
        GenerationOptions options = GenerationOptions.defaults().withMaxTokens(maxTokens).withSampling(sampling.toOptions()).withStopStrings(StopFlags.parse(stops));
        Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        PrintStream out = Utf8Out.stdout();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Model model = run.load(maxTokens + 1)) {
            if (!model.hasChatTemplate()) throw new UserError(run.model.getFileName() + " has no chat template (tokenizer.chat_template); chat needs one");
            try (ChatSession chat = new ChatSession(model.newSession())) {
                chat.systemPrompt(system).options(options).outputParser(Step35OutputParser.factory());
                converse(chat, in, out, terminal);
            }
        }
        return 0;
    }

    private void converse(ChatSession chat, BufferedReader in, PrintStream out, boolean terminal) throws java.io.IOException {
        while (true) {
            if (terminal) {
                out.print("> ");
                out.flush();
            }
            String line = in.readLine();
            if (line == null || line.strip().equals("/exit")) return;
            if (line.isBlank()) continue;
            if (line.strip().equals("/reset")) {
                chat.reset();
                if (terminal) out.println("(history cleared)");
                continue;
            }
            ChatReply reply;
            try {
                reply = chat.send(line, printer(out, terminal));
            } catch (IllegalStateException | IllegalArgumentException e) {
                // e.g. the conversation outgrew the context: say so and keep the chat open
                out.println();
                System.err.println("flash4j: " + Main.describe(e) + (e instanceof IllegalStateException ? " (/reset to start over)" : ""));
                continue;
            }
            out.println();
            out.flush();
            if (reply.generation().stopReason() == Session.StopReason.CONTEXT_FULL) {
                System.err.println("flash4j: the context is full; /reset to start over");
            }
            if (stats) {
                var g = reply.generation();
                System.err.printf("flash4j: prompt %d tokens (%d reused) at %.1f tokens/s, generated %d tokens at %.1f tokens/s%n",
                        g.usage().promptTokens(), g.usage().cachedTokens(), g.timings().prefillTokensPerSecond(),
                        g.usage().completionTokens(), g.timings().decodeTokensPerSecond());
            }
        }
    }

    /** Streams a reply: reasoning dimmed on a terminal, content plain, tool calls on their own line. */
    static ChatListener printer(PrintStream out, boolean terminal) {
        return new ChatListener() {
            @Override
            public void onReasoning(String delta) {
                out.print(terminal ? DIM + delta + PLAIN : delta);
                out.flush();
            }

            @Override
            public void onContent(String delta) {
                out.print(delta);
                out.flush();
            }

            @Override
            public void onToolCall(String name, String argumentsJson) {
                out.println();
                out.print("[tool call] " + name + " " + argumentsJson);
                out.flush();
            }
        };
    }
}
