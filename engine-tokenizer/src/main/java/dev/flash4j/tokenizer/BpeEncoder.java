package dev.flash4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = "gpt2"}).
 *
 * <p>Each pre-tokenized word is turned into UTF-8 bytes, each byte into the token of its GPT-2
 * table character; then the merge with the lowest rank among adjacent pairs is applied
 * repeatedly (leftmost first on ties), as Hugging Face's BPE model does. Symbols are a doubly
 * linked list over arrays and candidate pairs sit in a min-heap of {@code rank << 32 | left}
 * longs; a popped pair is stale when its left symbol died or its current right neighbour no
 * longer forms that rule (each rule has a unique rank). Results are cached per word.
 */
final class BpeEncoder {
    private static final int CACHE_LIMIT = 1 << 17;

    private final Vocabulary vocab;
    private final PreTokenizer pre;
    private final MergeTable merges;
    private final int[] byteToken = new int[256];
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BpeEncoder(Vocabulary vocab, List<String> mergeRules, PreTokenizer pre) {
        this.vocab = vocab;
        this.pre = pre;
        for (int b = 0; b < 256; b++) byteToken[b] = vocab.id(String.valueOf(ByteUnicode.charOf(b)));
        this.merges = new MergeTable(mergeRules.size());
        for (int rank = 0; rank < mergeRules.size(); rank++) {
            String rule = mergeRules.get(rank);
            int sp = rule.indexOf(' ', 1); // a part never starts with a space: spaces are Ġ
            if (sp < 0) throw new IllegalArgumentException("malformed merge rule " + rank + ": '" + rule + "'");
            String a = rule.substring(0, sp), b = rule.substring(sp + 1);
            int ia = vocab.id(a), ib = vocab.id(b), im = vocab.id(a + b);
            // a rule whose parts or result are not tokens can never fire (Hugging Face rejects such files)
            if (ia >= 0 && ib >= 0 && im >= 0) merges.put(ia, ib, rank, im);
        }
    }

    PreTokenizer preTokenizer() { return pre; }

    void encode(String text, IntList out) {
        int[] offsets = pre.split(text);
        for (int i = 0; i < offsets.length; i += 2) {
            String word = text.substring(offsets[i], offsets[i + 1]);
            int[] ids = cache.get(word);
            if (ids == null) {
                ids = encodeWord(word);
                if (cache.size() >= CACHE_LIMIT) cache.clear();
                cache.put(word, ids);
            }
            out.addAll(ids);
        }
    }

    int[] encodeWord(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        if (pre.ignoreMerges()) {
            int whole = vocab.id(mapped(bytes));
            if (whole >= 0) return new int[] {whole};
        }
        int n = bytes.length;
        int[] id = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = byteToken[bytes[i] & 0xFF];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        if (n > 1) {
            LongHeap heap = new LongHeap(n);
            for (int i = 0; i + 1 < n; i++) offer(heap, id, i, i + 1);
            while (!heap.isEmpty()) {
                long top = heap.poll();
                int left = (int) top, rank = (int) (top >>> 32);
                if (id[left] < 0) continue;                 // merged away
                int right = next[left];
                if (right < 0 || id[right] < 0) continue;
                long rule = merges.get(id[left], id[right]);
                if (rule < 0 || (int) (rule >>> 32) != rank) continue; // stale pair
                id[left] = (int) rule;
                id[right] = Integer.MIN_VALUE;              // dead
                next[left] = next[right];
                if (next[right] >= 0) prev[next[right]] = left;
                if (prev[left] >= 0) offer(heap, id, prev[left], left);
                if (next[left] >= 0) offer(heap, id, left, next[left]);
            }
        }
        IntList out = new IntList(n);
        for (int i = 0; i >= 0 && i < n; i = next[i]) {
            if (id[i] >= 0) out.add(id[i]);                 // -1: a byte without a token, dropped as llama.cpp does
        }
        return out.toArray();
    }

    private void offer(LongHeap heap, int[] id, int left, int right) {
        if (id[left] < 0 || id[right] < 0) return;
        long rule = merges.get(id[left], id[right]);
        if (rule >= 0) heap.add((rule & 0xFFFFFFFF00000000L) | left);
    }

    private static String mapped(byte[] bytes) {
        char[] cs = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) cs[i] = ByteUnicode.charOf(bytes[i]);
        return new String(cs);
    }
}
