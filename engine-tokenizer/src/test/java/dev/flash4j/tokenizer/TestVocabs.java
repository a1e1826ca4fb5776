package dev.flash4j.tokenizer;

import dev.flash4j.gguf.GgufArray;
import dev.flash4j.gguf.GgufMetadata;
import dev.flash4j.gguf.GgufValueType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small vocabularies built in memory, as the GGUF reader would present them. */
final class TestVocabs {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, GgufValueType> types = new LinkedHashMap<>();
    final List<String> tokens = new ArrayList<>();
    final List<Object> tokenTypes = new ArrayList<>();
    final List<Object> scores = new ArrayList<>();
    final List<String> merges = new ArrayList<>();

    TestVocabs(String model) {
        put("tokenizer.ggml.model", model);
    }

    TestVocabs put(String key, String v) { values.put(key, v); types.put(key, GgufValueType.STRING); return this; }

    TestVocabs put(String key, long v) { values.put(key, v); types.put(key, GgufValueType.UINT32); return this; }

    TestVocabs put(String key, boolean v) { values.put(key, v); types.put(key, GgufValueType.BOOL); return this; }

    /** Adds a token and returns its id. */
    int token(String text, int type, float score) {
        tokens.add(text);
        tokenTypes.add((long) type);
        scores.add(score);
        return tokens.size() - 1;
    }

    int token(String text) { return token(text, TokenType.NORMAL, 0f); }

    GgufMetadata metadata() {
        Map<String, Object> v = new LinkedHashMap<>(values);
        Map<String, GgufValueType> t = new LinkedHashMap<>(types);
        v.put("tokenizer.ggml.tokens", new GgufArray(GgufValueType.STRING, new ArrayList<>(tokens)));
        t.put("tokenizer.ggml.tokens", GgufValueType.ARRAY);
        v.put("tokenizer.ggml.token_type", new GgufArray(GgufValueType.INT32, tokenTypes));
        t.put("tokenizer.ggml.token_type", GgufValueType.ARRAY);
        v.put("tokenizer.ggml.scores", new GgufArray(GgufValueType.FLOAT32, scores));
        t.put("tokenizer.ggml.scores", GgufValueType.ARRAY);
        if (values.get("tokenizer.ggml.model").equals("gpt2")) {
            v.put("tokenizer.ggml.merges", new GgufArray(GgufValueType.STRING, new ArrayList<>(merges)));
            t.put("tokenizer.ggml.merges", GgufValueType.ARRAY);
        }
        return new GgufMetadata(v, t);
    }

    Tokenizer build() { return Tokenizer.fromMetadata(metadata()); }

    /**
     * A byte-level BPE vocabulary: the 256 byte tokens in GPT-2 table order, then for each merge
     * rule (in rank order, "left right" in table characters) the merged token.
     */
    static TestVocabs byteLevel(String pre, String... rules) {
        TestVocabs v = new TestVocabs("gpt2");
        if (pre != null) v.put("tokenizer.ggml.pre", pre);
        for (int b = 0; b < 256; b++) v.token(String.valueOf(ByteUnicode.charOf(b)));
        for (String r : rules) {
            v.merges.add(r);
            String merged = r.replace(" ", "");
            if (!v.tokens.contains(merged)) v.token(merged);
        }
        return v;
    }

    /** The id of a token that must exist. */
    static int id(Tokenizer t, String text) {
        int id = t.tokenId(text);
        if (id < 0) throw new AssertionError("no token '" + text + "'");
        return id;
    }
}
