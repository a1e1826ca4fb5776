package dev.flash4j.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flash4j.jinja.ChatPrompt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tool calls written by the Qwen3-Coder template (same syntax as Step 3.5 Flash) parse back into
 * the calls they were rendered from: once from the text Hugging Face transformers rendered, once
 * from our own renderer with arguments of every JSON type.
 */
@Tag("conformance")
class TemplateRoundTripConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ASSISTANT = "<|im_start|>assistant\n";
    private static final String END = "<|im_end|>";

    private static Path templates() {
        String shared = System.getProperty("flash4j.shared");
        assertNotNull(shared, "system property flash4j.shared is not set");
        Path dir = Path.of(shared, "templates");
        assertTrue(Files.isDirectory(dir), "missing " + dir);
        return dir;
    }

    /** The first assistant turn of a rendered conversation that holds a tool call. */
    private static String assistantTurnWithCall(String rendered) {
        for (int at = rendered.indexOf(ASSISTANT); at >= 0; at = rendered.indexOf(ASSISTANT, at + 1)) {
            int start = at + ASSISTANT.length();
            int end = rendered.indexOf(END, start);
            if (end > start && rendered.substring(start, end).contains("<tool_call>")) return rendered.substring(start, end);
        }
        throw new AssertionError("no assistant turn with a tool call in:\n" + rendered);
    }

    @Test
    void transformersRenderingParsesBackToTheCaseCall() throws IOException {
        JsonNode cases = JSON.readTree(Files.readString(templates().resolve("cases.json"), StandardCharsets.UTF_8));
        JsonNode toolsCase = cases.path("cases").path("tools");
        JsonNode expectedCall = toolsCase.path("messages").get(1).path("tool_calls").get(0).path("function");
        String rendered = Files.readString(templates().resolve("Qwen3-Coder.tools.txt"), StandardCharsets.UTF_8);

        ParsedMessage m = new ChatOutputParser(ToolSchemas.of(toolsCase.path("tools")), false).parse(assistantTurnWithCall(rendered));
        assertEquals("", m.content());
        assertEquals(Set.of(), m.warnings());
        assertEquals(1, m.toolCalls().size());
        assertEquals(expectedCall.path("name").asText(), m.toolCalls().getFirst().name());
        assertEquals(expectedCall.path("arguments"), JSON.readTree(m.toolCalls().getFirst().argumentsJson()));
    }

    @Test
    void ourRenderingOfEveryArgumentTypeParsesBack() throws IOException {
        String source = Files.readString(templates().resolve("Qwen3-Coder.jinja"), StandardCharsets.UTF_8);
        String toolsJson = """
                [{"type": "function", "function": {"name": "run", "parameters": {"type": "object", "properties": {
                  "command": {"type": "string"}, "timeout": {"type": "integer"}, "ratio": {"type": "number"},
                  "dry_run": {"type": "boolean"}, "env": {"type": "object"}, "args": {"type": "array"},
                  "note": {"type": "string"}}}}}]""";
        String argumentsJson = """
                {"command": "ls -la <dir> && echo \\"done\\"\\nsecond line", "timeout": 30, "ratio": 0.5,
                 "dry_run": true, "env": {"PATH": "/bin", "N": [1, 2]}, "args": ["-x", 3, null], "note": "  spaced  "}""";
        List<Map<String, Object>> tools = ChatPrompt.parseObjectList(toolsJson);
        Map<String, Object> call = Map.of("type", "function", "function",
                Map.of("name", "run", "arguments", ChatPrompt.parseObject(argumentsJson)));
        List<Map<String, Object>> messages = List.of(
                Map.of("role", "user", "content", "Run it."),
                Map.of("role", "assistant", "content", "Running the command now.", "tool_calls", List.of(call)));
        String rendered = ChatPrompt.render(source, messages, tools, false, "", "", Map.of());

        ParsedMessage m = new ChatOutputParser(ToolSchemas.fromObjects(tools), false).parse(assistantTurnWithCall(rendered));
        assertEquals("Running the command now.", m.content());
        assertEquals(Set.of(), m.warnings());
        assertEquals(1, m.toolCalls().size());
        assertEquals("run", m.toolCalls().getFirst().name());
        // the template writes booleans Python-style ("True"); the schema types them back
        assertEquals(JSON.readTree(argumentsJson), JSON.readTree(m.toolCalls().getFirst().argumentsJson()));
    }
}
