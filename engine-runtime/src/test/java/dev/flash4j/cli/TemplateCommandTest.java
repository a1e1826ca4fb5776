package dev.flash4j.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code flash4j template}: exact stdout, @FILE arguments, GGUF-embedded templates, one-line errors. */
class TemplateCommandTest {
    private static final String TEMPLATE = """
            {{- bos_token }}
            {%- for m in messages %}
            {%- if m.role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}
            <|{{ m.role }}|>{{ m.content }}{{ eos_token }}
            {% endfor %}
            {%- if tools %}tools={{ tools|map(attribute='function.name')|join(',') }}
            {% endif %}
            {%- if add_generation_prompt %}<|assistant|>{% endif %}""";
    private static final String MESSAGES = "[{\"role\": \"user\", \"content\": \"Hi ✓\"}]";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path templateFile() throws IOException {
        return Files.writeString(dir.resolve("t.jinja"), TEMPLATE);
    }

    @Test
    void printsThePromptExactlyWithoutAddingANewline() throws IOException {
        int rc = Main.execute("template", "--template", templateFile().toString(), "--bos", "<s>", "--eos", "</s>",
                "--messages", MESSAGES, "--generation-prompt");
        assertEquals(0, rc, stderr());
        assertEquals("<s><|user|>Hi ✓</s>\n<|assistant|>", stdout());
    }

    @Test
    void readsMessagesAndToolsFromFiles() throws IOException {
        Path msgs = Files.writeString(dir.resolve("m.json"), MESSAGES);
        Path tools = Files.writeString(dir.resolve("tools.json"), "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]");
        int rc = Main.execute("template", "--template", templateFile().toString(), "--messages", "@" + msgs, "--tools", "@" + tools);
        assertEquals(0, rc, stderr());
        assertEquals("<|user|>Hi ✓\ntools=get_weather\n", stdout());
    }

    @Test
    void usesTheTemplateAndSpecialTokensOfAGgufModel() throws IOException {
        Path model = dir.resolve("m.gguf");
        Files.write(model, TinyGguf.withChatTemplate(TEMPLATE, List.of("<unk>", "<|begin|>", "<|end|>"), 1, 2));
        int rc = Main.execute("template", "--model", model.toString(), "--messages", MESSAGES);
        assertEquals(0, rc, stderr());
        assertEquals("<|begin|><|user|>Hi ✓<|end|>\n", stdout());
    }

    @Test
    void aModelWithoutTemplateIsAClearError() throws IOException {
        Path model = dir.resolve("m.gguf");
        Files.write(model, TinyGguf.withChatTemplate(null, List.of("<unk>"), 0, 0));
        assertEquals(1, Main.execute("template", "--model", model.toString(), "--messages", MESSAGES));
        assertEquals("flash4j: " + model + " has no tokenizer.chat_template; pass a template with --template\n", stderr().replace("\r\n", "\n"));
    }

    @Test
    void raiseExceptionIsOneLineOnStderrAndNonZeroExit() throws IOException {
        int rc = Main.execute("template", "--template", templateFile().toString(),
                "--messages", "[{\"role\": \"system\", \"content\": \"x\"}]");
        assertEquals(1, rc);
        assertEquals("", stdout());
        String e = stderr().strip();
        assertEquals("flash4j: the chat template rejected the conversation: System role not supported", e);
    }

    @Test
    void badInputsAreOneLineErrors() throws IOException {
        String t = templateFile().toString();
        assertEquals(1, Main.execute("template", "--template", t, "--messages", "[{\"role\": "));
        assertTrue(stderr().startsWith("flash4j: --messages: invalid JSON"), stderr());
        err.reset();
        assertEquals(1, Main.execute("template", "--template", t, "--messages", "@" + dir.resolve("missing.json")));
        assertTrue(stderr().startsWith("flash4j: --messages: no such file"), stderr());
        err.reset();
        Path broken = Files.writeString(dir.resolve("broken.jinja"), "x\n{% if true %}\n");
        assertEquals(1, Main.execute("template", "--template", broken.toString(), "--messages", "[]"));
        assertTrue(stderr().startsWith("flash4j: chat template syntax error: ") && stderr().contains("line 2"), stderr());
        err.reset();
        assertEquals(2, Main.execute("template", "--template", t, "--model", t, "--messages", "[]"));
        for (String s : List.of(stderr())) assertEquals(1, s.strip().lines().count(), s);
    }

    /** Writes minimal GGUF v3 files: metadata only, no tensors. */
    static final class TinyGguf {
        static byte[] withChatTemplate(String template, List<String> tokens, int bos, int eos) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0x46554747).putInt(3).putLong(0).putLong(template == null ? 3 : 4);
            if (template != null) {
                key(b, "tokenizer.chat_template");
                b.putInt(8);
                str(b, template);
            }
            key(b, "tokenizer.ggml.tokens");
            b.putInt(9).putInt(8).putLong(tokens.size());
            tokens.forEach(tok -> str(b, tok));
            key(b, "tokenizer.ggml.bos_token_id");
            b.putInt(4).putInt(bos);
            key(b, "tokenizer.ggml.eos_token_id");
            b.putInt(4).putInt(eos);
            while (b.position() % 32 != 0) b.put((byte) 0);
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return out;
        }

        private static void key(ByteBuffer b, String k) {
            str(b, k);
        }

        private static void str(ByteBuffer b, String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            b.putLong(bytes.length).put(bytes);
        }
    }
}
