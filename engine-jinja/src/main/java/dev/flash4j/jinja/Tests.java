package dev.flash4j.jinja;

import java.util.List;
import java.util.Map;

/** Jinja tests ({@code x is defined}, {@code x is string}...), with Python's notion of each type. */
final class Tests {
    /** Every test name {@link #apply} knows; the parser rejects others, as Jinja does at compile time. */
    static final java.util.Set<String> NAMES = java.util.Set.of("defined", "undefined", "none", "string", "mapping", "iterable", "sequence", "number", "integer", "float", "boolean", "true", "false", "callable", "odd", "even", "divisibleby", "lower", "upper", "equalto", "eq", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "in", "sameas", "escaped");

    private Tests() {
    }

    static boolean apply(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "string" -> v instanceof String;
            case "mapping" -> v instanceof Map;
            // Undefined defines __iter__, __len__ and __getitem__, so Python counts it as both.
            case "iterable" -> Values.iterable(v);
            case "sequence" -> v instanceof List || v instanceof String || v instanceof Map || v instanceof Undefined;
            case "number" -> Values.isNumber(v); // bool is a Number in Python
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "callable" -> v instanceof JinjaFunction;
            case "odd" -> Values.toLong(number(v)) % 2 != 0;
            case "even" -> Values.toLong(number(v)) % 2 == 0;
            case "divisibleby" -> Values.toLong(number(v)) % Values.toLong(arg(args, name)) == 0;
            case "lower" -> v instanceof String s && s.equals(s.toLowerCase(java.util.Locale.ROOT));
            case "upper" -> v instanceof String s && s.equals(s.toUpperCase(java.util.Locale.ROOT));
            case "equalto", "eq", "==" -> Values.pyEquals(v, arg(args, name));
            case "ne", "!=" -> !Values.pyEquals(v, arg(args, name));
            case "lt", "lessthan", "<" -> Values.compare(v, arg(args, name)) < 0;
            case "le", "<=" -> Values.compare(v, arg(args, name)) <= 0;
            case "gt", "greaterthan", ">" -> Values.compare(v, arg(args, name)) > 0;
            case "ge", ">=" -> Values.compare(v, arg(args, name)) >= 0;
            case "in" -> Values.contains(arg(args, name), v);
            case "sameas" -> sameAs(v, arg(args, name));
            case "escaped" -> false;
            default -> throw new TemplateRuntimeException("No test named '" + name + "'.");
        };
    }

    private static boolean sameAs(Object a, Object b) {
        if (a == null || b == null || a instanceof Boolean || b instanceof Boolean) return a == null ? b == null : a.equals(b) && b != null;
        return a == b;
    }

    private static Object number(Object v) {
        if (!Values.isNumber(v)) throw new TemplateRuntimeException("unsupported operand type(s) for %: '" + Values.typeName(v) + "' and 'int'");
        return v;
    }

    private static Object arg(List<Object> args, String test) {
        if (args.isEmpty()) throw new TemplateRuntimeException("test '" + test + "' needs an argument");
        return args.getFirst();
    }
}
