package dev.flash4j.jinja;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour that Jinja2 itself cannot serve as the oracle for: our API, leniency choices, error reporting. */
class ChatTemplateBehaviourTest {
    private static String render(String src, Map<String, ?> ctx) {
        return ChatTemplate.parse(src).render(ctx);
    }

    @Test
    void attributesOfUndefinedAreUndefinedNotErrors() {
        // Hugging Face's Undefined raises here; we are deliberately lenient so optional nested fields
        // (message.function.arguments when function is missing) print as empty instead of failing.
        assertEquals("[][False]", render("[{{ nope.a.b }}][{{ nope.a['b'] is defined }}]", Map.of()));
    }

    @Test
    void raiseExceptionCarriesTheTemplatesMessageAndLine() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () ->
                render("ok\n{% if messages[0].role == 'system' %}\n{{ raise_exception('System role not supported') }}\n{% endif %}",
                        Map.of("messages", List.of(Map.of("role", "system", "content", "x")))));
        assertEquals("System role not supported", e.getMessage());
        assertEquals(3, e.line());
    }

    @Test
    void syntaxErrorsNameTheProblemAndLine() {
        TemplateSyntaxException missingEnd = assertThrows(TemplateSyntaxException.class, () ->
                ChatTemplate.parse("a\n{% for m in messages %}\n{% if m %}x{% endif %}\n"));
        assertEquals(2, missingEnd.line(), "points at the block left open");
        assertTrue(missingEnd.getMessage().contains("'endfor'"), missingEnd.getMessage());

        TemplateSyntaxException unknown = assertThrows(TemplateSyntaxException.class, () -> ChatTemplate.parse("1\n2\n{% include 'x' %}"));
        assertEquals(3, unknown.line());
        assertTrue(unknown.getMessage().contains("unknown tag 'include'"), unknown.getMessage());

        TemplateSyntaxException filter = assertThrows(TemplateSyntaxException.class, () -> ChatTemplate.parse("{{ x | frobnicate }}"));
        assertTrue(filter.getMessage().contains("No filter named 'frobnicate'"), filter.getMessage());
    }

    @Test
    void fromjsonParsesStringArgumentsLikeLlamaCpp() {
        // Not a Jinja or transformers filter: llama.cpp provides it and StepFun templates use it to
        // turn tool-call arguments given as a JSON string into a mapping.
        assertEquals("{'a': [1, 2.5], 'b': None} 2.5 True",
                render("{% set v = s|fromjson %}{{ v }} {{ v.a[1] }} {{ v is mapping }}", Map.of("s", "{\"a\": [1, 2.5], \"b\": null}")));
        TemplateRuntimeException e = assertThrows(TemplateRuntimeException.class, () -> render("{{ '{oops'|fromjson }}", Map.of()));
        assertTrue(e.getMessage().startsWith("fromjson: invalid JSON"), e.getMessage());
    }

    @Test
    void runawayMacroRecursionIsAnErrorNotACrash() {
        TemplateRuntimeException e = assertThrows(TemplateRuntimeException.class,
                () -> render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", Map.of()));
        assertTrue(e.getMessage().startsWith("maximum recursion depth exceeded"), e.getMessage());
        assertEquals("100", render("{% macro f(n) %}{% if n < 100 %}{{ f(n + 1) }}{% else %}{{ n }}{% endif %}{% endmacro %}{{ f(0) }}", Map.of()),
                "deep but finite recursion still works");
    }

    @Test
    void generationBlockIsRenderedAsPlainBody() {
        assertEquals("<a>hi</a>", render("<a>{% generation %}{{ x }}{% endgeneration %}</a>", Map.of("x", "hi")));
    }

    @Test
    void javaValuesAreSeenAsPythonValues() {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("i", 3);            // Integer -> int
        ctx.put("f", 0.5f);         // Float -> float
        ctx.put("arr", new Object[]{"a", 1});
        ctx.put("none", null);
        assertEquals("4 0.75 ['a', 1] None", render("{{ i + 1 }} {{ f + 0.25 }} {{ arr }} {{ none }}", ctx));
    }

    @Test
    void callerFunctionsOverrideGlobals() {
        JinjaFunction fixed = (args, kw) -> "26 Jul 2024";
        assertEquals("26 Jul 2024", render("{{ strftime_now('%d %b %Y') }}", Map.of("strftime_now", fixed)));
        Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
        assertEquals("2025-01-02 03:04", ChatTemplate.parse("{{ strftime_now('%Y-%m-%d %H:%M') }}").withClock(clock).render(Map.of()));
    }

    @Test
    void renderDoesNotMutateTheCallersData() {
        List<Object> messages = new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("role", "user"))));
        Map<String, Object> ctx = new LinkedHashMap<>(Map.of("messages", messages));
        ChatTemplate t = ChatTemplate.parse("{% set messages = messages[1:] %}{{ messages|length }}");
        assertEquals("0", t.render(ctx));
        assertEquals("0", t.render(ctx), "a template is reusable; no state survives a render");
        assertEquals(1, messages.size());
    }

    @Test
    void toolCallArgumentsArePassedAsGiven() {
        String src = "{% for m in messages %}{{ m.tool_calls[0].function.arguments is string }}{% endfor %}";
        List<Map<String, Object>> asObject = ChatPrompt.parseObjectList(
                "[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":{\"a\":1}}}]}]");
        List<Map<String, Object>> asString = ChatPrompt.parseObjectList(
                "[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\": 1}\"}}]}]");
        assertEquals("False", ChatPrompt.render(src, asObject, null, false, "", "", null));
        assertEquals("True", ChatPrompt.render(src, asString, null, false, "", "", null));
    }

    @Test
    void chatPromptSetsHuggingFaceVariables() {
        String src = "{{ bos_token }}|{{ eos_token }}|{{ add_generation_prompt }}|{{ tools is defined }}|{{ tools|length if tools is defined }}|{{ enable_thinking }}";
        assertEquals("<s>|</s>|True|False||False",
                ChatPrompt.render(src, List.of(), null, true, "<s>", "</s>", Map.of("enable_thinking", false)));
        assertEquals("||False|True|1|", ChatPrompt.render(src, List.of(), List.of(Map.of("type", "function")), false, null, null, null));
    }

    @Test
    void invalidJsonIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatPrompt.parseObjectList("[{\"role\": }]"));
        assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChatPrompt.parseObjectList("{\"role\": \"user\"}"));
    }
}
