package dev.flash4j.jinja;

/** Base of every error a chat template produces, at parse time or while rendering. */
public class TemplateException extends RuntimeException {
    private final int line;

    TemplateException(String message, int line) {
        super(message);
        this.line = line;
    }

    /** 1-based source line the error points at, or 0 when unknown. */
    public int line() {
        return line;
    }
}
