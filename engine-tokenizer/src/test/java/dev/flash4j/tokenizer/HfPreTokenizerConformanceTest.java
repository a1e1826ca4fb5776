package dev.flash4j.tokenizer;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufMetadata;
import dev.flash4j.gguf.GgufValueType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The pre-tokenizers that have no vocabulary with expected ids in {@code ../shared/vocab}
 * (DeepSeek-V3 — Step 3.5 Flash's —, Llama 3, Qwen2, GPT-4o) checked against Hugging Face's
 * {@code tokenizers}: GPT-2's byte-level BPE vocabulary (chosen because its merges cross the
 * most of these pre-tokenizers' boundaries: digit groups, a space before a symbol), with its
 * {@code tokenizer.ggml.pre} replaced, must encode the seeded random mixed-script strings of
 * {@code testdata/tokenizer/pretok-random.inp} to the ids Hugging Face produced for the same
 * vocabulary under the models' own {@code pre_tokenizer} sections ({@code pretok-random.<pre>.out},
 * made by {@code engine-tokenizer/tools/hf_pretok_fixture.py}; see docs/tokenizer.md).
 */
@Tag("conformance")
class HfPreTokenizerConformanceTest {

    private static Path dir(String property, String sub) {
        String root = System.getProperty(property);
        assertNotNull(root, "system property " + property + " is not set");
        Path dir = Path.of(root, sub);
        assertTrue(Files.isDirectory(dir), "missing " + dir);
        return dir;
    }

    /** The vocabulary's metadata with {@code tokenizer.ggml.pre} set to {@code pre}. */
    private static GgufMetadata withPre(GgufMetadata m, String pre) {
        Map<String, Object> values = new HashMap<>(m.asMap());
        Map<String, GgufValueType> types = new HashMap<>();
        for (String k : m.keys()) types.put(k, m.type(k));
        values.put(TokenizerKeys.PRE, pre);
        types.put(TokenizerKeys.PRE, GgufValueType.STRING);
        return new GgufMetadata(values, types);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deepseek-v3", "llama3", "qwen2", "gpt-4o"})
    void randomMixedStringsEncodeAsHuggingFaceDoes(String pre) throws IOException {
        Path vocab = dir("flash4j.shared", "vocab").resolve("ggml-vocab-gpt-2.gguf");
        Tokenizer tok;
        try (GgufFile f = GgufFile.open(vocab)) {
            tok = Tokenizer.fromMetadata(withPre(f.metadata(), pre));
        }
        Path fixtures = dir("flash4j.testdata", "tokenizer");
        VocabTestCases cases = VocabTestCases.read(fixtures.resolve("pretok-random.inp"), fixtures.resolve("pretok-random." + pre + ".out"));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.inputs().size(); i++) {
            String text = cases.inputs().get(i);
            int[] got = tok.encode(text, false, false);
            if (!Arrays.equals(got, cases.expected().get(i)))
                failures.add("case " + i + " " + escape(text) + "\n  expected " + Arrays.toString(cases.expected().get(i)) + "\n  got      " + Arrays.toString(got));
        }
        int n = cases.inputs().size();
        System.out.printf("HF cross-check %-12s %d/%d cases agree%n", pre, n - failures.size(), n);
        if (!failures.isEmpty())
            fail(pre + ": " + failures.size() + "/" + n + " cases differ from Hugging Face:\n" + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x85 || c == 0x2028 || c == 0x200b || c == 0xfeff || c == 0xa0 || c == 0x3000 || c == 0x2009) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.append('"').toString();
    }
}
