package dev.flash4j.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One function call the model asked for.
 *
 * @param name      function name as written by the model
 * @param arguments argument values in the order written, typed by the tool's JSON schema
 * @param complete  false when the output ended before the call was closed
 * @param raw       the model's text of this call, so an incomplete call is never lost
 */
public record ToolCall(String name, Map<String, JsonNode> arguments, boolean complete, String raw) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ToolCall {
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** The arguments as one JSON object text, the form OpenAI-style APIs put in {@code function.arguments}. */
    public String argumentsJson() {
        ObjectNode object = JSON.createObjectNode();
        arguments.forEach(object::set);
        return object.toString();
    }
}
