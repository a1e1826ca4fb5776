package dev.flash4j.tokenizer;

import org.junit.jupiter.api.Test;

import static dev.flash4j.tokenizer.TestVocabs.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WordPieceEncoderTest {

    private static Tokenizer bert() {
        TestVocabs v = new TestVocabs("bert");
        v.token("[PAD]", TokenType.CONTROL, 0);
        v.token("[UNK]", TokenType.CONTROL, 0);
        v.token("[CLS]", TokenType.CONTROL, 0);
        v.token("[SEP]", TokenType.CONTROL, 0);
        for (String s : new String[] {"▁hello", "▁un", "aff", "able", "▁unaff", "▁!", "▁,", "▁cafe", "▁中", "▁x"}) v.token(s);
        v.put("tokenizer.ggml.unknown_token_id", 1).put("tokenizer.ggml.cls_token_id", 2).put("tokenizer.ggml.seperator_token_id", 3);
        return v.build();
    }

    @Test
    void lowerCasesStripsAccentsAndMatchesLongestPiecesFirst() {
        Tokenizer t = bert();
        // ▁unaff is longer than ▁un, so it wins; é loses its accent; punctuation is its own word
        assertArrayEquals(new int[] {id(t, "▁hello"), id(t, "▁,"), id(t, "▁unaff"), id(t, "able"), id(t, "▁cafe"), id(t, "▁!")},
                t.encode("Hello, UNAFFABLE Café!"));
    }

    @Test
    void aWordWithAnUnmatchedRestBecomesUnknown() {
        Tokenizer t = bert();
        assertArrayEquals(new int[] {1, id(t, "▁x")}, t.encode("xyz x"));
        // CJK ideographs are words of their own
        assertArrayEquals(new int[] {id(t, "▁中"), id(t, "▁x")}, t.encode("中x"));
    }

    @Test
    void wordsLongerThanAHundredCharactersAreUnknown() {
        Tokenizer t = bert();
        String hundred = "un" + "able".repeat(23) + "affaff"; // 2 + 92 + 6 = 100 characters
        int[] ids = t.encode(hundred);
        assertEquals(26, ids.length);
        assertEquals(id(t, "▁un"), ids[0]);
        String hundredOne = "un" + "able".repeat(24) + "aff"; // 101 characters, every piece known
        assertArrayEquals(new int[] {1}, t.encode(hundredOne));
    }

    @Test
    void specialFramingAddsClsAndSep() {
        Tokenizer t = bert();
        assertArrayEquals(new int[] {2, id(t, "▁hello"), 3}, t.encode("hello", true, false));
    }
}
