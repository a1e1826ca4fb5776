package dev.flash4j.runtime;

import dev.flash4j.jinja.ChatPrompt;
import dev.flash4j.jinja.TemplateException;
import dev.flash4j.tokenizer.Tokenizer;

import java.util.List;
import java.util.Map;

/**
 * Turns a conversation into prompt tokens with a model's chat template: renders it
 * ({@code add_generation_prompt = true}, {@code bos_token} / {@code eos_token} from the vocabulary)
 * and tokenizes the result with special tokens parsed. Needs no session, so a prompt can be built
 * without allocating a KV cache.
 */
public final class ChatFormat {
    private final Model model;

    /** @throws IllegalStateException when the model has no chat template */
    public ChatFormat(Model model) {
        this.model = model;
        model.chatTemplate();
    }

    /**
     * The prompt for {@code messages}, ending with the assistant turn header.
     *
     * @param tools     OpenAI-style tool definitions (null: none, left undefined for the template)
     * @param variables extra template variables, e.g. {@code enable_thinking}
     * @throws IllegalArgumentException when the template fails on the conversation
     */
    public String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools, Map<String, Object> variables) {
        Tokenizer tok = model.tokenizer();
        try {
            return ChatPrompt.render(model.chatTemplate(), messages, tools, true, tokenText(tok, tok.bos()), tokenText(tok, tok.eos()), variables);
        } catch (TemplateException e) {
            throw new IllegalArgumentException("the chat template failed on this conversation: " + e.getMessage().replace('\n', ' '), e);
        }
    }

    /**
     * Tokenizes a rendered prompt with special tokens parsed. BOS is added when {@code addBos} and
     * the vocabulary asks for it, unless the template already wrote it (many start with {@code bos_token}).
     */
    public int[] tokenize(String prompt, boolean addBos) {
        Tokenizer tok = model.tokenizer();
        boolean templateHasBos = tok.bos() >= 0 && prompt.startsWith(tok.piece(tok.bos()));
        return tok.encode(prompt, addBos && !templateHasBos, true);
    }

    private static String tokenText(Tokenizer tok, int id) {
        return id < 0 ? "" : tok.piece(id);
    }
}
