package dev.flash4j.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python semantics for template values. Values are: String, Long (Python int), Double (float),
 * Boolean, null (None), List (list), PyTuple, Map (dict, insertion-ordered), Namespace, Undefined,
 * JinjaFunction, LoopState.
 */
final class Values {
    private Values() {
    }

    /** Converts caller-supplied Java values to template values (Integer to Long, arrays to lists...). */
    static Object normalize(Object v) {
        if (v == null || v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) return v;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Float f) return (double) f;
        if (v instanceof BigInteger b) return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
        if (v instanceof BigDecimal d) return d.doubleValue();
        if (v instanceof CharSequence cs) return cs.toString();
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(normalize(e.getKey()), normalize(e.getValue()));
            return out;
        }
        if (v instanceof PyTuple) return v;
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object o : c) out.add(normalize(o));
            return out;
        }
        if (v instanceof Object[] arr) return normalize(java.util.Arrays.asList(arr));
        return v;
    }

    /** Python's type name, as used in its error messages. */
    static String typeName(Object v) {
        if (v == null) return "NoneType";
        if (v instanceof String) return "str";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Long || v instanceof BigInteger) return "int";
        if (v instanceof Double) return "float";
        if (v instanceof PyTuple) return "tuple";
        if (v instanceof List) return "list";
        if (v instanceof Map) return "dict";
        if (v instanceof Namespace) return "Namespace";
        if (v instanceof Undefined) return "Undefined";
        if (v instanceof LoopState) return "LoopContext";
        if (v instanceof JinjaFunction) return "function";
        return v.getClass().getSimpleName();
    }

    static boolean truthy(Object v) {
        if (v == null || v instanceof Undefined) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Long l) return l != 0;
        if (v instanceof Double d) return d != 0.0;
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof Collection<?> c) return !c.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    /** Python's str(): what {@code {{ x }}} prints. Undefined prints as empty. */
    static String str(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof Undefined) return "";
        if (v == null) return "None";
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof Double d) return floatRepr(d);
        if (v instanceof Long || v instanceof BigInteger) return v.toString();
        return repr(v);
    }

    /** Python's repr(), used for containers and their elements. */
    static String repr(Object v) {
        if (v instanceof String s) return stringRepr(s);
        if (v instanceof PyTuple t) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < t.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(repr(t.get(i)));
            }
            return sb.append(t.size() == 1 ? ",)" : ")").toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(repr(l.get(i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof Undefined) return "Undefined";
        if (v instanceof Namespace ns) return "<Namespace " + repr(ns.attrs) + ">";
        if (v instanceof JinjaFunction) return "<function>";
        return str(v);
    }

    private static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (cp == quote) sb.append('\\').append((char) cp);
                    else if (cp < 0x20 || cp == 0x7f) sb.append(String.format("\\x%02x", cp));
                    else if (!printable(cp)) {
                        if (cp <= 0xff) sb.append(String.format("\\x%02x", cp));
                        else if (cp <= 0xffff) sb.append(String.format("\\u%04x", cp));
                        else sb.append(String.format("\\U%08x", cp));
                    } else sb.appendCodePoint(cp);
                }
            }
        }
        return sb.append(quote).toString();
    }

    private static boolean printable(int cp) {
        if (cp == ' ') return true;
        int t = Character.getType(cp);
        return !(Character.isWhitespace(cp) || Character.isSpaceChar(cp) || t == Character.CONTROL || t == Character.FORMAT
                || t == Character.SURROGATE || t == Character.PRIVATE_USE || t == Character.UNASSIGNED);
    }

    /** Python's repr(float): shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        // Double.toString gives the shortest round-trip digits (JDK 19+); reformat them Python's way.
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = bd.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    /** Python ==, including 1 == 1.0 == True and deep list/dict comparison. */
    static boolean pyEquals(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        if (a instanceof Undefined && b instanceof Undefined) return true;
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) return toDouble(a) == toDouble(b);
            return toLong(a) == toLong(b);
        }
        if (a instanceof String && b instanceof String) return a.equals(b);
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if ((a instanceof PyTuple) != (b instanceof PyTuple) || la.size() != lb.size()) return false;
            for (int i = 0; i < la.size(); i++) if (!pyEquals(la.get(i), lb.get(i))) return false;
            return true;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) return false;
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !pyEquals(e.getValue(), mb.get(e.getKey()))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    /** Python ordering for {@code < <= > >=} and sorting: numbers with numbers, strings, lists. */
    static int compare(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) return Double.compare(toDouble(a), toDouble(b));
            return Long.compare(toLong(a), toLong(b));
        }
        if (a instanceof String sa && b instanceof String sb) return compareCodePoints(sa, sb);
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                if (!pyEquals(la.get(i), lb.get(i))) return compare(la.get(i), lb.get(i));
            }
            return Integer.compare(la.size(), lb.size());
        }
        throw new TemplateRuntimeException("'<' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    static double toDouble(Object v) {
        if (v instanceof Boolean b) return b ? 1 : 0;
        return ((Number) v).doubleValue();
    }

    static long toLong(Object v) {
        if (v instanceof Boolean b) return b ? 1 : 0;
        return ((Number) v).longValue();
    }

    /** Python iteration: lists and tuples by element, dicts by key, strings by character, undefined as empty. */
    static List<Object> iterate(Object v) {
        if (v instanceof List<?> l) return new ArrayList<>(l);
        if (v instanceof Map<?, ?> m) return new ArrayList<>(m.keySet());
        if (v instanceof String s) return chars(s);
        if (v instanceof Undefined) return new ArrayList<>();
        if (v instanceof Namespace) throw new TemplateRuntimeException("'Namespace' object is not iterable");
        throw new TemplateRuntimeException("'" + typeName(v) + "' object is not iterable");
    }

    static boolean iterable(Object v) {
        return v instanceof List || v instanceof Map || v instanceof String || v instanceof Undefined;
    }

    static List<Object> chars(String s) {
        List<Object> out = new ArrayList<>();
        for (Iterator<Integer> it = s.codePoints().iterator(); it.hasNext(); ) out.add(Character.toString(it.next()));
        return out;
    }

    /** Python len(). Strings count code points. */
    static long length(Object v) {
        if (v instanceof String s) return s.codePointCount(0, s.length());
        if (v instanceof Collection<?> c) return c.size();
        if (v instanceof Map<?, ?> m) return m.size();
        if (v instanceof Undefined) return 0;
        throw new TemplateRuntimeException("object of type '" + typeName(v) + "' has no len()");
    }

    /** Python's {@code x in container}. */
    static boolean contains(Object container, Object item) {
        if (container instanceof String s) {
            if (!(item instanceof String sub)) {
                throw new TemplateRuntimeException("'in <string>' requires string as left operand, not " + typeName(item));
            }
            return s.contains(sub);
        }
        if (container instanceof Map<?, ?> m) {
            if ((item instanceof List && !(item instanceof PyTuple)) || item instanceof Map) {
                throw new TemplateRuntimeException("unhashable type: '" + typeName(item) + "'");
            }
            for (Object k : m.keySet()) if (pyEquals(k, item)) return true;
            return false;
        }
        if (container instanceof List<?> l) {
            for (Object o : l) if (pyEquals(o, item)) return true;
            return false;
        }
        if (container instanceof Undefined) return false;
        throw new TemplateRuntimeException("argument of type '" + typeName(container) + "' is not iterable");
    }
}
