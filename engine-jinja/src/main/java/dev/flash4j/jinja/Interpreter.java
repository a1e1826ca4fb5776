package dev.flash4j.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Walks the statement tree, writing output, and evaluates expressions with Python/Jinja semantics. */
final class Interpreter {
    /** Thrown by {@code break}/{@code continue}; no stack trace, it is control flow. */
    private static final class LoopControl extends RuntimeException {
        final boolean isBreak;

        LoopControl(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    private static final LoopControl BREAK = new LoopControl(true);
    private static final LoopControl CONTINUE = new LoopControl(false);

    /** Python stops runaway recursion at about 1000 frames; a macro call takes a few of ours. */
    private static final int MAX_MACRO_DEPTH = 500;

    private final Filters filters = new Filters(this);
    private int macroDepth;

    /** Runs a macro body, refusing runaway recursion with an error instead of a StackOverflowError. */
    void execMacroBody(List<Node> body, Scope scope, StringBuilder out) {
        if (++macroDepth > MAX_MACRO_DEPTH) {
            macroDepth = 0;
            throw new TemplateRuntimeException("maximum recursion depth exceeded (more than " + MAX_MACRO_DEPTH + " nested macro calls)");
        }
        try {
            exec(body, scope, out);
        } finally {
            if (macroDepth > 0) macroDepth--;
        }
    }

    void exec(List<Node> nodes, Scope scope, StringBuilder out) {
        for (Node n : nodes) {
            try {
                execOne(n, scope, out);
            } catch (TemplateRuntimeException e) {
                if (e.line() != 0) throw e;
                throw new TemplateRuntimeException(e.getMessage(), n.line());
            } catch (ChatTemplateException e) {
                if (e.line() != 0) throw e;
                throw new ChatTemplateException(e.getMessage(), n.line());
            }
        }
    }

    private void execOne(Node node, Scope scope, StringBuilder out) {
        switch (node) {
            case Node.Text t -> out.append(t.text());
            case Node.Output o -> out.append(Values.str(eval(o.expr(), scope)));
            case Node.If i -> exec(Values.truthy(eval(i.test(), scope)) ? i.body() : i.orElse(), scope, out);
            case Node.For f -> execFor(f, eval(f.iter(), scope), scope, out, 0);
            case Node.Set s -> assign(s.target(), eval(s.value(), scope), scope);
            case Node.SetBlock s -> {
                StringBuilder sb = new StringBuilder();
                exec(s.body(), new Scope(scope), sb);
                assign(s.target(), applyBodyFilter(s.filter(), sb.toString(), scope), scope);
            }
            case Node.Macro m -> scope.set(m.name(), new Macro(m.name(), m.params(), m.body(), scope, this));
            case Node.CallBlock c -> {
                Macro caller = new Macro("caller", c.params(), c.body(), scope, this);
                List<Object> args = evalArgs(c.call().args(), scope);
                Map<String, Object> kwargs = evalKwargs(c.call().kwargs(), scope);
                kwargs.put("caller", caller);
                out.append(Values.str(call(eval(c.call().fn(), scope), args, kwargs)));
            }
            case Node.FilterBlock f -> {
                StringBuilder sb = new StringBuilder();
                exec(f.body(), scope, sb);
                out.append(Values.str(applyBodyFilter(f.filter(), sb.toString(), scope)));
            }
            case Node.Break b -> throw BREAK;
            case Node.Continue c -> throw CONTINUE;
            case Node.Do d -> eval(d.expr(), scope);
        }
    }

    /** Applies a filter chain written over the placeholder name {@code $body} to rendered block text. */
    private Object applyBodyFilter(Expr filter, String body, Scope scope) {
        Scope s = new Scope(scope);
        s.set("$body", body);
        return eval(filter, s);
    }

    private void execFor(Node.For f, Object iterable, Scope scope, StringBuilder out, int depth) {
        List<Object> items = Values.iterate(iterable);
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope s = new Scope(scope);
                assign(f.target(), item, s);
                if (Values.truthy(eval(f.filter(), s))) kept.add(item);
            }
            items = kept;
        }
        if (items.isEmpty()) {
            exec(f.orElse(), new Scope(scope), out);
            return;
        }
        JinjaFunction recurse = !f.recursive() ? null : (args, kw) -> {
            StringBuilder sb = new StringBuilder();
            execFor(f, args.isEmpty() ? List.of() : args.getFirst(), scope, sb, depth + 1);
            return sb.toString();
        };
        LoopState loop = new LoopState(items, depth, recurse);
        for (int i = 0; i < items.size(); i++) {
            loop.index0 = i;
            // a fresh scope per iteration: Jinja forgets an iteration's `set`s in the next one
            Scope loopScope = new Scope(scope);
            assign(f.target(), items.get(i), loopScope);
            loopScope.set("loop", loop);
            try {
                exec(f.body(), loopScope, out);
            } catch (LoopControl c) {
                if (c.isBreak) break;
            }
        }
    }

    private void assign(Expr target, Object value, Scope scope) {
        switch (target) {
            case Expr.Name n -> scope.set(n.name(), value);
            case Expr.TupleLit t -> {
                List<Object> values = Values.iterate(value);
                if (values.size() != t.items().size()) {
                    throw new TemplateRuntimeException(values.size() > t.items().size()
                            ? "too many values to unpack (expected " + t.items().size() + ")"
                            : "not enough values to unpack (expected " + t.items().size() + ", got " + values.size() + ")");
                }
                for (int i = 0; i < values.size(); i++) assign(t.items().get(i), values.get(i), scope);
            }
            case Expr.GetAttr a -> {
                Object ns = eval(a.obj(), scope);
                if (!(ns instanceof Namespace namespace)) {
                    throw new TemplateRuntimeException("cannot assign attribute on non-namespace object");
                }
                namespace.attrs.put(a.attr(), value);
            }
            default -> throw new TemplateRuntimeException("cannot assign to this expression");
        }
    }

    Object eval(Expr e, Scope scope) {
        return switch (e) {
            case Expr.Const c -> c.value();
            case Expr.Name n -> scope.lookup(n.name());
            case Expr.ListLit l -> new ArrayList<>(evalArgs(l.items(), scope));
            case Expr.TupleLit t -> new PyTuple(evalArgs(t.items(), scope));
            case Expr.DictLit d -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) m.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
                yield m;
            }
            case Expr.GetAttr a -> Attributes.getAttr(eval(a.obj(), scope), a.attr());
            case Expr.GetItem g -> Attributes.getItem(eval(g.obj(), scope), eval(g.key(), scope));
            case Expr.Slice s -> Attributes.slice(eval(s.obj(), scope), optional(s.start(), scope), optional(s.stop(), scope), optional(s.step(), scope));
            case Expr.Call c -> call(eval(c.fn(), scope), evalArgs(c.args(), scope), evalKwargs(c.kwargs(), scope));
            case Expr.Filter f -> filters.apply(f.name(), eval(f.value(), scope), evalArgs(f.args(), scope), evalKwargs(f.kwargs(), scope));
            case Expr.Test t -> Tests.apply(t.name(), eval(t.value(), scope), evalArgs(t.args(), scope)) != t.negated();
            case Expr.Unary u -> switch (u.op()) {
                case "not" -> !Values.truthy(eval(u.operand(), scope));
                case "neg" -> Operators.negate(eval(u.operand(), scope));
                default -> {
                    Object v = eval(u.operand(), scope);
                    if (!Values.isNumber(v)) throw new TemplateRuntimeException("bad operand type for unary +: '" + Values.typeName(v) + "'");
                    yield v;
                }
            };
            case Expr.Binary b -> Operators.binary(b.op(), eval(b.left(), scope), eval(b.right(), scope));
            case Expr.Compare c -> compare(c, scope);
            case Expr.And a -> {
                Object l = eval(a.left(), scope);
                yield Values.truthy(l) ? eval(a.right(), scope) : l;
            }
            case Expr.Or o -> {
                Object l = eval(o.left(), scope);
                yield Values.truthy(l) ? l : eval(o.right(), scope);
            }
            case Expr.Cond c -> Values.truthy(eval(c.test(), scope)) ? eval(c.then(), scope)
                    : c.orElse() != null ? eval(c.orElse(), scope) : new Undefined("the inline if expression evaluated to false and no else section was defined");
        };
    }

    private Object optional(Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    private boolean compare(Expr.Compare c, Scope scope) {
        Object left = eval(c.first(), scope);
        for (int i = 0; i < c.ops().size(); i++) {
            Object right = eval(c.rest().get(i), scope);
            boolean ok = switch (c.ops().get(i)) {
                case "==" -> Values.pyEquals(left, right);
                case "!=" -> !Values.pyEquals(left, right);
                case "<" -> Values.compare(left, right) < 0;
                case "<=" -> Values.compare(left, right) <= 0;
                case ">" -> Values.compare(left, right) > 0;
                case ">=" -> Values.compare(left, right) >= 0;
                case "in" -> Values.contains(right, left);
                case "notin" -> !Values.contains(right, left);
                default -> throw new IllegalStateException(c.ops().get(i));
            };
            if (!ok) return false;
            left = right;
        }
        return true;
    }

    private List<Object> evalArgs(List<Expr> exprs, Scope scope) {
        List<Object> out = new ArrayList<>(exprs.size());
        for (Expr x : exprs) out.add(eval(x, scope));
        return out;
    }

    private Map<String, Object> evalKwargs(List<Expr.Kwarg> kwargs, Scope scope) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Expr.Kwarg k : kwargs) out.put(k.name(), eval(k.value(), scope));
        return out;
    }

    Object call(Object fn, List<Object> args, Map<String, Object> kwargs) {
        if (fn instanceof JinjaFunction f) return Values.normalize(f.call(args, kwargs));
        if (fn instanceof LoopState loop && loop.recurse() != null) return loop.recurse().call(args, kwargs);
        if (fn instanceof Undefined u) throw u.fail();
        throw new TemplateRuntimeException("'" + Values.typeName(fn) + "' object is not callable");
    }
}
