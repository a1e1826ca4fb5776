package dev.flash4j.jinja;

/**
 * The template itself refused the input through {@code raise_exception(msg)}, e.g. "System role not
 * supported". {@link #getMessage()} is exactly the template's message.
 */
public final class ChatTemplateException extends TemplateException {
    public ChatTemplateException(String message, int line) {
        super(message, line);
    }
}
