package dev.flash4j.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jinja's built-in filters as Jinja 3.1 defines them, plus Hugging Face's {@code tojson}
 * (json.dumps with ensure_ascii=False, optional indent, separators and sort_keys).
 */
final class Filters {
    private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)");

    /** Every filter name {@link #apply} knows; the parser rejects others, as Jinja does at compile time. */
    static final java.util.Set<String> NAMES = java.util.Set.of("safe", "e", "escape", "forceescape", "string", "trim", "upper", "lower", "capitalize", "title", "replace", "length", "count", "list", "first", "last", "join", "default", "d", "tojson", "fromjson", "items", "dictsort", "map", "select", "reject", "selectattr", "rejectattr", "unique", "sort", "reverse", "abs", "round", "int", "float", "indent", "wordcount", "batch", "sum", "min", "max", "attr", "center", "format", "pprint");

    private final Interpreter interpreter;

    Filters(Interpreter interpreter) {
        this.interpreter = interpreter;
    }

    /** Positional-or-keyword argument {@code index}/{@code name}, or {@code fallback} if absent. */
    private static Object param(List<Object> args, Map<String, Object> kw, int index, String name, Object fallback) {
        if (index >= 0 && index < args.size()) return args.get(index);
        return kw.containsKey(name) ? kw.get(name) : fallback;
    }

    Object apply(String name, Object v, List<Object> args, Map<String, Object> kw) {
        return switch (name) {
            case "safe", "e", "escape", "forceescape" -> name.equals("safe") ? v : escape(Values.str(v));
            case "string" -> Values.str(v);
            case "trim" -> PyStrings.strip(Values.str(v), (String) param(args, kw, 0, "chars", null), true, true);
            case "upper" -> Values.str(v).toUpperCase(Locale.ROOT);
            case "lower" -> Values.str(v).toLowerCase(Locale.ROOT);
            case "capitalize" -> PyStrings.capitalize(Values.str(v));
            case "title" -> title(Values.str(v));
            case "replace" -> replace(v, args, kw);
            case "length", "count" -> Values.length(v);
            case "list" -> Values.iterate(v);
            case "first" -> {
                List<Object> l = Values.iterate(v);
                yield l.isEmpty() ? new Undefined("No first item, sequence was empty.") : l.getFirst();
            }
            case "last" -> {
                List<Object> l = Values.iterate(v);
                yield l.isEmpty() ? new Undefined("No last item, sequence was empty.") : l.getLast();
            }
            case "join" -> join(v, args, kw);
            case "default", "d" -> {
                Object fallback = param(args, kw, 0, "default_value", "");
                boolean bool = Values.truthy(param(args, kw, 1, "boolean", false));
                yield v instanceof Undefined || (bool && !Values.truthy(v)) ? fallback : v;
            }
            case "tojson" -> tojson(v, args, kw);
            // not in Jinja or transformers; llama.cpp offers it and some GGUF templates (StepFun) call it
            case "fromjson" -> fromjson(v);
            case "items" -> {
                if (v instanceof Undefined) yield new ArrayList<>();
                if (!(v instanceof Map<?, ?> m)) throw new TemplateRuntimeException("Can only get item pairs from a mapping.");
                List<Object> out = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) out.add(PyTuple.of(e.getKey(), e.getValue()));
                yield out;
            }
            case "dictsort" -> dictsort(v, args, kw);
            case "map" -> map(v, args, kw);
            case "select", "reject" -> select(v, args, name.equals("select"), false);
            case "selectattr", "rejectattr" -> select(v, args, name.equals("selectattr"), true);
            case "unique" -> unique(v, args, kw);
            case "sort" -> sort(v, args, kw);
            case "reverse" -> {
                if (v instanceof String s) yield new StringBuilder(s).reverse().toString();
                List<Object> l = Values.iterate(v);
                java.util.Collections.reverse(l);
                yield l;
            }
            case "abs" -> {
                if (v instanceof Double d) yield Math.abs(d);
                if (v instanceof Long || v instanceof Boolean) yield Math.abs(Values.toLong(v));
                throw new TemplateRuntimeException("bad operand type for abs(): '" + Values.typeName(v) + "'");
            }
            case "round" -> round(v, args, kw);
            case "int" -> toInt(v, param(args, kw, 0, "default", 0L));
            case "float" -> toFloat(v, param(args, kw, 0, "default", 0.0));
            case "indent" -> indent(requireString(v, "splitlines"), param(args, kw, 0, "width", 4L), Values.truthy(param(args, kw, 1, "first", false)),
                    Values.truthy(param(args, kw, 2, "blank", false)));
            case "wordcount" -> {
                Matcher m = WORD.matcher(Values.str(v));
                long n = 0;
                while (m.find()) n++;
                yield n;
            }
            case "batch" -> batch(v, args, kw);
            case "sum" -> sum(v, args, kw);
            case "min", "max" -> minMax(v, name.equals("max"), args, kw);
            case "attr" -> Attributes.getAttr(v, Values.str(param(args, kw, 0, "name", "")));
            case "center" -> PyStrings.method(Values.str(v), "center").call(List.of(param(args, kw, 0, "width", 80L)), Map.of());
            case "format" -> printf(Values.str(v), args, false);
            case "pprint" -> Values.repr(v);
            default -> throw new TemplateRuntimeException("No filter named '" + name + "'.");
        };
    }

    /** Filters that call a str method on their input directly (no str() conversion) fail like Python for other types. */
    private static String requireString(Object v, String method) {
        if (v instanceof String s) return s;
        if (v instanceof Undefined u) throw u.fail();
        throw new TemplateRuntimeException("'" + Values.typeName(v) + "' object has no attribute '" + method + "'");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
    }

    /** Jinja's title filter: upper-case the first letter after spaces, dashes and opening brackets. */
    private static String title(String s) {
        StringBuilder sb = new StringBuilder();
        Matcher m = WORD_BEGINNING.matcher(s);
        int last = 0;
        while (m.find()) {
            appendTitled(sb, s.substring(last, m.start()));
            sb.append(m.group());
            last = m.end();
        }
        appendTitled(sb, s.substring(last));
        return sb.toString();
    }

    private static void appendTitled(StringBuilder sb, String word) {
        if (word.isEmpty()) return;
        int first = word.codePointAt(0);
        sb.appendCodePoint(Character.toUpperCase(first)).append(word.substring(Character.charCount(first)).toLowerCase(Locale.ROOT));
    }

    private static Object replace(Object v, List<Object> args, Map<String, Object> kw) {
        String s = Values.str(v);
        Object count = param(args, kw, 2, "count", null);
        List<Object> a = new ArrayList<>(List.of(Values.str(param(args, kw, 0, "old", "")), Values.str(param(args, kw, 1, "new", ""))));
        if (count != null) a.add(count);
        return PyStrings.method(s, "replace").call(a, Map.of());
    }

    private Object join(Object v, List<Object> args, Map<String, Object> kw) {
        String sep = Values.str(param(args, kw, 0, "d", ""));
        Object attribute = param(args, kw, 1, "attribute", null);
        StringBuilder sb = new StringBuilder();
        List<Object> items = Values.iterate(v);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(sep);
            Object item = attribute == null ? items.get(i) : attributePath(items.get(i), attribute);
            sb.append(Values.str(item));
        }
        return sb.toString();
    }

    private static Object tojson(Object v, List<Object> args, Map<String, Object> kw) {
        // transformers: tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)
        boolean ensureAscii = Values.truthy(param(args, kw, 0, "ensure_ascii", false));
        Object indent = param(args, kw, 1, "indent", null);
        Object separators = param(args, kw, 2, "separators", null);
        boolean sortKeys = Values.truthy(param(args, kw, 3, "sort_keys", false));
        String indentStr = indent == null ? null : indent instanceof String s ? s : " ".repeat((int) Values.toLong(indent));
        String item = null, key = null;
        if (separators instanceof List<?> seps && seps.size() == 2) {
            item = Values.str(seps.get(0));
            key = Values.str(seps.get(1));
        }
        return new PyJson(indentStr, item, key, ensureAscii, sortKeys).dumps(v);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS);

    private static Object fromjson(Object v) {
        if (!(v instanceof String s)) throw new TemplateRuntimeException("fromjson expects a string, not " + Values.typeName(v));
        try {
            return Values.normalize(JSON.readValue(s, Object.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TemplateRuntimeException("fromjson: invalid JSON: " + e.getOriginalMessage());
        }
    }

    private static Object dictsort(Object v, List<Object> args, Map<String, Object> kw) {
        if (!(v instanceof Map<?, ?> m)) throw new TemplateRuntimeException("You can only sort by either \"key\" or \"value\"");
        boolean caseSensitive = Values.truthy(param(args, kw, 0, "case_sensitive", false));
        String by = Values.str(param(args, kw, 1, "by", "key"));
        boolean reverse = Values.truthy(param(args, kw, 2, "reverse", false));
        int pos = switch (by) {
            case "key" -> 0;
            case "value" -> 1;
            default -> throw new TemplateRuntimeException("You can only sort by either \"key\" or \"value\"");
        };
        List<Object> items = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) items.add(PyTuple.of(e.getKey(), e.getValue()));
        Comparator<Object> cmp = (a, b) -> Values.compare(sortKey(((PyTuple) a).get(pos), caseSensitive), sortKey(((PyTuple) b).get(pos), caseSensitive));
        items.sort(reverse ? cmp.reversed() : cmp);
        return items;
    }

    private static Object sortKey(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? s.toLowerCase(Locale.ROOT) : v;
    }

    /** {@code a.b.0} style attribute paths used by map/selectattr/sort/join. */
    static Object attributePath(Object item, Object attribute) {
        if (attribute instanceof Long) return Attributes.getItem(item, attribute);
        Object cur = item;
        for (String part : Values.str(attribute).split("\\.")) {
            Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
            cur = Attributes.getItem(cur, key);
        }
        return cur;
    }

    private Object map(Object v, List<Object> args, Map<String, Object> kw) {
        List<Object> out = new ArrayList<>();
        if (kw.containsKey("attribute")) {
            if (!Values.truthy(v)) return out;
            Object attribute = kw.get("attribute");
            Object fallback = kw.get("default");
            for (Object item : Values.iterate(v)) {
                Object x = attributePath(item, attribute);
                out.add(x instanceof Undefined && kw.containsKey("default") ? fallback : x);
            }
            return out;
        }
        if (!Values.truthy(v)) return out; // Jinja: `if value:` before iterating, so 0/None/False map to nothing
        if (args.isEmpty()) throw new TemplateRuntimeException("map requires a filter argument");
        String filter = Values.str(args.getFirst());
        List<Object> rest = args.subList(1, args.size());
        for (Object item : Values.iterate(v)) out.add(apply(filter, item, rest, kw));
        return out;
    }

    private static Object select(Object v, List<Object> args, boolean keep, boolean byAttribute) {
        List<Object> out = new ArrayList<>();
        int testAt = byAttribute ? 1 : 0;
        if (!Values.truthy(v)) return out; // Jinja: `if value:` before iterating
        if (byAttribute && args.isEmpty()) throw new TemplateRuntimeException("selectattr requires an attribute");
        for (Object item : Values.iterate(v)) {
            Object x = byAttribute ? attributePath(item, args.getFirst()) : item;
            boolean ok;
            if (args.size() > testAt) {
                ok = Tests.apply(Values.str(args.get(testAt)), x, args.subList(testAt + 1, args.size()));
            } else {
                ok = Values.truthy(x);
            }
            if (ok == keep) out.add(item);
        }
        return out;
    }

    private static Object unique(Object v, List<Object> args, Map<String, Object> kw) {
        boolean caseSensitive = Values.truthy(param(args, kw, 0, "case_sensitive", false));
        Object attribute = param(args, kw, 1, "attribute", null);
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            Object key = sortKey(attribute == null ? item : attributePath(item, attribute), caseSensitive);
            if (seen.stream().noneMatch(s -> Values.pyEquals(s, key))) {
                seen.add(key);
                out.add(item);
            }
        }
        return out;
    }

    private static Object sort(Object v, List<Object> args, Map<String, Object> kw) {
        boolean reverse = Values.truthy(param(args, kw, 0, "reverse", false));
        boolean caseSensitive = Values.truthy(param(args, kw, 1, "case_sensitive", false));
        Object attribute = param(args, kw, 2, "attribute", null);
        List<Object> items = Values.iterate(v);
        Comparator<Object> cmp = (a, b) -> Values.compare(
                sortKey(attribute == null ? a : attributePath(a, attribute), caseSensitive),
                sortKey(attribute == null ? b : attributePath(b, attribute), caseSensitive));
        items.sort(reverse ? cmp.reversed() : cmp);
        return items;
    }

    private static Object round(Object v, List<Object> args, Map<String, Object> kw) {
        long precision = Values.toLong(param(args, kw, 0, "precision", 0L));
        String method = Values.str(param(args, kw, 1, "method", "common"));
        if (!Values.isNumber(v)) throw new TemplateRuntimeException("type " + Values.typeName(v) + " doesn't define __round__ method");
        if (v instanceof Long && method.equals("common")) return v;
        RoundingMode mode = switch (method) {
            case "common" -> RoundingMode.HALF_EVEN; // Python's round() on the exact binary value
            case "ceil" -> RoundingMode.CEILING;
            case "floor" -> RoundingMode.FLOOR;
            default -> throw new TemplateRuntimeException("method must be common, ceil or floor");
        };
        BigDecimal bd = new BigDecimal(Values.toDouble(v)).setScale((int) precision, mode);
        return bd.doubleValue();
    }

    private static Object toInt(Object v, Object fallback) {
        if (v instanceof Long) return v;
        if (v instanceof Boolean b) return b ? 1L : 0L;
        if (v instanceof Double d) return (long) d.doubleValue();
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                try {
                    return (long) Double.parseDouble(s.strip());
                } catch (NumberFormatException e2) {
                    return fallback;
                }
            }
        }
        return fallback;
    }

    private static Object toFloat(Object v, Object fallback) {
        if (Values.isNumber(v)) return Values.toDouble(v);
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    /** Jinja 3 indent: indents every line but the first (unless first=True), blank lines only if blank=True. */
    private static String indent(String s, Object width, boolean first, boolean blank) {
        String pad = width instanceof String w ? w : " ".repeat((int) Values.toLong(width));
        List<Object> lines = PyStrings.splitlines(s + "\n");
        StringBuilder sb = new StringBuilder();
        if (blank) {
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) sb.append('\n').append(pad);
                sb.append((String) lines.get(i));
            }
        } else {
            sb.append((String) lines.getFirst());
            for (int i = 1; i < lines.size(); i++) {
                String line = (String) lines.get(i);
                sb.append('\n');
                if (!line.isEmpty()) sb.append(pad).append(line);
            }
        }
        return first ? pad + sb : sb.toString();
    }

    private static Object batch(Object v, List<Object> args, Map<String, Object> kw) {
        long size = Values.toLong(param(args, kw, 0, "linecount", 1L));
        boolean fill = args.size() > 1 || kw.containsKey("fill_with");
        Object filler = param(args, kw, 1, "fill_with", null);
        List<Object> out = new ArrayList<>();
        List<Object> cur = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            cur.add(item);
            if (cur.size() == size) {
                out.add(cur);
                cur = new ArrayList<>();
            }
        }
        if (!cur.isEmpty()) {
            if (fill) while (cur.size() < size) cur.add(filler);
            out.add(cur);
        }
        return out;
    }

    private static Object sum(Object v, List<Object> args, Map<String, Object> kw) {
        Object attribute = param(args, kw, 0, "attribute", null);
        Object total = param(args, kw, 1, "start", 0L);
        for (Object item : Values.iterate(v)) {
            total = Operators.binary("+", total, attribute == null ? item : attributePath(item, attribute));
        }
        return total;
    }

    private static Object minMax(Object v, boolean max, List<Object> args, Map<String, Object> kw) {
        boolean caseSensitive = Values.truthy(param(args, kw, 0, "case_sensitive", false));
        Object attribute = param(args, kw, 1, "attribute", null);
        Object best = null;
        Object bestKey = null;
        for (Object item : Values.iterate(v)) {
            Object key = sortKey(attribute == null ? item : attributePath(item, attribute), caseSensitive);
            if (bestKey == null || (max ? Values.compare(key, bestKey) > 0 : Values.compare(key, bestKey) < 0)) {
                best = item;
                bestKey = key;
            }
        }
        return bestKey == null ? new Undefined("No aggregated item, sequence was empty.") : best;
    }

    /**
     * {@code "%s: %d"|format(a, b)} and {@code '%s' % x}: Python %-formatting for s, d, i, r, f and %%.
     *
     * @param mappingArg the single argument is a mapping: Python does not complain if it goes unused
     */
    static String printf(String fmt, List<Object> args, boolean mappingArg) {
        StringBuilder sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char conv = fmt.charAt(++i);
            if (conv == '%') {
                sb.append('%');
                continue;
            }
            if (next >= args.size()) throw new TemplateRuntimeException("not enough arguments for format string");
            Object a = args.get(next++);
            switch (conv) {
                case 's' -> sb.append(Values.str(a));
                case 'r' -> sb.append(Values.repr(a));
                case 'd', 'i' -> sb.append(Values.toLong(a));
                case 'f' -> sb.append(String.format(Locale.ROOT, "%f", Values.toDouble(a)));
                default -> throw new TemplateRuntimeException("unsupported format character '" + conv + "'");
            }
        }
        if (next < args.size() && !mappingArg) throw new TemplateRuntimeException("not all arguments converted during string formatting");
        return sb.toString();
    }
}
