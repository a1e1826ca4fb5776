package dev.flash4j.cli;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufMetadata;
import dev.flash4j.jinja.ChatPrompt;
import dev.flash4j.jinja.ChatTemplate;
import dev.flash4j.jinja.ChatTemplateException;
import dev.flash4j.jinja.TemplateException;
import dev.flash4j.jinja.TemplateSyntaxException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code template}: renders a chat template for a conversation and prints the prompt exactly as
 * the model would see it (no newline added), so templates can be checked without loading weights.
 */
@Command(name = "template", mixinStandardHelpOptions = true,
        description = {"Render a chat template (tokenizer.chat_template of a GGUF model, or a .jinja file) for a conversation "
                + "and print the prompt exactly, without adding a trailing newline.",
                "JSON arguments are given inline, or as @FILE to read them from a file."})
final class TemplateCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--model", paramLabel = "MODEL", required = true,
                description = "GGUF model: uses its tokenizer.chat_template and its BOS/EOS token text")
        Path model;

        @Option(names = "--template", paramLabel = "FILE", required = true, description = "Jinja template file")
        Path template;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--messages", paramLabel = "JSON", required = true,
            description = "OpenAI-style messages: a JSON array, inline or @FILE")
    String messages;

    @Option(names = "--tools", paramLabel = "JSON", description = "OpenAI-style tool list: a JSON array, inline or @FILE")
    String tools;

    @Option(names = "--vars", paramLabel = "JSON",
            description = "extra template variables as a JSON object, inline or @FILE (e.g. '{\"enable_thinking\": false}')")
    String vars;

    @Option(names = "--generation-prompt", description = "end with the assistant turn header (add_generation_prompt)")
    boolean generationPrompt;

    @Option(names = "--bos", paramLabel = "TEXT", description = "bos_token text (default: the model's, or empty with --template)")
    String bos;

    @Option(names = "--eos", paramLabel = "TEXT", description = "eos_token text (default: the model's, or empty with --template)")
    String eos;

    @Override
    public Integer call() throws Exception {
        String templateSource;
        String bosText = bos;
        String eosText = eos;
        if (source.model != null) {
            try (GgufFile f = GgufFile.open(source.model)) {
                GgufMetadata md = f.metadata();
                if (!md.has("tokenizer.chat_template")) {
                    throw new UserError(source.model + " has no tokenizer.chat_template; pass a template with --template");
                }
                templateSource = md.getString("tokenizer.chat_template");
                if (bosText == null) bosText = tokenText(md, "tokenizer.ggml.bos_token_id");
                if (eosText == null) eosText = tokenText(md, "tokenizer.ggml.eos_token_id");
            }
        } else {
            templateSource = readFile(source.template, "--template");
        }
        List<Map<String, Object>> msgs = objectList("--messages", messages);
        List<Map<String, Object>> toolList = tools == null ? null : objectList("--tools", tools);
        Map<String, Object> extra = vars == null ? Map.of() : object("--vars", vars);

        String prompt;
        try {
            ChatTemplate template = ChatTemplate.parse(templateSource);
            prompt = ChatPrompt.render(template, msgs, toolList, generationPrompt, bosText, eosText, extra);
        } catch (ChatTemplateException e) {
            throw new UserError("the chat template rejected the conversation: " + oneLine(e.getMessage()));
        } catch (TemplateSyntaxException e) {
            throw new UserError("chat template syntax error: " + oneLine(e.getMessage()));
        } catch (TemplateException e) {
            throw new UserError("chat template failed" + (e.line() > 0 ? " at line " + e.line() : "") + ": " + oneLine(e.getMessage()));
        }
        PrintStream out = System.out;
        out.write(prompt.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return 0;
    }

    /** The text of the special token whose id is stored under {@code key}, or empty if the model has none. */
    private static String tokenText(GgufMetadata md, String key) {
        if (!md.has(key) || !md.has("tokenizer.ggml.tokens")) return "";
        long id = md.getLong(key);
        List<String> tokens = md.getStrings("tokenizer.ggml.tokens");
        if (id < 0 || id >= tokens.size()) throw new UserError(key + " = " + id + " is outside the vocabulary (" + tokens.size() + " tokens)");
        return tokens.get((int) id);
    }

    private static String oneLine(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /** Inline text, or the contents of FILE for {@code @FILE}. */
    private static String inlineOrFile(String option, String value) throws IOException {
        if (!value.startsWith("@")) return value;
        return readFile(Path.of(value.substring(1)), option);
    }

    private static String readFile(Path p, String option) throws IOException {
        byte[] bytes = CliFiles.read(option, p);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(option + ": " + p + " is not UTF-8 text");
        }
    }

    private static List<Map<String, Object>> objectList(String option, String value) throws IOException {
        try {
            return ChatPrompt.parseObjectList(inlineOrFile(option, value));
        } catch (IllegalArgumentException e) {
            throw new UserError(option + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> object(String option, String value) throws IOException {
        try {
            return ChatPrompt.parseObject(inlineOrFile(option, value));
        } catch (IllegalArgumentException e) {
            throw new UserError(option + ": " + e.getMessage());
        }
    }
}
