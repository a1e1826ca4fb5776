package dev.flash4j.tokenizer;

import dev.flash4j.gguf.GgufFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code ggml-vocab-*.gguf} in {@code ../shared/vocab}: each case of its {@code .inp} file
 * must encode (no BOS, special tokens not parsed) to exactly the ids of its {@code .out} file,
 * as llama.cpp's test-tokenizer-0 checks. Vocabularies shipped without test cases (baichuan,
 * gpt-neox) are checked for lossless round trips over the shared test strings instead.
 */
@Tag("conformance")
class VocabConformanceTest {

    private static Path vocabDir() {
        String shared = System.getProperty("flash4j.shared");
        assertNotNull(shared, "system property flash4j.shared is not set");
        Path dir = Path.of(shared, "vocab");
        assertTrue(Files.isDirectory(dir), "missing " + dir);
        return dir;
    }

    private static List<Path> vocabFiles() throws IOException {
        try (Stream<Path> s = Files.list(vocabDir())) {
            List<Path> files = s.filter(p -> p.getFileName().toString().matches("ggml-vocab-.*\\.gguf")).sorted().toList();
            assertFalse(files.isEmpty(), "no ggml-vocab-*.gguf in " + vocabDir());
            return files;
        }
    }

    private static Tokenizer load(Path gguf) throws IOException {
        try (GgufFile f = GgufFile.open(gguf)) {
            return Tokenizer.fromMetadata(f.metadata());
        }
    }

    private static Path sibling(Path gguf, String ext) {
        return gguf.resolveSibling(gguf.getFileName() + ext);
    }

    @TestFactory
    Stream<DynamicTest> everyVocabularyMatchesItsExpectedIds() throws IOException {
        return vocabFiles().stream().map(gguf -> DynamicTest.dynamicTest(gguf.getFileName().toString(), () -> {
            Path inp = sibling(gguf, ".inp");
            Tokenizer tok = load(gguf);
            if (!Files.exists(inp)) {
                roundTrip(gguf, tok);
                return;
            }
            VocabTestCases cases = VocabTestCases.read(inp, sibling(gguf, ".out"));
            List<String> failures = new ArrayList<>();
            int pass = 0;
            for (int i = 0; i < cases.inputs().size(); i++) {
                String text = cases.inputs().get(i);
                int[] got = tok.encode(text, false, false);
                if (Arrays.equals(got, cases.expected().get(i))) pass++;
                else failures.add("case " + i + " '" + text.replace("\n", "\\n") + "': expected " + Arrays.toString(cases.expected().get(i)) + " got " + Arrays.toString(got));
            }
            System.out.printf("conformance %-32s %d/%d cases (model %s, pre %s)%n", gguf.getFileName(), pass, cases.inputs().size(), tok.model(), tok.preTokenizer());
            if (!failures.isEmpty()) fail(gguf.getFileName() + ": " + failures.size() + " cases differ:\n" + String.join("\n", failures));
        }));
    }

    /** Without expected ids: every shared test string must survive encode + decode unchanged. */
    private void roundTrip(Path gguf, Tokenizer tok) throws IOException {
        Path reference = vocabDir().resolve("ggml-vocab-gpt-2.gguf");
        VocabTestCases cases = VocabTestCases.read(sibling(reference, ".inp"), sibling(reference, ".out"));
        int pass = 0;
        List<String> failures = new ArrayList<>();
        for (String text : cases.inputs()) {
            String back = tok.decode(tok.encode(text, false, false), true);
            if (back.equals(text)) pass++;
            else failures.add("'" + text.replace("\n", "\\n") + "' came back as '" + back.replace("\n", "\\n") + "'");
        }
        System.out.printf("round-trip  %-32s %d/%d cases (no .inp/.out; model %s, pre %s)%n", gguf.getFileName(), pass, cases.inputs().size(), tok.model(), tok.preTokenizer());
        assertEquals(List.of(), failures, gguf.getFileName() + " round trip");
    }
}
