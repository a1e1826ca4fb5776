package dev.flash4j.bench;

import java.util.Random;

/**
 * Deterministic synthetic "mixed" text for tokenizer benchmarks: English prose, source code,
 * numbers, CJK, accented Latin, emoji and irregular whitespace, with about one word in five a
 * random letter string so that per-word caches do not see only repeats.
 */
public final class MixedText {
    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at which "
            + "but have an they you were her all she there would their we him been has when who will more no if out so said what up "
            + "its about into than them can only other new some could time these two may then do first any my now such like our over "
            + "tokenizer inference model weights attention layer expert routing quantized kernel memory bandwidth").split(" ");
    private static final String[] CODE = {
            "for (int i = 0; i < n; i++) {\n    sum += a[i] * b[i];\n}\n",
            "def encode(self, text: str) -> list[int]:\n        return [self.vocab[t] for t in text.split()]\n",
            "    if (x != null && !x.isEmpty()) return x.get(0);\n",
            "<div class=\"row\"><span>{{ value | json }}</span></div>\n",
            "SELECT id, name FROM users WHERE created_at > '2024-01-01' ORDER BY id;\n",
    };
    private static final String[] OTHER = {"中文分词测试", "日本語のテキスト", "한국어 문장", "Grüße aus München", "naïve café résumé",
            "😀", "🎉🎉", "👩‍💻", "3.14159", "1,234,567", "2026-11-23", "'s", "'ll", "don't", "I've", "—", "…", "\t", "\n\n", "   "};

    private MixedText() {}

    /** About {@code bytes} bytes of UTF-8 text. */
    public static String generate(int bytes, long seed) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder(bytes);
        int utf8 = 0;
        while (utf8 < bytes) {
            int k = rnd.nextInt(100);
            String piece;
            if (k < 60) piece = WORDS[rnd.nextInt(WORDS.length)] + (rnd.nextInt(12) == 0 ? ". " : " ");
            else if (k < 75) piece = randomWord(rnd) + " ";
            else if (k < 83) piece = CODE[rnd.nextInt(CODE.length)];
            else if (k < 93) piece = OTHER[rnd.nextInt(OTHER.length)] + " ";
            else piece = rnd.nextInt(1_000_000) + " ";
            sb.append(piece);
            utf8 += piece.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        return sb.toString();
    }

    private static String randomWord(Random rnd) {
        int len = 3 + rnd.nextInt(9);
        StringBuilder w = new StringBuilder(len);
        for (int i = 0; i < len; i++) w.append((char) ('a' + rnd.nextInt(26)));
        if (rnd.nextBoolean()) w.setCharAt(0, Character.toUpperCase(w.charAt(0)));
        return w.toString();
    }
}
