package dev.flash4j.chat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Locale;
import java.util.Set;

/**
 * Turns the text of one {@code <parameter=..>} block into a JSON value. The format writes the value
 * on its own lines, so exactly one leading and one trailing newline belong to the syntax and are
 * removed; a string keeps everything else verbatim. Other types are parsed from the trimmed text.
 * A value that fits none of its declared types, or has no declared type, is parsed as JSON if it
 * is JSON and kept as a string otherwise.
 */
final class ArgumentTyper {

    /** Order in which declared types are tried: the most specific reading wins, string last. */
    private static final ValueType[] TRY_ORDER = {
        ValueType.NULL, ValueType.BOOLEAN, ValueType.INTEGER, ValueType.NUMBER, ValueType.OBJECT, ValueType.ARRAY
    };

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A typed value and whether it had to fall back because it did not fit its declared types. */
    record Typed(JsonNode value, boolean mismatch) {
    }

    private ArgumentTyper() {
    }

    static String stripSyntaxNewlines(String raw) {
        int start = raw.startsWith("\n") ? 1 : 0;
        int end = raw.length();
        if (end > start && raw.charAt(end - 1) == '\n') end--;
        return raw.substring(start, end);
    }

    static Typed type(String raw, Set<ValueType> declared) {
        String value = stripSyntaxNewlines(raw);
        if (declared.isEmpty()) return new Typed(jsonOrString(value), false);
        String trimmed = value.strip();
        for (ValueType type : TRY_ORDER) {
            if (!declared.contains(type)) continue;
            JsonNode typed = as(type, trimmed);
            if (typed != null) return new Typed(typed, false);
        }
        if (declared.contains(ValueType.STRING)) return new Typed(TextNode.valueOf(value), false);
        return new Typed(jsonOrString(value), true);
    }

    /** The value read as {@code type}, or null if it is not one. */
    private static JsonNode as(ValueType type, String trimmed) {
        return switch (type) {
            case NULL -> trimmed.equals("null") || trimmed.equals("None") ? NullNode.getInstance() : null;
            case BOOLEAN -> switch (trimmed.toLowerCase(Locale.ROOT)) {
                case "true" -> BooleanNode.TRUE;
                case "false" -> BooleanNode.FALSE;
                default -> null;
            };
            case INTEGER -> accept(readJson(trimmed), JsonNode::isIntegralNumber);
            case NUMBER -> accept(readJson(trimmed), JsonNode::isNumber);
            case OBJECT -> accept(readJson(trimmed), JsonNode::isObject);
            case ARRAY -> accept(readJson(trimmed), JsonNode::isArray);
            case STRING -> TextNode.valueOf(trimmed);
        };
    }

    private static JsonNode accept(JsonNode node, java.util.function.Predicate<JsonNode> kind) {
        return node != null && kind.test(node) ? node : null;
    }

    private static JsonNode jsonOrString(String value) {
        JsonNode json = readJson(value.strip());
        return json != null ? json : TextNode.valueOf(value);
    }

    /** The text as one JSON value, or null if it is empty or not exactly one JSON value. */
    private static JsonNode readJson(String text) {
        if (text.isEmpty()) return null;
        try {
            JsonNode node = JSON.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (Exception e) {
            // not JSON (or beyond Jackson's size limits): the caller falls back to a string
            return null;
        }
    }
}
