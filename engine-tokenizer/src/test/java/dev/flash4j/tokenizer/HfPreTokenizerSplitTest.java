package dev.flash4j.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Where the DeepSeek-V3 (Step 3.5 Flash), Llama 3, Qwen2 and GPT-4o pre-tokenizers cut text, checked
 * against Hugging Face's {@code tokenizers}: for every seeded random mixed-script string of
 * {@code testdata/tokenizer/pretok-random.inp}, the pieces must end at the code-point offsets
 * that Hugging Face's {@code pre_tokenize_str} gave under the models' own {@code pre_tokenizer}
 * sections ({@code pretok-random.<pre>.splits}, made by
 * {@code engine-tokenizer/tools/hf_pretok_fixture.py}). Independent of any vocabulary, so it
 * sees every boundary, also those a vocabulary would never merge across.
 */
class HfPreTokenizerSplitTest {

    /** {@code name} is a {@code tokenizer.ggml.pre} value, {@code pre} the fixture it must match. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"deepseek-v3, deepseek-v3", "step35, deepseek-v3", "llama3, llama3", "llama-bpe, llama3", "qwen2, qwen2", "gpt-4o, gpt-4o"})
    void piecesEndWhereHuggingFaceCuts(String name, String pre) throws IOException {
        String root = System.getProperty("flash4j.testdata");
        assertNotNull(root, "system property flash4j.testdata is not set");
        Path dir = Path.of(root, "tokenizer");
        assertTrue(Files.isDirectory(dir), "missing " + dir);
        VocabTestCases cases = VocabTestCases.read(dir.resolve("pretok-random.inp"), dir.resolve("pretok-random." + pre + ".splits"));
        PreTokenizer p = PreTokenizer.forName(name);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.inputs().size(); i++) {
            String text = cases.inputs().get(i);
            int[] got = pieceEnds(text, p.split(text));
            if (!Arrays.equals(got, cases.expected().get(i)))
                failures.add("case " + i + " " + pieces(text, cases.expected().get(i)) + "\n  ours " + pieces(text, got));
        }
        int n = cases.inputs().size();
        System.out.printf("HF split check %-12s %d/%d cases agree%n", name, n - failures.size(), n);
        if (!failures.isEmpty())
            fail(name + ": " + failures.size() + "/" + n + " cases split differently from Hugging Face:\n" + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    }

    /** Code-point offsets of the ends of the pieces {@code [start0, end0, start1, end1, ...]} (char offsets). */
    private static int[] pieceEnds(String text, int[] pieces) {
        int[] ends = new int[pieces.length / 2];
        for (int i = 0; i < ends.length; i++) ends[i] = text.codePointCount(0, pieces[2 * i + 1]);
        return ends;
    }

    /** The text cut at the given code-point offsets, escaped, for a failure message. */
    private static String pieces(String text, int[] ends) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int end : ends) {
            int a = text.offsetByCodePoints(0, Math.min(start, text.codePointCount(0, text.length())));
            int b = text.offsetByCodePoints(0, Math.min(end, text.codePointCount(0, text.length())));
            out.add(escape(text.substring(a, b)));
            start = end;
        }
        return String.join(" | ", out);
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x85 || c == 0xa0 || c == 0x2009 || c == 0x200b || c == 0x2028 || c == 0x3000 || c == 0xfeff)
                b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.append('"').toString();
    }
}
