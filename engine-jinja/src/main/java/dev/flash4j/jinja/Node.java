package dev.flash4j.jinja;

import java.util.List;

/** Statements of a parsed template. Each carries its source line for error messages. */
sealed interface Node {
    int line();

    record Text(String text, int line) implements Node {}

    record Output(Expr expr, int line) implements Node {}

    /** if/elif chains are nested: elif becomes an If inside orElse. */
    record If(Expr test, List<Node> body, List<Node> orElse, int line) implements Node {}

    record For(Expr target, Expr iter, Expr filter, List<Node> body, List<Node> orElse, boolean recursive, int line) implements Node {}

    /** {@code set a = x}, {@code set a, b = x} or {@code set ns.attr = x}. */
    record Set(Expr target, Expr value, int line) implements Node {}

    /** {@code set a %}...{% endset}, optionally through filters (given as a Filter chain over a Name placeholder). */
    record SetBlock(Expr target, Expr filter, List<Node> body, int line) implements Node {}

    record Macro(String name, List<Param> params, List<Node> body, int line) implements Node {}

    /** {@code call(params) expr %}body{% endcall}: the body becomes {@code caller} for the call. */
    record CallBlock(Expr.Call call, List<Param> params, List<Node> body, int line) implements Node {}

    /** {@code filter f %}body{% endfilter}: filter is a Filter chain over a Name placeholder. */
    record FilterBlock(Expr filter, List<Node> body, int line) implements Node {}

    record Break(int line) implements Node {}

    record Continue(int line) implements Node {}

    /** {@code do expr}: evaluate for side effects. */
    record Do(Expr expr, int line) implements Node {}

    record Param(String name, Expr defaultValue) {}
}
