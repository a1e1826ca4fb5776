package dev.flash4j.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code flash4j tokenize --vocab V --file T} prints exactly the {@code .out} line of each
 * {@code .inp} case of a few shared vocabularies (one per tokenizer model).
 */
@Tag("conformance")
class TokenizeCommandConformanceTest {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "llama-spm", "bert-bge"})
    void printsTheExpectedIdsForEveryCase(String name) throws IOException {
        String shared = System.getProperty("flash4j.shared");
        assertNotNull(shared, "system property flash4j.shared is not set");
        Path vocab = Path.of(shared, "vocab", "ggml-vocab-" + name + ".gguf");
        Path inp = Path.of(vocab + ".inp"), out = Path.of(vocab + ".out");
        assertTrue(Files.exists(vocab) && Files.exists(inp) && Files.exists(out), "missing " + vocab + "(.inp/.out)");
        String all = Files.readString(inp, StandardCharsets.UTF_8);
        List<String> expected = Files.readAllLines(out, StandardCharsets.UTF_8);
        Path text = Files.createTempFile("case", ".txt");
        try {
            int pos = 0, i = 0;
            while (pos < all.length()) {
                int sep = all.indexOf(SEPARATOR, pos);
                Files.writeString(text, all.substring(pos, sep));
                pos = sep + SEPARATOR.length();
                assertEquals(expected.get(i).strip() + "\n", run("tokenize", "--vocab", vocab.toString(), "--file", text.toString()), name + " case " + i);
                i++;
            }
            assertEquals(expected.size(), i);
        } finally {
            Files.deleteIfExists(text);
        }
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.execute(args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
