package dev.flash4j.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as Hugging Face's {@code tojson} filter calls it: key order kept,
 * separators {@code ", "}/{@code ": "} (or {@code ","}/{@code ": "} with an indent), non-ASCII kept
 * unless ensure_ascii, floats printed with Python's repr.
 */
final class PyJson {
    private final String indent;        // null: single line
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean ensureAscii;
    private final boolean sortKeys;

    PyJson(String indent, String itemSeparator, String keySeparator, boolean ensureAscii, boolean sortKeys) {
        this.indent = indent;
        this.itemSeparator = itemSeparator != null ? itemSeparator : (indent == null ? ", " : ",");
        this.keySeparator = keySeparator != null ? keySeparator : ": ";
        this.ensureAscii = ensureAscii;
        this.sortKeys = sortKeys;
    }

    String dumps(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, 0);
        return sb.toString();
    }

    private void write(StringBuilder sb, Object v, int depth) {
        if (v == null) sb.append("null");
        else if (v instanceof Boolean b) sb.append(b ? "true" : "false");
        else if (v instanceof String s) quote(sb, s);
        else if (v instanceof Long || v instanceof java.math.BigInteger) sb.append(v);
        else if (v instanceof Double d) {
            if (d.isNaN()) sb.append("NaN");
            else if (d.isInfinite()) sb.append(d > 0 ? "Infinity" : "-Infinity");
            else sb.append(Values.floatRepr(d));
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(itemSeparator);
                newline(sb, depth + 1);
                write(sb, l.get(i), depth + 1);
            }
            newline(sb, depth);
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (sortKeys) entries.sort((a, b) -> Values.compare(keyString(a.getKey()), keyString(b.getKey())));
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : entries) {
                if (!first) sb.append(itemSeparator);
                first = false;
                newline(sb, depth + 1);
                quote(sb, keyString(e.getKey()));
                sb.append(keySeparator);
                write(sb, e.getValue(), depth + 1);
            }
            newline(sb, depth);
            sb.append('}');
        } else {
            throw new TemplateRuntimeException("Object of type " + Values.typeName(v) + " is not JSON serializable");
        }
    }

    private static String keyString(Object k) {
        if (k instanceof String s) return s;
        if (k == null) return "null";
        if (k instanceof Boolean b) return b ? "true" : "false";
        if (k instanceof Long || k instanceof Double) return Values.str(k);
        throw new TemplateRuntimeException("keys must be str, int, float, bool or None, not " + Values.typeName(k));
    }

    private void newline(StringBuilder sb, int depth) {
        if (indent == null) return;
        sb.append('\n');
        sb.append(indent.repeat(depth));
    }

    private void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
