package dev.flash4j.jinja;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A chat template in Step 3.5 Flash's style (written for this test): reasoning in
 * {@code <think>...</think>} kept only after the last user turn, and tool calls as
 * {@code <tool_call>\n<function=NAME>\n<parameter=ARG>\nVALUE\n</parameter>\n</function>\n</tool_call>}.
 * Messages come in as OpenAI JSON, with one call's arguments an object and another's a JSON string.
 */
class Step35StyleTemplateTest {
    private static String template() throws IOException {
        try (InputStream in = Step35StyleTemplateTest.class.getResourceAsStream("step35-style.jinja")) {
            assertNotNull(in, "step35-style.jinja missing from test resources");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void toolCallsToolResultsAndThinkingPrompt() throws IOException {
        List<Map<String, Object>> messages = ChatPrompt.parseObjectList("""
                [
                 {"role": "system", "content": "You are Step. "},
                 {"role": "user", "content": "Weather in Paris and Oslo?"},
                 {"role": "assistant", "content": "<think>\\nNeed two lookups.\\n</think>\\n\\nChecking.", "tool_calls": [
                   {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 2, "units": ["c"]}}},
                   {"type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}}]},
                 {"role": "tool", "content": "{\\"temp\\": 18}"},
                 {"role": "tool", "content": "{\\"temp\\": 4}"},
                 {"role": "assistant", "reasoning_content": "Both fetched.", "content": "Paris 18°C, Oslo 4°C."},
                 {"role": "user", "content": "Thanks"}
                ]""");
        List<Map<String, Object>> tools = ChatPrompt.parseObjectList("""
                [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
                  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]""");
        String expected = """
                <s><|im_start|>system
                You are Step.

                # Tools
                <tools>
                {"name": "get_weather", "description": "Weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}
                </tools>
                Call a tool as:
                <tool_call>
                <function=NAME>
                <parameter=ARG>
                VALUE
                </parameter>
                </function>
                </tool_call><|im_end|>
                <|im_start|>user
                Weather in Paris and Oslo?<|im_end|>
                <|im_start|>assistant
                Checking.
                <tool_call>
                <function=get_weather>
                <parameter=city>
                Paris
                </parameter>
                <parameter=days>
                2
                </parameter>
                <parameter=units>
                ["c"]
                </parameter>
                </function>
                </tool_call>
                <tool_call>
                <function=get_weather>
                {"city": "Oslo"}
                </function>
                </tool_call><|im_end|>
                <|im_start|>tool
                <tool_response>
                {"temp": 18}
                </tool_response>
                <tool_response>
                {"temp": 4}
                </tool_response>
                <|im_end|>
                <|im_start|>assistant
                Paris 18°C, Oslo 4°C.<|im_end|>
                <|im_start|>user
                Thanks<|im_end|>
                <|im_start|>assistant
                <think>
                """;
        assertEquals(expected, ChatPrompt.render(template(), messages, tools, true, "<s>", "</s>", Map.of()));
    }

    @Test
    void reasoningAfterTheLastUserTurnIsKept() throws IOException {
        List<Map<String, Object>> fromField = ChatPrompt.parseObjectList("""
                [{"role": "user", "content": "Hello"}, {"role": "assistant", "reasoning_content": "Let me think.", "content": "Hi"}]""");
        assertEquals("""
                <s><|im_start|>user
                Hello<|im_end|>
                <|im_start|>assistant
                <think>
                Let me think.
                </think>
                Hi<|im_end|>
                """, ChatPrompt.render(template(), fromField, null, false, "<s>", "</s>", null));

        List<Map<String, Object>> inline = ChatPrompt.parseObjectList("""
                [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "<think>\\ninline thought\\n</think>\\n\\nHi"}]""");
        assertEquals("""
                <|im_start|>user
                Hello<|im_end|>
                <|im_start|>assistant
                <think>
                inline thought
                </think>
                Hi<|im_end|>
                """, ChatPrompt.render(template(), inline, null, false, "", "", null));
    }
}
