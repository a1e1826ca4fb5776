package dev.flash4j.jinja;

/** The template source is not valid Jinja (or uses syntax outside the supported subset). */
public final class TemplateSyntaxException extends TemplateException {
    TemplateSyntaxException(String message, int line) {
        super(message + " (line " + line + ")", line);
    }
}
