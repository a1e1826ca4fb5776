package dev.flash4j.jinja;

/**
 * Rendering failed the way Python/Jinja would fail (a type error, an undefined value used in
 * arithmetic, ...). The message follows Python's wording so it matches what Hugging Face reports.
 */
public final class TemplateRuntimeException extends TemplateException {
    TemplateRuntimeException(String message) {
        super(message, 0);
    }

    TemplateRuntimeException(String message, int line) {
        super(message, line);
    }
}
