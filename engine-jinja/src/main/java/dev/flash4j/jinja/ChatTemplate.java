package dev.flash4j.jinja;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A parsed Jinja2 chat template, rendered with Hugging Face's conventions: trim_blocks and
 * lstrip_blocks on, no autoescaping, lenient undefined values, {@code raise_exception},
 * {@code strftime_now} and a {@code tojson} that keeps non-ASCII text.
 *
 * <p>Parse once, render many times; a ChatTemplate holds no render state and is thread-safe.
 */
public final class ChatTemplate {
    private final List<Node> body;
    private final Clock clock;

    private ChatTemplate(List<Node> body, Clock clock) {
        this.body = body;
        this.clock = clock;
    }

    /** Parses the template; throws {@link TemplateSyntaxException} (with a line number) on bad syntax. */
    public static ChatTemplate parse(String source) {
        return new ChatTemplate(Parser.parse(source), Clock.systemDefaultZone());
    }

    /** The same template with {@code strftime_now} reading the given clock. */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(body, clock);
    }

    /**
     * Renders with the given variables (Java maps, lists, strings, numbers, booleans, null, or
     * {@link JinjaFunction}s, which override globals of the same name).
     *
     * @throws ChatTemplateException when the template calls raise_exception
     * @throws TemplateRuntimeException when evaluation fails as it would in Python
     */
    public String render(Map<String, ?> context) {
        Scope scope = new Scope(Globals.create(clock));
        context.forEach((k, v) -> scope.set(k, Values.normalize(v)));
        StringBuilder out = new StringBuilder();
        new Interpreter().exec(body, scope, out);
        return out.toString();
    }
}
