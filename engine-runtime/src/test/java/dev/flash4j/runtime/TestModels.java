package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The committed tiny models, and copies of them with a chat template (they ship without one). */
public final class TestModels {
    /** A small chat template in the usual shape: role headers (unknown roles rejected), an end marker per turn, tool names;
     * the variable {@code think} opens reasoning in the generation prompt, as Step 3.5's template does. */
    public static final String CHAT_TEMPLATE =
            "{%- if tools %}<|tools|>{% for t in tools %}{{ t.function.name }};{% endfor %}{{ eos_token }}{% endif %}"
            + "{%- for m in messages %}{% if m.role not in ['system', 'user', 'assistant', 'tool'] %}"
            + "{{ raise_exception('unknown role ' + m.role) }}{% endif %}<|{{ m.role }}|>{{ m.content }}{{ eos_token }}{% endfor %}"
            + "{%- if add_generation_prompt %}<|assistant|>{% if think %}<think>\n{% endif %}{% endif %}";

    private TestModels() {}

    public static Path testdata() {
        String dir = System.getProperty("flash4j.testdata");
        if (dir == null) fail("system property flash4j.testdata is not set (run through Maven)");
        return Path.of(dir);
    }

    /** A committed model under testdata/models; fails loudly when it is missing. */
    public static Path committed(String name) {
        Path p = testdata().resolve("models").resolve(name);
        assertTrue(Files.isRegularFile(p), "missing committed model " + p);
        return p;
    }

    /** The f16 tiny model (its SentencePiece vocabulary has BOS 1, EOS 2, add_bos_token true). */
    public static Path tiny() {
        return committed("step35-tiny-a-mtp-f16.gguf");
    }

    /** Writes a copy of the tiny f16 model with {@code template} as tokenizer.chat_template into {@code dir}. */
    public static Path withChatTemplate(Path dir, String template) throws IOException {
        Path out = dir.resolve("tiny-chat.gguf");
        try (GgufFile f = GgufFile.open(tiny())) {
            GgufWriter.copyOf(f).putString("tokenizer.chat_template", template).write(out);
        }
        return out;
    }

    /** Small, exact options for tests: 2 threads, f32 KV cache, 256 positions, batches of 16. */
    public static ModelOptions options() {
        return ModelOptions.defaults().withThreads(2).withKvCacheType(KvCacheType.F32).withContextSize(256).withBatchSize(16);
    }
}
