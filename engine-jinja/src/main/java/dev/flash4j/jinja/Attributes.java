package dev.flash4j.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code obj.name}, {@code obj[key]} and slices, the way Jinja's sandbox resolves them: attribute
 * access tries Python attributes (methods) first and falls back to items, subscription the other
 * way round; a miss yields an Undefined. Methods that mutate (list.append, dict.update...) are
 * refused as in Hugging Face's ImmutableSandboxedEnvironment.
 */
final class Attributes {
    private static final Set<String> DICT_METHODS = Set.of("get", "items", "keys", "values", "copy");
    private static final Set<String> DICT_MUTATORS = Set.of("update", "pop", "popitem", "setdefault", "clear", "fromkeys");
    private static final Set<String> LIST_METHODS = Set.of("index", "count", "copy");
    private static final Set<String> LIST_MUTATORS = Set.of("append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear");

    private Attributes() {
    }

    static Object getAttr(Object obj, String name) {
        if (obj instanceof Undefined) return obj;
        if (obj instanceof Map<?, ?> m) {
            if (DICT_METHODS.contains(name)) return dictMethod(m, name);
            if (DICT_MUTATORS.contains(name)) return unsafe(obj, name);
            return m.containsKey(name) ? m.get(name) : Undefined.attribute(obj, name);
        }
        if (obj instanceof String s) {
            JinjaFunction f = PyStrings.method(s, name);
            return f != null ? f : Undefined.attribute(obj, name);
        }
        if (obj instanceof List<?> l) {
            if (LIST_METHODS.contains(name)) return listMethod(l, name);
            if (LIST_MUTATORS.contains(name)) return unsafe(obj, name);
            return Undefined.attribute(obj, name);
        }
        if (obj instanceof Namespace ns) return ns.attrs.containsKey(name) ? ns.attrs.get(name) : Undefined.attribute(obj, name);
        if (obj instanceof LoopState loop) return loop.attribute(name);
        return Undefined.attribute(obj, name);
    }

    static Object getItem(Object obj, Object key) {
        if (obj instanceof Undefined) return obj;
        if (obj instanceof Map<?, ?> m) {
            if (m.containsKey(key)) return m.get(key);
            if (key instanceof Long || key instanceof Double || key instanceof Boolean) {
                for (Map.Entry<?, ?> e : m.entrySet()) if (Values.pyEquals(e.getKey(), key)) return e.getValue();
            }
            return key instanceof String s ? getAttr(obj, s) : Undefined.attribute(obj, key);
        }
        if (obj instanceof List<?> || obj instanceof String) {
            if (key instanceof Long || key instanceof Boolean) {
                List<?> l = obj instanceof String s ? Values.chars(s) : (List<?>) obj;
                long i = Values.toLong(key);
                if (i < 0) i += l.size();
                if (i < 0 || i >= l.size()) return new Undefined(Values.typeName(obj) + " index out of range");
                return l.get((int) i);
            }
            if (key instanceof String s) return getAttr(obj, s);
            return Undefined.attribute(obj, key);
        }
        if (key instanceof String s) return getAttr(obj, s);
        return Undefined.attribute(obj, key);
    }

    /** Python slicing {@code obj[start:stop:step]} of a list, tuple or string. */
    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined) return obj;
        List<?> seq;
        if (obj instanceof String s) seq = Values.chars(s);
        else if (obj instanceof List<?> l) seq = l;
        else throw new TemplateRuntimeException("'" + Values.typeName(obj) + "' object is not subscriptable");
        int n = seq.size();
        long st = step == null ? 1 : index(step);
        if (st == 0) throw new TemplateRuntimeException("slice step cannot be zero");
        long lo, hi;
        if (st > 0) {
            lo = start == null ? 0 : clamp(index(start), n, 0, n);
            hi = stop == null ? n : clamp(index(stop), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(index(start), n, -1, n - 1);
            hi = stop == null ? -1 : clamp(index(stop), n, -1, n - 1);
        }
        List<Object> out = new ArrayList<>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) out.add(seq.get((int) i));
        if (obj instanceof String) {
            StringBuilder sb = new StringBuilder();
            for (Object c : out) sb.append((String) c);
            return sb.toString();
        }
        return obj instanceof PyTuple ? new PyTuple(out) : out;
    }

    private static long index(Object v) {
        if (v instanceof Long || v instanceof Boolean) return Values.toLong(v);
        throw new TemplateRuntimeException("slice indices must be integers or None");
    }

    private static long clamp(long i, int n, long min, long max) {
        if (i < 0) i += n;
        return Math.max(min, Math.min(max, i));
    }

    private static Object unsafe(Object obj, String name) {
        return new Undefined("access to attribute '" + name + "' of '" + Values.typeName(obj) + "' object is unsafe.");
    }

    private static JinjaFunction dictMethod(Map<?, ?> m, String name) {
        return switch (name) {
            case "get" -> (args, kw) -> {
                if (args.isEmpty()) throw new TemplateRuntimeException("get expected at least 1 argument, got 0");
                Object key = args.get(0);
                return m.containsKey(key) ? m.get(key) : (args.size() > 1 ? args.get(1) : null);
            };
            case "items" -> (args, kw) -> {
                List<Object> out = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) out.add(PyTuple.of(e.getKey(), e.getValue()));
                return out;
            };
            case "keys" -> (args, kw) -> new ArrayList<>(m.keySet());
            case "values" -> (args, kw) -> new ArrayList<>(m.values());
            case "copy" -> (args, kw) -> new java.util.LinkedHashMap<>(m);
            default -> throw new IllegalStateException(name);
        };
    }

    private static JinjaFunction listMethod(List<?> l, String name) {
        return switch (name) {
            case "index" -> (args, kw) -> {
                for (int i = 0; i < l.size(); i++) if (Values.pyEquals(l.get(i), args.get(0))) return (long) i;
                throw new TemplateRuntimeException(Values.repr(args.get(0)) + " is not in list");
            };
            case "count" -> (args, kw) -> l.stream().filter(x -> Values.pyEquals(x, args.get(0))).count();
            case "copy" -> (args, kw) -> new ArrayList<>(l);
            default -> throw new IllegalStateException(name);
        };
    }
}
