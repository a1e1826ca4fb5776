package dev.flash4j.tokenizer;

import dev.flash4j.gguf.GgufMetadata;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The token table of {@code tokenizer.ggml.tokens} with each token's type and score, and the
 * text-to-id index. Immutable once built.
 */
final class Vocabulary {
    private final String[] texts;
    private final int[] types;
    private final float[] scores;
    private final Map<String, Integer> ids;

    Vocabulary(List<String> tokens, int[] types, float[] scores) {
        int n = tokens.size();
        if (n == 0) throw new IllegalArgumentException("tokenizer.ggml.tokens is empty");
        if (types != null && types.length != n) throw new IllegalArgumentException("tokenizer.ggml.token_type has " + types.length + " entries for " + n + " tokens");
        if (scores != null && scores.length != n) throw new IllegalArgumentException("tokenizer.ggml.scores has " + scores.length + " entries for " + n + " tokens");
        this.texts = tokens.toArray(new String[0]);
        this.types = types != null ? types.clone() : filled(n, TokenType.NORMAL);
        this.scores = scores != null ? scores.clone() : new float[n];
        this.ids = HashMap.newHashMap(n);
        // first occurrence wins, as a later duplicate could never be produced by the encoder
        for (int i = 0; i < n; i++) ids.putIfAbsent(texts[i], i);
    }

    static Vocabulary fromMetadata(GgufMetadata m) {
        List<String> tokens = m.getStrings(TokenizerKeys.TOKENS);
        int[] types = m.has(TokenizerKeys.TOKEN_TYPE) ? m.getInts(TokenizerKeys.TOKEN_TYPE) : null;
        float[] scores = m.has(TokenizerKeys.SCORES) ? m.getFloats(TokenizerKeys.SCORES) : null;
        return new Vocabulary(tokens, types, scores);
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    int size() { return texts.length; }

    String text(int id) { return texts[id]; }

    int type(int id) { return types[id]; }

    float score(int id) { return scores[id]; }

    /** The id of a token with exactly this text, or -1. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    boolean isValid(int id) { return id >= 0 && id < texts.length; }
}
