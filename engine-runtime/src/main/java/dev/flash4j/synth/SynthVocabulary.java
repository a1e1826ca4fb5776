package dev.flash4j.synth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A made-up SentencePiece-style ({@code llama}) vocabulary of any size: unknown/BOS/EOS, chat and
 * reasoning control tokens, the 256 byte-fallback tokens, then pieces made of letters (with and
 * without the word-start mark) in order of English letter frequency, shortest first. Any text
 * tokenizes (bytes fall back), and generated ids decode to readable letters.
 */
public record SynthVocabulary(List<String> tokens, float[] scores, int[] types) {
    public static final int UNK = 0, BOS = 1, EOS = 2;
    /** Control tokens after UNK/BOS/EOS, in id order. */
    public static final List<String> CONTROL = List.of("<|im_start|>", "<|im_end|>", "<think>", "</think>", "<tool_call>", "</tool_call>");
    private static final String LETTERS = "etaoinshrdlcumwfgypbvkjxqz";
    private static final String WORD_START = "\u2581";
    private static final int NORMAL = 1, UNKNOWN = 2, CONTROL_TYPE = 3, BYTE = 6;

    public static SynthVocabulary of(int size) {
        List<String> tokens = new ArrayList<>(size);
        List<Integer> types = new ArrayList<>(size);
        tokens.add("<unk>");
        types.add(UNKNOWN);
        tokens.add("<s>");
        types.add(CONTROL_TYPE);
        tokens.add("</s>");
        types.add(CONTROL_TYPE);
        for (String c : CONTROL) {
            tokens.add(c);
            types.add(CONTROL_TYPE);
        }
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(BYTE);
        }
        Set<String> pieces = new LinkedHashSet<>();
        pieces.add(WORD_START);
        for (String p : List.of(".", ",", "!", "?", "'", "-", ":", ";", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")) {
            pieces.add(p);
            pieces.add(WORD_START + p);
        }
        int needed = size - tokens.size();
        List<String> frontier = List.of("");
        while (pieces.size() < needed) {
            List<String> next = new ArrayList<>();
            for (String stem : frontier) {
                for (int i = 0; i < LETTERS.length() && pieces.size() < needed; i++) {
                    String w = stem + LETTERS.charAt(i);
                    next.add(w);
                    pieces.add(WORD_START + w);
                    if (pieces.size() < needed) pieces.add(w);
                }
                if (pieces.size() >= needed) break;
            }
            frontier = next;
        }
        int rank = 0;
        for (String p : pieces) {
            if (tokens.size() >= size) break;
            tokens.add(p);
            types.add(NORMAL);
        }
        float[] scores = new float[tokens.size()];
        int[] typeArray = new int[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            typeArray[i] = types.get(i);
            // longer pieces are made from shorter ones; a falling score prefers the earlier (shorter) merges
            scores[i] = typeArray[i] == NORMAL ? -(rank++) * 0.01f : 0f;
        }
        return new SynthVocabulary(List.copyOf(tokens), scores, typeArray);
    }

    /** A small Step-3.5-style chat template (ChatML turns, the reply opens with {@code <think>}). */
    public static String chatTemplate() {
        return "{{ bos_token }}{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
                + "{% if message['content'] is string %}{{ message['content'] }}{% endif %}<|im_end|>\n{% endfor %}"
                + "{% if add_generation_prompt %}<|im_start|>assistant\n<think>\n{% endif %}";
    }
}
