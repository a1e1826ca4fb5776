package dev.flash4j.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The declared argument types of each tool, read from an OpenAI-style tool list:
 * {@code [{"type":"function","function":{"name":N,"parameters":{"type":"object","properties":{ARG:{"type":T}}}}}]}.
 * A property's types come from {@code type} (a name or a list of names), from the branches of
 * {@code anyOf}/{@code oneOf}, or, lacking those, from the JSON kinds of its {@code enum}/{@code const}
 * values. Entries that do not fit this shape are ignored rather than rejected: a tool list is
 * caller data and the parser must still work without types.
 */
public final class ToolSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToolSchemas NONE = new ToolSchemas(Map.of());

    /** tool name -> argument name -> declared types (never empty) */
    private final Map<String, Map<String, Set<ValueType>>> types;

    private ToolSchemas(Map<String, Map<String, Set<ValueType>>> types) {
        this.types = types;
    }

    /** No tools known: every argument is typed by trying JSON, then kept as a string. */
    public static ToolSchemas none() {
        return NONE;
    }

    /** From the tool list as a JSON tree (an array; a single tool object is accepted too). */
    public static ToolSchemas of(JsonNode tools) {
        Map<String, Map<String, Set<ValueType>>> types = new HashMap<>();
        if (tools == null) return NONE;
        Iterable<JsonNode> entries = tools.isArray() ? tools : java.util.List.of(tools);
        for (JsonNode tool : entries) {
            JsonNode function = tool.has("function") ? tool.get("function") : tool;
            JsonNode name = function.get("name");
            if (name == null || !name.isTextual()) continue;
            JsonNode properties = function.path("parameters").path("properties");
            Map<String, Set<ValueType>> arguments = new HashMap<>();
            properties.properties().forEach(property -> {
                Set<ValueType> declared = declaredTypes(property.getValue(), 0);
                if (!declared.isEmpty()) arguments.put(property.getKey(), Collections.unmodifiableSet(declared));
            });
            types.put(name.asText(), Map.copyOf(arguments));
        }
        return new ToolSchemas(Map.copyOf(types));
    }

    /** From the tool list as JSON text. Throws {@link IllegalArgumentException} if it is not JSON. */
    public static ToolSchemas fromJson(String toolsJson) {
        try {
            return of(JSON.readTree(toolsJson));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("tool list is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** From the tool list as plain Java objects (maps and lists), as the template context holds it. */
    public static ToolSchemas fromObjects(Object tools) {
        return tools == null ? NONE : of(JSON.valueToTree(tools));
    }

    /** Whether no tool is known. */
    public boolean isEmpty() {
        return types.isEmpty();
    }

    /** Whether a tool of this name was offered. */
    public boolean hasTool(String name) {
        return types.containsKey(name);
    }

    /** The declared types of an argument; empty when the tool or argument is unknown or untyped. */
    public Set<ValueType> typesOf(String tool, String argument) {
        Map<String, Set<ValueType>> arguments = types.get(tool);
        if (arguments == null) return Set.of();
        return arguments.getOrDefault(argument, Set.of());
    }

    private static Set<ValueType> declaredTypes(JsonNode schema, int depth) {
        EnumSet<ValueType> result = EnumSet.noneOf(ValueType.class);
        if (depth > 8 || !schema.isObject()) return result;
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            ValueType.ofSchemaName(type.asText()).ifPresent(result::add);
        } else if (type != null && type.isArray()) {
            for (JsonNode t : type) if (t.isTextual()) ValueType.ofSchemaName(t.asText()).ifPresent(result::add);
        }
        for (String combinator : new String[] {"anyOf", "oneOf"}) {
            for (JsonNode branch : schema.path(combinator)) result.addAll(declaredTypes(branch, depth + 1));
        }
        if (result.isEmpty()) {
            for (JsonNode value : schema.path("enum")) kindOf(value, result);
            if (schema.has("const")) kindOf(schema.get("const"), result);
        }
        return result;
    }

    private static void kindOf(JsonNode value, Set<ValueType> into) {
        if (value.isTextual()) into.add(ValueType.STRING);
        else if (value.isIntegralNumber()) into.add(ValueType.INTEGER);
        else if (value.isNumber()) into.add(ValueType.NUMBER);
        else if (value.isBoolean()) into.add(ValueType.BOOLEAN);
        else if (value.isObject()) into.add(ValueType.OBJECT);
        else if (value.isArray()) into.add(ValueType.ARRAY);
        else if (value.isNull()) into.add(ValueType.NULL);
    }
}
