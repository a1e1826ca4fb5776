package dev.flash4j.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PreTokenizerTest {

    private static List<String> split(String pre, String text) {
        int[] o = PreTokenizer.forName(pre).split(text);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < o.length; i += 2) words.add(text.substring(o[i], o[i + 1]));
        return words;
    }

    @Test
    void gpt2SplitsLettersNumbersPunctuationAndKeepsSpaceBeforeAWord() {
        assertEquals(List.of("Hello", ",", " y", "'", "all", "!", " 123", " ", " x"), split("gpt-2", "Hello, y'all! 123  x"));
        assertEquals(List.of("I", "'ll"), split("gpt-2", "I'll"));
        // the contractions of GPT-2 are case-sensitive
        assertEquals(List.of("I", "'", "LL"), split("gpt-2", "I'LL"));
    }

    @Test
    void qwen2ContractionsIgnoreCaseAndDigitsStandAlone() {
        assertEquals(List.of("I", "'LL"), split("qwen2", "I'LL"));
        assertEquals(List.of("1", "2", "3", "4", "5"), split("qwen2", "12345"));
    }

    @Test
    void llama3GroupsDigitsByThreeAndNewlinesTogether() {
        assertEquals(List.of("123", "45"), split("llama-bpe", "12345"));
        assertEquals(List.of("Hello", "\n\n", "world"), split("llama3", "Hello\n\nworld"));
    }

    @Test
    void regexSequencesSplitThePiecesOfTheRegexBefore() {
        // starcoder: digits are isolated first, then GPT-2's regex runs inside each piece
        assertEquals(List.of("x", " ", "1", "2", "3"), split("starcoder", "x 123"));
        // deepseek-v3: numbers in groups of three first
        assertEquals(List.of("abc", " ", "123", "45"), split("deepseek-v3", "abc 12345"));
    }

    @Test
    void deepseekV3SplitsNumbersKanaAndPunctuationLedWords() {
        // Step 3.5 Flash GGUFs name this pre-tokenizer ("step35" in early conversions)
        List<String> expected = List.of("Hello", ",", " world", "!", " ", "123", "45", " ", "中文テスト");
        assertEquals(expected, split("deepseek-v3", "Hello, world! 12345 中文テスト"));
        assertEquals(expected, split("step35", "Hello, world! 12345 中文テスト"));
        // one ASCII punctuation mark followed by ASCII letters stays together, unless a space precedes it
        assertEquals(List.of(".Net", " and", " $", "x"), split("deepseek-v3", ".Net and $x"));
        // accents (marks) stay in the word; newlines go with the punctuation before them
        assertEquals(List.of("e\u0301t\u00e9", ";\n\n", "x"), split("deepseek-v3", "e\u0301t\u00e9;\n\nx"));
        assertEquals(List.of(" ", " foo"), split("deepseek-v3", "  foo"));
    }

    @Test
    void zeroWidthMatchesAreSplitPoints() {
        // superbpe groups digits in threes from the right with a lookahead that matches no text
        assertEquals(List.of("1", "234", "567", " ab ", "123", "456"), split("superbpe", "1234567 ab 123456"));
    }

    @Test
    void unknownNamesFallBackToGpt2() {
        assertEquals("gpt-2", PreTokenizer.forName("no-such-pre-tokenizer").name());
        assertEquals("default", PreTokenizer.forName(null).name());
        assertEquals(split("gpt-2", "It's 42!"), split("no-such-pre-tokenizer", "It's 42!"));
    }

    @Test
    void handCodedLetterRunsSplitExactlyLikeTheRegex() {
        PreTokenizer fast = PreTokenizer.forName("deepseek-llm");
        PreTokenizer regex = PreTokenizer.regexOnly("[\\r\\n]", PreTokenizer.DEEPSEEK_LLM_LETTERS, PreTokenizer.DEEPSEEK_LLM_PUNCT,
                "\\s+\\z", PreTokenizer.CJK_HANGUL, "\\p{N}+");
        java.util.Random rnd = new java.util.Random(7);
        // letters inside and outside the class (Greek, Cyrillic, Kelvin sign, Deseret, Hebrew, CJK), digits, spaces
        int[] pool = {'a', 'Z', 'µ', 'ß', 'Ω', 0x2126, 0x212A, 'Ж', 0x10400, 0x10450, 'א', '中', '한', '1', '٣', ' ', '\u3000', '\n', '\t', '!', '—', 0x1F600};
        for (int n = 0; n < 2000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(16);
            for (int i = 0; i < len; i++) sb.appendCodePoint(pool[rnd.nextInt(pool.length)]);
            String text = sb.toString();
            assertEquals(java.util.Arrays.toString(regex.split(text)), java.util.Arrays.toString(fast.split(text)), "'" + text + "'");
        }
    }
}
