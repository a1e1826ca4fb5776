package dev.flash4j.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The Step 3.5 parser behind the {@link OutputParser} seam: events reach a {@link ChatListener}. */
class Step35OutputParserTest {
    static final List<Map<String, Object>> TOOLS = List.of(Map.of("type", "function", "function", Map.of("name", "get_weather",
            "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"), "days", Map.of("type", "integer"))))));

    static final class Events implements ChatListener {
        final StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();
        final List<String> calls = new ArrayList<>();

        @Override
        public void onReasoning(String delta) {
            reasoning.append(delta);
        }

        @Override
        public void onContent(String delta) {
            content.append(delta);
        }

        @Override
        public void onToolCall(String name, String argumentsJson) {
            calls.add(name + " " + argumentsJson);
        }
    }

    /** Feeds {@code output} in pieces of {@code step} characters, as a generation would. */
    static Events run(String prompt, String output, int step) {
        OutputParser p = Step35OutputParser.factory().create(prompt, TOOLS);
        Events e = new Events();
        for (int i = 0; i < output.length(); i += step) p.push(output.substring(i, Math.min(output.length(), i + step)), e);
        p.finish(e);
        return e;
    }

    @Test
    void promptThatOpensThinkStartsInReasoning() {
        String output = "The user wants weather.\n</think>\n\nLet me check.\n<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n"
                + "<parameter=days>\n3\n</parameter>\n</function>\n</tool_call>";
        for (int step : new int[]{1, 3, 1000}) {
            Events e = run("<|im_start|>assistant\n<think>\n", output, step);
            assertEquals("The user wants weather.", e.reasoning.toString(), "step " + step);
            assertEquals("Let me check.", e.content.toString(), "step " + step);
            assertEquals(List.of("get_weather {\"city\":\"Paris\",\"days\":3}"), e.calls, "step " + step);
        }
    }

    @Test
    void promptWithoutThinkIsContentUntilATag() {
        Events e = run("<|im_start|>assistant\n", "Plain answer.", 4);
        assertEquals("", e.reasoning.toString());
        assertEquals("Plain answer.", e.content.toString());
        assertTrue(e.calls.isEmpty());
    }
}
