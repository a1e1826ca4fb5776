package dev.flash4j.chat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A tool call written as JSON inside {@code <tool_call>} ({@code {"name": N, "arguments": {...}}}),
 * the Hermes/Qwen2.5 habit some models fall back to. Accepted so such a call is not lost; arguments
 * may also be a JSON object serialised into a string.
 */
record JsonToolCall(String name, Map<String, JsonNode> arguments) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static Optional<JsonToolCall> read(String body) {
        String text = body.strip();
        if (!text.startsWith("{")) return Optional.empty();
        try {
            JsonNode root = JSON.readTree(text);
            JsonNode name = root.get("name");
            if (name == null || !name.isTextual() || name.asText().isBlank()) return Optional.empty();
            JsonNode arguments = root.has("arguments") ? root.get("arguments") : root.path("parameters");
            if (arguments.isTextual()) arguments = JSON.readTree(arguments.asText());
            Map<String, JsonNode> values = new LinkedHashMap<>();
            if (arguments.isObject()) {
                arguments.properties().forEach(e -> values.put(e.getKey(), e.getValue()));
            } else if (!arguments.isMissingNode() && !arguments.isNull()) {
                return Optional.empty();
            }
            return Optional.of(new JsonToolCall(name.asText().strip(), values));
        } catch (Exception e) {
            // not a JSON call: the block stays raw content
            return Optional.empty();
        }
    }
}
