package dev.flash4j.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Python's arithmetic on template values, with Python's error messages for type mismatches. */
final class Operators {
    private Operators() {
    }

    static Object binary(String op, Object a, Object b) {
        if (op.equals("~")) return Values.str(a) + Values.str(b);
        if (a instanceof Undefined u) throw u.fail();
        if (b instanceof Undefined u) throw u.fail();
        if (op.equals("%") && a instanceof String fmt) {
            // Python treats a dict (or anything with __getitem__ but not a tuple, like Undefined) as a
            // mapping argument, which may go unused
            boolean mapping = b instanceof Map || b instanceof Undefined;
            return Filters.printf(fmt, b instanceof PyTuple t ? t : java.util.Collections.singletonList(b), mapping);
        }
        return switch (op) {
            case "+" -> add(a, b);
            case "-" -> numeric(op, a, b);
            case "*" -> multiply(a, b);
            case "/" -> {
                requireNumbers(op, a, b);
                double d = Values.toDouble(b);
                if (d == 0) throw new TemplateRuntimeException("division by zero");
                yield Values.toDouble(a) / d;
            }
            case "//", "%", "**" -> numeric(op, a, b);
            default -> throw new IllegalStateException(op);
        };
    }

    private static Object add(Object a, Object b) {
        if (Values.isNumber(a) && Values.isNumber(b)) return numeric("+", a, b);
        if (a instanceof String sa && b instanceof String sb) return sa + sb;
        if (a instanceof List<?> la && b instanceof List<?> lb && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            List<Object> out = new ArrayList<>(la);
            out.addAll(lb);
            return a instanceof PyTuple ? new PyTuple(out) : out;
        }
        String ta = Values.typeName(a);
        if (a instanceof String || a instanceof List) {
            throw new TemplateRuntimeException("can only concatenate " + ta + " (not \"" + Values.typeName(b) + "\") to " + ta);
        }
        throw unsupported("+", a, b);
    }

    private static Object multiply(Object a, Object b) {
        if (Values.isNumber(a) && Values.isNumber(b)) return numeric("*", a, b);
        if ((a instanceof String || a instanceof List) && (b instanceof Long || b instanceof Boolean)) return repeat(a, Values.toLong(b));
        if ((b instanceof String || b instanceof List) && (a instanceof Long || a instanceof Boolean)) return repeat(b, Values.toLong(a));
        throw unsupported("*", a, b);
    }

    private static Object repeat(Object seq, long n) {
        if (seq instanceof String s) return n <= 0 ? "" : s.repeat((int) n);
        List<?> l = (List<?>) seq;
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) out.addAll(l);
        return seq instanceof PyTuple ? new PyTuple(out) : out;
    }

    private static void requireNumbers(String op, Object a, Object b) {
        if (!Values.isNumber(a) || !Values.isNumber(b)) throw unsupported(op, a, b);
    }

    private static Object numeric(String op, Object a, Object b) {
        requireNumbers(op, a, b);
        boolean floats = a instanceof Double || b instanceof Double;
        if (!floats) {
            long x = Values.toLong(a), y = Values.toLong(b);
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                case "//" -> {
                    if (y == 0) throw new TemplateRuntimeException("integer division or modulo by zero");
                    yield Math.floorDiv(x, y);
                }
                case "%" -> {
                    if (y == 0) throw new TemplateRuntimeException("integer division or modulo by zero");
                    yield Math.floorMod(x, y);
                }
                case "**" -> y >= 0 ? (Object) pow(x, y) : (Object) Math.pow(x, y);
                default -> throw new IllegalStateException(op);
            };
        }
        double x = Values.toDouble(a), y = Values.toDouble(b);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "//" -> {
                if (y == 0) throw new TemplateRuntimeException("float floor division by zero");
                yield Math.floor(x / y);
            }
            case "%" -> {
                if (y == 0) throw new TemplateRuntimeException("float modulo");
                yield x - y * Math.floor(x / y);
            }
            case "**" -> Math.pow(x, y);
            default -> throw new IllegalStateException(op);
        };
    }

    private static long pow(long base, long exp) {
        long r = 1;
        for (long i = 0; i < exp; i++) r *= base;
        return r;
    }

    static Object negate(Object v) {
        if (v instanceof Undefined u) throw u.fail();
        if (v instanceof Double d) return -d;
        if (v instanceof Long || v instanceof Boolean) return -Values.toLong(v);
        throw new TemplateRuntimeException("bad operand type for unary -: '" + Values.typeName(v) + "'");
    }

    private static TemplateRuntimeException unsupported(String op, Object a, Object b) {
        return new TemplateRuntimeException("unsupported operand type(s) for " + op + ": '" + Values.typeName(a) + "' and '" + Values.typeName(b) + "'");
    }
}
