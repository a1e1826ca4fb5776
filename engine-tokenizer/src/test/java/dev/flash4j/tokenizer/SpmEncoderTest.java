package dev.flash4j.tokenizer;

import dev.flash4j.gguf.GgufFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.flash4j.tokenizer.TestVocabs.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpmEncoderTest {

    /** {@code <unk> <s> </s> <0x00>..<0xFF> ▁ a b c ab bc ▁a} with the given merge scores. */
    private static TestVocabs spm(float abScore, float bcScore) {
        TestVocabs v = new TestVocabs("llama");
        v.token("<unk>", TokenType.UNKNOWN, 0);
        v.token("<s>", TokenType.CONTROL, 0);
        v.token("</s>", TokenType.CONTROL, 0);
        for (int b = 0; b < 256; b++) v.token(String.format("<0x%02X>", b), TokenType.BYTE, 0);
        v.token("▁", TokenType.NORMAL, -10);
        for (String s : List.of("a", "b", "c")) v.token(s, TokenType.NORMAL, -20);
        v.token("ab", TokenType.NORMAL, abScore);
        v.token("bc", TokenType.NORMAL, bcScore);
        v.token("▁a", TokenType.NORMAL, -0.5f);
        v.put("tokenizer.ggml.bos_token_id", 1).put("tokenizer.ggml.eos_token_id", 2).put("tokenizer.ggml.unknown_token_id", 0);
        return v;
    }

    @Test
    void highestScoringPairMergesFirstAfterTheSpacePrefix() {
        Tokenizer t = spm(-2, -1).build();
        // "▁abc": ▁a (-0.5) beats bc (-1) beats ab (-2); after ▁a, only b+c is left to merge
        assertArrayEquals(new int[] {id(t, "▁a"), id(t, "bc")}, t.encode("abc"));
    }

    @Test
    void withoutSpacePrefixScoresDecideBetweenOverlappingPairs() {
        Tokenizer bcWins = spm(-2, -1).put("tokenizer.ggml.add_space_prefix", false).build();
        assertArrayEquals(new int[] {id(bcWins, "a"), id(bcWins, "bc")}, bcWins.encode("abc"));
        Tokenizer abWins = spm(-1, -2).put("tokenizer.ggml.add_space_prefix", false).build();
        assertArrayEquals(new int[] {id(abWins, "ab"), id(abWins, "c")}, abWins.encode("abc"));
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToByteTokens() {
        Tokenizer t = spm(-2, -1).build();
        int[] ids = t.encode("é");
        assertArrayEquals(new int[] {id(t, "▁"), id(t, "<0xC3>"), id(t, "<0xA9>")}, ids);
        assertEquals("é", t.decode(ids));
    }

    @Test
    void bosComesFirstAndIsHiddenOnRequest() {
        Tokenizer t = spm(-2, -1).build();
        int[] ids = t.encode("abc", true, false);
        assertEquals(1, ids[0]);
        assertEquals("abc", t.decode(ids, true));
        assertEquals("<s>abc", t.decode(ids, false));
    }

    @Test
    void textAfterASpecialTokenGetsTheSpacePrefixAgain() {
        Tokenizer t = spm(-2, -1).build();
        assertArrayEquals(new int[] {id(t, "▁a"), 2, id(t, "▁a")}, t.encode("a</s>a", false, true));
    }

    private static Tokenizer tinyModel() throws IOException {
        String dir = System.getProperty("flash4j.testdata");
        assertNotNull(dir, "system property flash4j.testdata is not set");
        Path model = Path.of(dir, "models", "step35-tiny-a-q4_k_s.gguf");
        assertTrue(Files.exists(model), "missing " + model);
        try (GgufFile f = GgufFile.open(model)) {
            return Tokenizer.fromMetadata(f.metadata());
        }
    }

    @Test
    void tinyModelVocabularyRoundTrips() throws IOException {
        Tokenizer t = tinyModel();
        assertEquals(Tokenizer.Model.SPM, t.model());
        assertEquals(1024, t.vocabSize());
        for (String s : List.of("Hello world", "  two leading spaces", "line one\nline two\n\n", "tab\tand trailing ",
                "中文 and emoji 😀 mixed", "Ünïcödé ünd ß", "", " ")) {
            int[] ids = t.encode(s, true, false);
            assertEquals(t.bos(), ids[0], "BOS first for '" + s + "'");
            assertEquals(s, t.decode(ids, true), "round trip");
        }
    }

    @Test
    void tinyModelUsesMultiCharacterPieces() throws IOException {
        Tokenizer t = tinyModel();
        String s = "the theory of the thing";
        int[] ids = t.encode(s);
        assertTrue(ids.length < s.getBytes(StandardCharsets.UTF_8).length, "merges should shorten the sequence: " + ids.length);
        assertTrue(t.piece(ids[0]).startsWith("▁"), "first piece carries the space prefix: " + t.piece(ids[0]));
    }

    @Test
    void streamingNeverSplitsACharacterBuiltFromByteTokens() throws IOException {
        Tokenizer t = tinyModel();
        int[] ids = t.encode("中😀");
        TokenStreamDecoder d = t.newStreamDecoder();
        StringBuilder all = new StringBuilder();
        for (int id : ids) {
            String piece = d.push(id);
            for (int i = 0; i < piece.length(); i++) {
                char c = piece.charAt(i);
                assertTrue(c != '\uFFFD', "replacement character streamed");
            }
            if (!piece.isEmpty()) assertTrue(List.of("中", "😀").contains(piece), "piece '" + piece + "'");
            all.append(piece);
        }
        all.append(d.flush());
        assertEquals("中😀", all.toString());
    }
}
