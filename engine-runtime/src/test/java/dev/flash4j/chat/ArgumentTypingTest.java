package dev.flash4j.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.flash4j.chat.ChatTestSupport.TOOLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument values typed by the tools' JSON schemas. */
class ArgumentTypingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses one call to {@code tool} with one argument and returns the typed value. */
    private static JsonNode typed(String tool, String argument, String rawValue) {
        String out = "<tool_call>\n<function=" + tool + ">\n<parameter=" + argument + ">" + rawValue + "</parameter>\n</function>\n</tool_call>";
        return new ChatOutputParser(TOOLS, false).parse(out).toolCalls().getFirst().arguments().get(argument);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void schemaTypesAreReadFromTypeAnyOfAndEnum() {
        assertEquals(Set.of(ValueType.STRING), TOOLS.typesOf("get_weather", "city"));
        assertEquals(Set.of(ValueType.INTEGER), TOOLS.typesOf("get_weather", "days"));
        assertEquals(EnumSet.of(ValueType.STRING, ValueType.NULL), TOOLS.typesOf("search", "mode"));
        assertEquals(EnumSet.of(ValueType.INTEGER, ValueType.STRING), TOOLS.typesOf("search", "level"));
        assertEquals(Set.of(ValueType.BOOLEAN), TOOLS.typesOf("search", "flag"));
        assertEquals(Set.of(), TOOLS.typesOf("search", "nope"));
        assertEquals(Set.of(), TOOLS.typesOf("nope", "city"));
    }

    @Test
    void integersNumbersAndBooleans() throws Exception {
        assertEquals(json("42"), typed("get_weather", "days", "\n42\n"));
        assertEquals(json("-7"), typed("get_weather", "days", "\n  -7 \n"));
        assertEquals(json("12345678901234567890"), typed("get_weather", "days", "\n12345678901234567890\n"));
        assertEquals(1000.0, typed("search", "threshold", "\n1e3\n").doubleValue());
        assertEquals(json("7"), typed("search", "threshold", "\n7\n"));
        assertEquals(json("true"), typed("write_file", "append", "\nTrue\n"));
        assertEquals(json("false"), typed("write_file", "append", "\nfalse\n"));
    }

    @Test
    void valuesNotFittingTheirTypeFallBackToJsonThenString() throws Exception {
        assertEquals(json("4.5"), typed("get_weather", "days", "\n4.5\n"), "not an integer, but JSON");
        assertEquals(json("\"three days\""), typed("get_weather", "days", "\nthree days\n"));
        assertEquals(json("\"yes\""), typed("write_file", "append", "\nyes\n"));
        assertEquals(json("\"{a:1}\""), typed("search", "filters", "\n{a:1}\n"));
    }

    @Test
    void objectsAndArraysAreParsedAsJson() throws Exception {
        assertEquals(json("{\"a\": [1, 2, {\"b\": null}]}"), typed("search", "filters", "\n{\"a\": [1, 2, {\"b\": null}]}\n"));
        assertEquals(json("[1, \"x\", true]"), typed("search", "tags", "\n[1, \"x\", true]\n"));
        assertEquals(json("\"[1, 2\""), typed("search", "tags", "\n[1, 2\n"), "unterminated array stays a string");
    }

    @Test
    void stringsLoseExactlyOneSyntaxNewlineAtEachEnd() throws Exception {
        assertEquals("  padded  ", typed("get_weather", "city", "\n  padded  \n").textValue());
        assertEquals("\nTwo newlines\n", typed("get_weather", "city", "\n\nTwo newlines\n\n").textValue());
        assertEquals("no newlines", typed("get_weather", "city", "no newlines").textValue());
        assertEquals("42", typed("get_weather", "city", "\n42\n").textValue(), "a string stays a string even if it looks like a number");
        assertEquals("", typed("get_weather", "city", "\n\n").textValue());
        assertEquals("", typed("get_weather", "city", "").textValue());
        assertEquals("{\"a\": 1}", typed("get_weather", "city", "\n{\"a\": 1}\n").textValue());
    }

    @Test
    void unionsTryTheSpecificTypesBeforeString() throws Exception {
        assertTrue(typed("search", "mode", "\nnull\n").isNull());
        assertEquals("fast", typed("search", "mode", "\nfast\n").textValue());
        assertEquals(json("5"), typed("search", "level", "\n5\n"));
        assertEquals("five", typed("search", "level", "\nfive\n").textValue());
        assertEquals(json("true"), typed("search", "flag", "\ntrue\n"));
    }

    @Test
    void unknownArgumentsAndToolsTryJsonThenString() throws Exception {
        assertEquals(json("{\"k\": 1}"), typed("search", "extra", "\n{\"k\": 1}\n"));
        assertEquals(json("12"), typed("unknown_tool", "n", "\n12\n"));
        assertEquals(json("\"quoted\""), typed("unknown_tool", "s", "\n\"quoted\"\n"));
        assertEquals("plain text", typed("unknown_tool", "s", "\nplain text\n").textValue());
        assertEquals("12abc", typed("unknown_tool", "s", "\n12abc\n").textValue());
        assertEquals(" spaced ", typed("unknown_tool", "s", "\n spaced \n").textValue(), "a string fallback is verbatim");
    }

    @Test
    void schemasFromJavaObjectsAndOddShapes() {
        ToolSchemas fromObjects = ToolSchemas.fromObjects(List.of(Map.of("type", "function", "function",
                Map.of("name", "f", "parameters", Map.of("type", "object", "properties", Map.of("n", Map.of("type", "integer")))))));
        assertEquals(Set.of(ValueType.INTEGER), fromObjects.typesOf("f", "n"));

        ToolSchemas odd = ToolSchemas.fromJson("""
                [1, "x", {"function": 3}, {"function": {"name": "nameless-params"}},
                 {"name": "bare", "parameters": {"properties": {"n": {"type": ["integer", 5, "weird"]}, "m": {"type": 3}}}}]""");
        assertEquals(Set.of(ValueType.INTEGER), odd.typesOf("bare", "n"));
        assertEquals(Set.of(), odd.typesOf("bare", "m"));
        assertEquals(Set.of(), odd.typesOf("nameless-params", "x"));
        assertThrows(IllegalArgumentException.class, () -> ToolSchemas.fromJson("[{"));
    }

    @Test
    void argumentsJsonEscapesStrings() throws Exception {
        JsonNode value = typed("get_weather", "city", "\nQuote \" backslash \\ newline\nend\n");
        ToolCall call = new ToolCall("get_weather", Map.of("city", value), true, "");
        assertEquals(value, JSON.readTree(call.argumentsJson()).get("city"));
        assertEquals("Quote \" backslash \\ newline\nend", value.textValue());
    }
}
