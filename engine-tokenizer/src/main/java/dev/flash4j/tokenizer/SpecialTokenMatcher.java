package dev.flash4j.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added/special tokens in raw text, leftmost first and longest first at a position (as
 * Hugging Face's added-token matcher does), so that the text around them is encoded by the
 * model and the tokens themselves are emitted whole.
 */
final class SpecialTokenMatcher {
    /** A piece of the input: either raw text {@code [start, end)} or a token ({@code token >= 0}). */
    record Fragment(int start, int end, int token) {
        boolean isText() { return token < 0; }
    }

    private record Candidate(String text, int id) {}

    private final Map<Character, List<Candidate>> byFirstChar = new HashMap<>();
    private final boolean[] firstCharSeen = new boolean[65536];

    SpecialTokenMatcher(Vocabulary vocab, java.util.function.IntPredicate include) {
        for (int id = 0; id < vocab.size(); id++) {
            String t = vocab.text(id);
            if (t.isEmpty() || !include.test(id)) continue;
            byFirstChar.computeIfAbsent(t.charAt(0), k -> new ArrayList<>()).add(new Candidate(t, id));
            firstCharSeen[t.charAt(0)] = true;
        }
        for (List<Candidate> l : byFirstChar.values()) l.sort((a, b) -> Integer.compare(b.text.length(), a.text.length()));
    }

    boolean isEmpty() { return byFirstChar.isEmpty(); }

    List<Fragment> split(String text) {
        List<Fragment> out = new ArrayList<>();
        int textStart = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            Candidate hit = null;
            if (firstCharSeen[c]) {
                for (Candidate cand : byFirstChar.get(c)) {
                    if (text.startsWith(cand.text, i)) { hit = cand; break; }
                }
            }
            if (hit == null) { i++; continue; }
            if (i > textStart) out.add(new Fragment(textStart, i, -1));
            out.add(new Fragment(i, i + hit.text.length(), hit.id));
            i += hit.text.length();
            textStart = i;
        }
        if (textStart < text.length()) out.add(new Fragment(textStart, text.length(), -1));
        return out;
    }
}
