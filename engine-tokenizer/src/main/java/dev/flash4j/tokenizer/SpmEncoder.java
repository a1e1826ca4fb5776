package dev.flash4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece-style BPE ({@code tokenizer.ggml.model = "llama"}), as llama.cpp's
 * {@code llm_tokenizer_spm}: the text (spaces already replaced by {@code ▁}) starts as one symbol
 * per code point; the adjacent pair whose concatenation is the vocabulary token with the highest
 * score is merged first (leftmost on ties) until no pair forms a token. A final symbol that is
 * not a token (a character outside the vocabulary) falls back to its UTF-8 bytes as
 * {@code <0xNN>} tokens, or to the unknown token when those are missing.
 *
 * <p>Speed: llama.cpp runs this over the whole text at once. When no vocabulary token has a
 * {@code ▁} after another character (true of SentencePiece vocabularies, whose pieces carry
 * {@code ▁} only as a prefix), no merge can join a symbol ending in another character to one
 * starting with {@code ▁}; the text then falls apart into independent chunks at each such
 * boundary, which are encoded separately (same result, as merges in different chunks never
 * interact) and cached.
 */
final class SpmEncoder {
    static final char SPACE = '\u2581';

    private static final int CACHE_LIMIT = 1 << 17;

    private final Vocabulary vocab;
    private final int unknown;
    private final int[] byteTokens = new int[256];
    private final boolean spacesOnlyLead;
    private final java.util.concurrent.ConcurrentHashMap<String, int[]> cache = new java.util.concurrent.ConcurrentHashMap<>();

    SpmEncoder(Vocabulary vocab, int unknown) {
        this.vocab = vocab;
        this.unknown = unknown;
        for (int b = 0; b < 256; b++) byteTokens[b] = vocab.id(String.format("<0x%02X>", b));
        boolean lead = true;
        for (int id = 0; id < vocab.size() && lead; id++) {
            String t = vocab.text(id);
            int i = 0;
            while (i < t.length() && t.charAt(i) == SPACE) i++;
            if (t.indexOf(SPACE, i) >= 0) lead = false;
        }
        this.spacesOnlyLead = lead;
    }

    /** Encodes already-escaped text (spaces as {@code ▁}). */
    void encode(String text, IntList out) {
        if (!spacesOnlyLead) {
            encodeChunk(text, out);
            return;
        }
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || (text.charAt(i) == SPACE && text.charAt(i - 1) != SPACE)) {
                String chunk = text.substring(start, i);
                int[] ids = cache.get(chunk);
                if (ids == null) {
                    IntList one = new IntList();
                    encodeChunk(chunk, one);
                    ids = one.toArray();
                    if (cache.size() >= CACHE_LIMIT) cache.clear();
                    cache.put(chunk, ids);
                }
                out.addAll(ids);
                start = i;
            }
        }
    }

    private record Bigram(int left, float score, int length) {}

    private void encodeChunk(String text, IntList out) {
        int n = text.codePointCount(0, text.length());
        if (n == 0) return;
        int[] start = new int[n];
        int[] len = new int[n];   // chars; 0 = merged away
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, pos = 0; i < n; i++) {
            int cp = text.codePointAt(pos);
            start[i] = pos;
            len[i] = Character.charCount(cp);
            pos += len[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) tryAdd(queue, text, start, len, i, i + 1);
        while (!queue.isEmpty()) {
            Bigram bg = queue.poll();
            int left = bg.left;
            int right = next[left];
            if (len[left] == 0 || right < 0 || len[left] + len[right] != bg.length) continue; // stale
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            if (prev[left] >= 0) tryAdd(queue, text, start, len, prev[left], left);
            if (next[left] >= 0) tryAdd(queue, text, start, len, left, next[left]);
        }
        for (int i = 0; i >= 0; i = next[i]) {
            String piece = text.substring(start[i], start[i] + len[i]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    int t = byteTokens[b & 0xFF];
                    if (t >= 0) out.add(t);
                    else if (unknown >= 0) out.add(unknown);
                }
            }
        }
    }

    private void tryAdd(PriorityQueue<Bigram> queue, String text, int[] start, int[] len, int left, int right) {
        int length = len[left] + len[right];
        int id = vocab.id(text.substring(start[left], start[left] + length));
        if (id < 0) return;
        queue.add(new Bigram(left, vocab.score(id), length));
    }
}
