package dev.flash4j.runtime;

import dev.flash4j.gguf.GgufMetadata;
import dev.flash4j.tokenizer.Tokenizer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which tokens end a generation when the caller names none. Like llama.cpp's end-of-generation
 * set: EOS, the EOT/EOM ids when the file names them, and special tokens whose text is one of the
 * end-of-turn markers chat models use (a chat template closes the assistant turn with one of
 * these, and the model must stop there rather than run on into a new turn).
 */
final class EndOfGeneration {
    private static final List<String> ID_KEYS = List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id");
    private static final List<String> MARKERS = List.of("<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|eom_id|>", "<|end|>",
            "<end_of_turn>", "<|return|>", "<|call|>", "<|EOT|>", "<EOT>", "<｜end▁of▁sentence｜>", "</s>");

    private EndOfGeneration() {}

    static int[] tokens(GgufMetadata metadata, Tokenizer tokenizer) {
        Set<Integer> ids = new LinkedHashSet<>();
        if (tokenizer.eos() >= 0) ids.add(tokenizer.eos());
        for (String key : ID_KEYS) {
            if (!metadata.has(key)) continue;
            long id = metadata.getLong(key);
            if (id >= 0 && id < tokenizer.vocabSize()) ids.add((int) id);
        }
        for (String marker : MARKERS) {
            int id = tokenizer.tokenId(marker);
            if (id >= 0 && tokenizer.isSpecial(id)) ids.add(id);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
