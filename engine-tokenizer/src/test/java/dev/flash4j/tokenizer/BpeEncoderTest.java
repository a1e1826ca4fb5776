package dev.flash4j.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.flash4j.tokenizer.TestVocabs.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpeEncoderTest {

    @Test
    void mergesBuildWordsWithinPreTokenizedPieces() {
        Tokenizer t = TestVocabs.byteLevel("gpt-2", "h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld").build();
        // "hello" and " world" are separate words: no merge may cross the space boundary
        assertArrayEquals(new int[] {id(t, "hello"), id(t, "Ġworld")}, t.encode("hello world"));
        // without the space, "world" starts a word and only the rules without Ġ apply: w, or, ld
        assertArrayEquals(new int[] {id(t, "hello"), id(t, "w"), id(t, "or"), id(t, "ld")}, t.encode("helloworld"));
    }

    @Test
    void lowerRankMergeWinsOverLaterOne() {
        Tokenizer bcFirst = TestVocabs.byteLevel("gpt-2", "b c", "a b").build();
        assertArrayEquals(new int[] {id(bcFirst, "a"), id(bcFirst, "bc")}, bcFirst.encode("abc"));
        Tokenizer abFirst = TestVocabs.byteLevel("gpt-2", "a b", "b c").build();
        assertArrayEquals(new int[] {id(abFirst, "ab"), id(abFirst, "c")}, abFirst.encode("abc"));
    }

    @Test
    void equalPairsMergeLeftmostFirst() {
        Tokenizer t = TestVocabs.byteLevel("gpt-2", "a a").build();
        // "aaa": the pair at 0 merges first, leaving the third a alone
        assertArrayEquals(new int[] {id(t, "aa"), id(t, "a")}, t.encode("aaa"));
        assertArrayEquals(new int[] {id(t, "aa"), id(t, "aa")}, t.encode("aaaa"));
    }

    @Test
    void nonAsciiTextIsEncodedAsUtf8ByteTokens() {
        Tokenizer t = TestVocabs.byteLevel("gpt-2").build();
        // é = C3 A9; the byte tokens are at the byte's position in the 256-entry table
        assertArrayEquals(new int[] {0xC3, 0xA9}, t.encode("é"));
        // space (0x20) is the table character Ġ
        assertEquals("Ġ", t.piece(t.encode(" ")[0]));
    }

    @Test
    void ignoreMergesEmitsWholeVocabularyWords() {
        // llama3-style vocabularies take a word that is a token as is, even if no rule chain builds it
        TestVocabs v = TestVocabs.byteLevel("llama-bpe", "a b");
        int whole = v.token("abc");
        Tokenizer t = v.build();
        assertArrayEquals(new int[] {whole}, t.encode("abc"));
        Tokenizer gpt2 = TestVocabs.byteLevel("gpt-2", "a b").build();
        assertEquals(2, gpt2.encode("abc").length);
    }

    @Test
    void controlTokensAreParsedOnlyWhenAsked() {
        TestVocabs v = TestVocabs.byteLevel("qwen2", "h i");
        int think = v.token("<think>", TokenType.CONTROL, 0);
        Tokenizer t = v.build();
        assertArrayEquals(new int[] {think, id(t, "hi"), think}, t.encode("<think>hi<think>", false, true));
        int[] plain = t.encode("<think>hi", false, false);
        assertFalse(java.util.Arrays.stream(plain).anyMatch(i -> i == think));
        assertEquals("<think>hi", t.decode(plain));
        assertTrue(t.isSpecial(think));
        assertEquals(think, t.tokenId("<think>"));
    }

    @Test
    void userDefinedTokensAreMatchedEvenWithoutParseSpecial() {
        TestVocabs v = TestVocabs.byteLevel("gpt-2");
        int threeSpaces = v.token("   ", TokenType.USER_DEFINED, 0);
        Tokenizer t = v.build();
        int[] ids = t.encode("a   b", false, false);
        assertArrayEquals(new int[] {id(t, "a"), threeSpaces, id(t, "b")}, ids);
        assertEquals("a   b", t.decode(ids));
    }

    @Test
    void bosIsAddedWhenTheVocabularySaysSo() {
        TestVocabs v = TestVocabs.byteLevel("gpt-2");
        int bos = v.token("<|bos|>", TokenType.CONTROL, 0);
        v.put("tokenizer.ggml.bos_token_id", bos).put("tokenizer.ggml.add_bos_token", true);
        Tokenizer t = v.build();
        assertEquals(bos, t.bos());
        assertEquals(bos, t.encode("x", true, false)[0]);
        assertEquals(1, t.encode("x", false, false).length);
        assertEquals("x", t.decode(t.encode("x", true, false), true));
    }

    @Test
    void randomTextSurvivesEncodeAndDecode() {
        Tokenizer t = TestVocabs.byteLevel("gpt-2", "Ġ t", "h e", "Ġt he", "i n", "Ã ©").build();
        Random rnd = new Random(42);
        String alphabet = "the in é 😀 中文 \n\t  ,.'s'll 123 x";
        for (int n = 0; n < 200; n++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(40);
            for (int i = 0; i < len; i++) {
                int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, rnd.nextInt(alphabet.codePointCount(0, alphabet.length()))));
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertEquals(s, t.decode(t.encode(s)), "round trip of '" + s + "'");
        }
    }
}
