package dev.flash4j.runtime;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.jinja.ChatTemplate;
import dev.flash4j.jinja.TemplateSyntaxException;

/** Reads the chat template a GGUF file carries, with errors that say which file and what is wrong. */
final class ChatTemplates {
    static final String KEY = "tokenizer.chat_template";

    private ChatTemplates() {}

    static ChatTemplate parse(GgufFile file) {
        String name = String.valueOf(file.path().getFileName());
        if (!file.metadata().has(KEY)) {
            throw new IllegalStateException(name + " has no chat template (" + KEY + "); chat needs one, plain generation does not");
        }
        try {
            return ChatTemplate.parse(file.metadata().getString(KEY));
        } catch (TemplateSyntaxException e) {
            throw new IllegalStateException(name + ": the chat template does not parse: " + e.getMessage().replace('\n', ' '), e);
        }
    }
}
