package dev.flash4j.tokenizer;

import java.text.Normalizer;

/**
 * WordPiece ({@code tokenizer.ggml.model = "bert"}) as BERT's uncased tokenizer: text is NFD
 * normalized, combining marks and control characters dropped, lower-cased and split at
 * whitespace; punctuation, ASCII symbols and CJK ideographs become one-character words. Each
 * word is matched greedily longest-first. GGUF stores word-initial pieces with a leading
 * {@code ▁} and continuation pieces bare (where BERT's vocab.txt writes {@code ##}), so a word
 * is looked up as {@code ▁word}. A word with an unmatched remainder, or longer than 100
 * characters (BERT's {@code max_input_chars_per_word}), becomes the unknown token.
 */
final class WordPieceEncoder {
    private static final int MAX_WORD_CHARS = 100;
    private final Vocabulary vocab;
    private final int unknown;
    private final int maxTokenChars;

    WordPieceEncoder(Vocabulary vocab, int unknown) {
        this.vocab = vocab;
        this.unknown = unknown;
        int max = 1;
        for (int i = 0; i < vocab.size(); i++) max = Math.max(max, vocab.text(i).length());
        this.maxTokenChars = max;
    }

    void encode(String text, IntList out) {
        String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || type == Character.SPACE_SEPARATOR) {
                flush(word, out);
                continue;
            }
            if (cp == 0 || cp == 0xFFFD || type == Character.CONTROL || type == Character.FORMAT || type == Character.NON_SPACING_MARK) continue;
            int lower = Character.toLowerCase(cp);
            if (isPunctuation(cp, type) || isCjk(cp)) {
                flush(word, out);
                word.appendCodePoint(lower);
                flush(word, out);
            } else {
                word.appendCodePoint(lower);
            }
        }
        flush(word, out);
    }

    private static boolean isPunctuation(int cp, int type) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
        return switch (type) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    private void flush(StringBuilder word, IntList out) {
        if (word.isEmpty()) return;
        String w = SpmEncoder.SPACE + word.toString();
        int chars = word.codePointCount(0, word.length());
        word.setLength(0);
        if (chars > MAX_WORD_CHARS) {
            if (unknown >= 0) out.add(unknown);
            return;
        }
        int mark = out.size();
        IntList pieces = new IntList();
        int i = 0;
        while (i < w.length()) {
            int found = -1, end = -1;
            for (int j = Math.min(w.length(), i + maxTokenChars); j > i; j--) {
                int id = vocab.id(w.substring(i, j));
                if (id >= 0) { found = id; end = j; break; }
            }
            if (found < 0) {
                if (unknown >= 0) out.add(unknown);
                return;
            }
            pieces.add(found);
            i = end;
        }
        if (out.size() == mark) out.addAll(pieces.toArray());
    }
}
