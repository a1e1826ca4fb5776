package dev.flash4j.jinja;

import java.util.List;

/** Expressions of a parsed template. */
sealed interface Expr {
    int line();

    record Const(Object value, int line) implements Expr {}

    record Name(String name, int line) implements Expr {}

    record ListLit(List<Expr> items, int line) implements Expr {}

    record TupleLit(List<Expr> items, int line) implements Expr {}

    record DictLit(List<Expr> keys, List<Expr> values, int line) implements Expr {}

    record GetAttr(Expr obj, String attr, int line) implements Expr {}

    record GetItem(Expr obj, Expr key, int line) implements Expr {}

    /** {@code obj[start:stop:step]}; absent parts are null. */
    record Slice(Expr obj, Expr start, Expr stop, Expr step, int line) implements Expr {}

    record Call(Expr fn, List<Expr> args, List<Kwarg> kwargs, int line) implements Expr {}

    record Filter(Expr value, String name, List<Expr> args, List<Kwarg> kwargs, int line) implements Expr {}

    record Test(Expr value, String name, List<Expr> args, boolean negated, int line) implements Expr {}

    /** op is one of: not, neg, pos. */
    record Unary(String op, Expr operand, int line) implements Expr {}

    /** Arithmetic and {@code ~}: + - * / // % ** ~. */
    record Binary(String op, Expr left, Expr right, int line) implements Expr {}

    /** Chained comparison {@code a < b <= c}: ops are == != < > <= >= in notin. */
    record Compare(Expr first, List<String> ops, List<Expr> rest, int line) implements Expr {}

    record And(Expr left, Expr right, int line) implements Expr {}

    record Or(Expr left, Expr right, int line) implements Expr {}

    /** {@code a if test else b}; orElse may be null (yields undefined). */
    record Cond(Expr test, Expr then, Expr orElse, int line) implements Expr {}

    record Kwarg(String name, Expr value) {}
}
