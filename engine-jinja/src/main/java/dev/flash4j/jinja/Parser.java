package dev.flash4j.jinja;

import dev.flash4j.jinja.Token.Type;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser from tokens to a statement tree, with Jinja2's operator precedence
 * (loosest first): conditional {@code a if c else b}, or, and, not, comparisons and {@code in},
 * {@code + -}, {@code ~}, {@code * / // %}, {@code **}, unary minus, then postfix
 * ({@code .attr}, {@code [key]}, calls) and filters/tests ({@code |f}, {@code is t}).
 */
final class Parser {
    private static final Set<String> COMPARE_OPS = Set.of("==", "!=", "<", ">", "<=", ">=");

    private final List<Token> tokens;
    private int pos;
    /** Open blocks (name and line), innermost last, for "missing endfor" style errors. */
    private final Deque<String[]> open = new ArrayDeque<>();

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Node> body = p.parseBody(Set.of());
        return body;
    }

    // ---- token helpers ----

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token next() {
        return tokens.get(pos++);
    }

    private boolean skipOp(String op) {
        if (peek().isOp(op)) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean skipName(String name) {
        if (peek().isName(name)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expectOp(String op) {
        Token t = next();
        if (!t.isOp(op)) throw error("expected '" + op + "', got " + t.describe(), t);
    }

    private String expectName() {
        Token t = next();
        if (t.type() != Type.NAME) throw error("expected a name, got " + t.describe(), t);
        return t.text();
    }

    private void expect(Type type) {
        Token t = next();
        if (t.type() != type) {
            String want = type == Type.BLOCK_END ? "end of statement block ('%}')" : type == Type.VAR_END ? "end of print statement ('}}')" : type.name();
            throw error("expected " + want + ", got " + t.describe(), t);
        }
    }

    private TemplateSyntaxException error(String msg, Token at) {
        return new TemplateSyntaxException(msg, at.line());
    }

    // ---- statements ----

    /** Parses nodes until EOF or a block tag named in {@code endTags}; stops on that tag's name token. */
    private List<Node> parseBody(Set<String> endTags) {
        List<Node> body = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.type()) {
                case TEXT -> {
                    next();
                    body.add(new Node.Text(t.text(), t.line()));
                }
                case VAR_BEGIN -> {
                    next();
                    Expr e = parseTuple(true, false);
                    expect(Type.VAR_END);
                    body.add(new Node.Output(e, t.line()));
                }
                case BLOCK_BEGIN -> {
                    Token name = peek(1);
                    if (name.type() == Type.NAME && endTags.contains(name.text())) {
                        next();
                        return body;
                    }
                    next();
                    body.add(parseStatement());
                }
                case EOF -> {
                    if (!endTags.isEmpty()) {
                        String[] inner = open.peekLast();
                        throw new TemplateSyntaxException("Unexpected end of template. Jinja was looking for the following tags: "
                                + String.join(" or ", endTags.stream().sorted().map(s -> "'" + s + "'").toList())
                                + ". The innermost block that needs to be closed is '" + inner[0] + "' opened", Integer.parseInt(inner[1]));
                    }
                    return body;
                }
                default -> throw error("unexpected " + t.describe(), t);
            }
        }
    }

    private List<Node> block(String name, int line, Set<String> endTags) {
        open.addLast(new String[]{name, String.valueOf(line)});
        List<Node> body = parseBody(endTags);
        open.removeLast();
        return body;
    }

    private Node parseStatement() {
        Token kw = next();
        if (kw.type() != Type.NAME) throw error("tag name expected", kw);
        int line = kw.line();
        return switch (kw.text()) {
            case "if" -> parseIf(line);
            case "for" -> parseFor(line);
            case "set" -> parseSet(line);
            case "macro" -> parseMacro(line);
            case "call" -> parseCallBlock(line);
            case "filter" -> parseFilterBlock(line);
            case "generation" -> {
                expect(Type.BLOCK_END);
                List<Node> body = block("generation", line, Set.of("endgeneration"));
                endTag();
                yield new Node.If(new Expr.Const(true, line), body, List.of(), line);
            }
            case "break" -> {
                expect(Type.BLOCK_END);
                yield new Node.Break(line);
            }
            case "continue" -> {
                expect(Type.BLOCK_END);
                yield new Node.Continue(line);
            }
            case "do" -> {
                Expr e = parseTuple(true, false);
                expect(Type.BLOCK_END);
                yield new Node.Do(e, line);
            }
            default -> {
                if (kw.text().startsWith("end") || kw.text().equals("else") || kw.text().equals("elif")) {
                    throw error("Unexpected tag '" + kw.text() + "'" + (open.isEmpty() ? "" : " inside '" + open.peekLast()[0] + "' block opened on line " + open.peekLast()[1]), kw);
                }
                throw error("Encountered unknown tag '" + kw.text() + "'", kw);
            }
        };
    }

    /** Consumes the rest of an end tag ({@code endfor %}); the name was already matched by parseBody. */
    private String endTag() {
        String name = next().text();
        expect(Type.BLOCK_END);
        return name;
    }

    private Node parseIf(int line) {
        Expr test = parseTuple(false, false);
        expect(Type.BLOCK_END);
        List<Node> body = block("if", line, Set.of("elif", "else", "endif"));
        Token tag = peek();
        String t = next().text();
        List<Node> orElse = List.of();
        if (t.equals("elif")) {
            orElse = List.of(parseIf(tag.line()));
        } else if (t.equals("else")) {
            expect(Type.BLOCK_END);
            orElse = block("if", line, Set.of("endif"));
            endTag();
        } else {
            expect(Type.BLOCK_END);
        }
        return new Node.If(test, body, orElse, line);
    }

    private Node parseFor(int line) {
        Expr target = parseAssignTarget(false);
        if (!skipName("in")) throw error("expected 'in' in for loop, got " + peek().describe(), peek());
        Expr iter = parseTuple(false, false);
        Expr filter = null;
        if (skipName("if")) filter = parseExpression(true);
        boolean recursive = skipName("recursive");
        expect(Type.BLOCK_END);
        List<Node> body = block("for", line, Set.of("else", "endfor"));
        List<Node> orElse = List.of();
        if (endTag().equals("else")) {
            orElse = block("for", line, Set.of("endfor"));
            endTag();
        }
        return new Node.For(target, iter, filter, body, orElse, recursive, line);
    }

    private Node parseSet(int line) {
        Expr target = parseAssignTarget(true);
        if (skipOp("=")) {
            Expr value = parseTuple(true, false);
            expect(Type.BLOCK_END);
            return new Node.Set(target, value, line);
        }
        Expr filter = parseFilterChain(new Expr.Name("$body", line));
        expect(Type.BLOCK_END);
        List<Node> body = block("set", line, Set.of("endset"));
        endTag();
        return new Node.SetBlock(target, filter, body, line);
    }

    private Node parseMacro(int line) {
        String name = expectName();
        List<Node.Param> params = parseParams();
        expect(Type.BLOCK_END);
        List<Node> body = block("macro", line, Set.of("endmacro"));
        endTag();
        return new Node.Macro(name, params, body, line);
    }

    private List<Node.Param> parseParams() {
        List<Node.Param> params = new ArrayList<>();
        expectOp("(");
        while (!peek().isOp(")")) {
            if (!params.isEmpty()) expectOp(",");
            if (peek().isOp(")")) break;
            String p = expectName();
            Expr def = skipOp("=") ? parseExpression(true) : null;
            params.add(new Node.Param(p, def));
        }
        expectOp(")");
        return params;
    }

    private Node parseCallBlock(int line) {
        List<Node.Param> params = peek().isOp("(") ? parseParams() : List.of();
        Expr call = parseExpression(true);
        if (!(call instanceof Expr.Call c)) throw error("expected a call after 'call'", peek());
        expect(Type.BLOCK_END);
        List<Node> body = block("call", line, Set.of("endcall"));
        endTag();
        return new Node.CallBlock(c, params, body, line);
    }

    private Node parseFilterBlock(int line) {
        Expr filter = parseFilterChain(new Expr.Name("$body", line), true);
        expect(Type.BLOCK_END);
        List<Node> body = block("filter", line, Set.of("endfilter"));
        endTag();
        return new Node.FilterBlock(filter, body, line);
    }

    /** Target of for/set: a name, {@code a, b}, {@code (a, b)}, or (set only) {@code ns.attr}. */
    private Expr parseAssignTarget(boolean allowAttr) {
        List<Expr> names = new ArrayList<>();
        boolean paren = skipOp("(");
        do {
            if (paren && peek().isOp(")")) break;
            Token t = peek();
            String name = expectName();
            if (allowAttr && skipOp(".")) {
                String attr = expectName();
                return new Expr.GetAttr(new Expr.Name(name, t.line()), attr, t.line());
            }
            names.add(new Expr.Name(name, t.line()));
        } while (skipOp(","));
        if (paren) expectOp(")");
        if (names.size() == 1 && !paren) return names.getFirst();
        return new Expr.TupleLit(names, names.getFirst().line());
    }

    // ---- expressions ----

    /** A comma-separated expression list; a single item without a trailing comma is returned as is. */
    private Expr parseTuple(boolean withCond, boolean explicitParens) {
        int line = peek().line();
        List<Expr> items = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!items.isEmpty()) {
                if (!skipOp(",")) break;
                isTuple = true;
            }
            Token t = peek();
            if (t.isOp(")") || t.type() == Type.VAR_END || t.type() == Type.BLOCK_END || t.isName("in") || t.isName("if")) {
                if (items.isEmpty() && !explicitParens) throw error("expected an expression, got " + t.describe(), t);
                break;
            }
            items.add(parseExpression(withCond));
            if (!peek().isOp(",")) break;
        }
        if (!isTuple && items.size() == 1) return items.getFirst();
        return new Expr.TupleLit(items, line);
    }

    private Expr parseExpression(boolean withCond) {
        return withCond ? parseCondExpr() : parseOr();
    }

    private Expr parseCondExpr() {
        Expr expr = parseOr();
        while (peek().isName("if")) {
            int line = next().line();
            Expr test = parseOr();
            Expr orElse = skipName("else") ? parseCondExpr() : null;
            expr = new Expr.Cond(test, expr, orElse, line);
        }
        return expr;
    }

    private Expr parseOr() {
        Expr left = parseAnd();
        while (peek().isName("or")) {
            int line = next().line();
            left = new Expr.Or(left, parseAnd(), line);
        }
        return left;
    }

    private Expr parseAnd() {
        Expr left = parseNot();
        while (peek().isName("and")) {
            int line = next().line();
            left = new Expr.And(left, parseNot(), line);
        }
        return left;
    }

    private Expr parseNot() {
        if (peek().isName("not")) {
            int line = next().line();
            return new Expr.Unary("not", parseNot(), line);
        }
        return parseCompare();
    }

    private Expr parseCompare() {
        int line = peek().line();
        Expr first = parseMath1();
        List<String> ops = new ArrayList<>();
        List<Expr> rest = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == Type.OP && COMPARE_OPS.contains(t.text())) {
                next();
                ops.add(t.text());
            } else if (t.isName("in")) {
                next();
                ops.add("in");
            } else if (t.isName("not") && peek(1).isName("in")) {
                pos += 2;
                ops.add("notin");
            } else break;
            rest.add(parseMath1());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops, rest, line);
    }

    private Expr parseMath1() {
        Expr left = parseConcat();
        while (peek().isOp("+") || peek().isOp("-")) {
            Token op = next();
            left = new Expr.Binary(op.text(), left, parseConcat(), op.line());
        }
        return left;
    }

    private Expr parseConcat() {
        Expr left = parseMath2();
        while (peek().isOp("~")) {
            Token op = next();
            left = new Expr.Binary("~", left, parseMath2(), op.line());
        }
        return left;
    }

    private Expr parseMath2() {
        Expr left = parsePow();
        while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
            Token op = next();
            left = new Expr.Binary(op.text(), left, parsePow(), op.line());
        }
        return left;
    }

    private Expr parsePow() {
        Expr left = parseUnary(true);
        while (peek().isOp("**")) {
            Token op = next();
            left = new Expr.Binary("**", left, parseUnary(true), op.line());
        }
        return left;
    }

    private Expr parseUnary(boolean withFilter) {
        Token t = peek();
        Expr node;
        if (t.isOp("-")) {
            next();
            node = new Expr.Unary("neg", parseUnary(false), t.line());
        } else if (t.isOp("+")) {
            next();
            node = new Expr.Unary("pos", parseUnary(false), t.line());
        } else {
            node = parsePrimary();
        }
        node = parsePostfix(node);
        return withFilter ? parseFilterChain(node) : node;
    }

    private Expr parsePrimary() {
        Token t = next();
        int line = t.line();
        switch (t.type()) {
            case NAME -> {
                return switch (t.text()) {
                    case "true", "True" -> new Expr.Const(true, line);
                    case "false", "False" -> new Expr.Const(false, line);
                    case "none", "None" -> new Expr.Const(null, line);
                    default -> new Expr.Name(t.text(), line);
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder(t.text());
                while (peek().type() == Type.STRING) sb.append(next().text());
                return new Expr.Const(sb.toString(), line);
            }
            case INTEGER, FLOAT -> {
                return new Expr.Const(t.value(), line);
            }
            case OP -> {
                switch (t.text()) {
                    case "(" -> {
                        Expr e = parseTuple(true, true);
                        expectOp(")");
                        return e;
                    }
                    case "[" -> {
                        List<Expr> items = new ArrayList<>();
                        while (!peek().isOp("]")) {
                            if (!items.isEmpty()) expectOp(",");
                            if (peek().isOp("]")) break;
                            items.add(parseExpression(true));
                        }
                        expectOp("]");
                        return new Expr.ListLit(items, line);
                    }
                    case "{" -> {
                        List<Expr> keys = new ArrayList<>();
                        List<Expr> values = new ArrayList<>();
                        while (!peek().isOp("}")) {
                            if (!keys.isEmpty()) expectOp(",");
                            if (peek().isOp("}")) break;
                            keys.add(parseExpression(true));
                            expectOp(":");
                            values.add(parseExpression(true));
                        }
                        expectOp("}");
                        return new Expr.DictLit(keys, values, line);
                    }
                    default -> {
                    }
                }
            }
            default -> {
            }
        }
        throw error("unexpected " + t.describe(), t);
    }

    private Expr parsePostfix(Expr node) {
        while (true) {
            Token t = peek();
            if (t.isOp(".")) {
                next();
                Token attr = next();
                if (attr.type() == Type.NAME) node = new Expr.GetAttr(node, attr.text(), t.line());
                else if (attr.type() == Type.INTEGER) node = new Expr.GetItem(node, new Expr.Const(attr.value(), t.line()), t.line());
                else throw error("expected an attribute name after '.', got " + attr.describe(), attr);
            } else if (t.isOp("[")) {
                next();
                node = parseSubscript(node, t.line());
            } else if (t.isOp("(")) {
                node = parseCall(node);
            } else {
                return node;
            }
        }
    }

    private Expr parseSubscript(Expr obj, int line) {
        Expr start = null;
        if (!peek().isOp(":")) start = parseTuple(true, false);
        if (skipOp(":")) {
            Expr stop = null;
            Expr step = null;
            if (!peek().isOp("]") && !peek().isOp(":")) stop = parseExpression(true);
            if (skipOp(":") && !peek().isOp("]")) step = parseExpression(true);
            expectOp("]");
            return new Expr.Slice(obj, start, stop, step, line);
        }
        expectOp("]");
        return new Expr.GetItem(obj, start, line);
    }

    private Expr.Call parseCall(Expr fn) {
        Token open = next(); // (
        List<Expr> args = new ArrayList<>();
        List<Expr.Kwarg> kwargs = new ArrayList<>();
        parseArgs(args, kwargs);
        return new Expr.Call(fn, args, kwargs, open.line());
    }

    /** Arguments after an opening parenthesis, through the closing one. */
    private void parseArgs(List<Expr> args, List<Expr.Kwarg> kwargs) {
        boolean first = true;
        while (!peek().isOp(")")) {
            if (!first) expectOp(",");
            first = false;
            if (peek().isOp(")")) break;
            if (peek().type() == Type.NAME && peek(1).isOp("=")) {
                String name = next().text();
                next();
                kwargs.add(new Expr.Kwarg(name, parseExpression(true)));
            } else {
                if (!kwargs.isEmpty()) throw error("positional argument follows keyword argument", peek());
                args.add(parseExpression(true));
            }
        }
        expectOp(")");
    }

    private Expr parseFilterChain(Expr node) {
        return parseFilterChain(node, false);
    }

    /** Filters ({@code | name(args)}), tests ({@code is [not] name arg}) and calls after an operand. */
    private Expr parseFilterChain(Expr node, boolean leadingFilter) {
        boolean firstFilter = leadingFilter;
        while (true) {
            Token t = peek();
            if (t.isOp("|") || firstFilter) {
                if (!firstFilter) next();
                firstFilter = false;
                Token nameToken = peek();
                String name = dottedName();
                if (!Filters.NAMES.contains(name)) throw error("No filter named '" + name + "'.", nameToken);
                List<Expr> args = new ArrayList<>();
                List<Expr.Kwarg> kwargs = new ArrayList<>();
                if (skipOp("(")) parseArgs(args, kwargs);
                node = new Expr.Filter(node, name, args, kwargs, t.line());
            } else if (t.isName("is")) {
                next();
                boolean negated = skipName("not");
                Token nameToken = peek();
                String name = dottedName();
                if (!Tests.NAMES.contains(name)) throw error("No test named '" + name + "'.", nameToken);
                List<Expr> args = new ArrayList<>();
                Token a = peek();
                if (skipOp("(")) {
                    List<Expr.Kwarg> kwargs = new ArrayList<>();
                    parseArgs(args, kwargs);
                } else if ((a.type() == Type.NAME || a.type() == Type.STRING || a.type() == Type.INTEGER || a.type() == Type.FLOAT
                        || a.isOp("[") || a.isOp("{"))
                        && !(a.isName("else") || a.isName("or") || a.isName("and") || a.isName("if") || a.isName("in")
                        || a.isName("not") || a.isName("is"))) {
                    args.add(parsePostfix(parsePrimary()));
                }
                node = new Expr.Test(node, name, args, negated, t.line());
            } else if (t.isOp("(")) {
                node = parseCall(node);
            } else {
                return node;
            }
        }
    }

    private String dottedName() {
        StringBuilder sb = new StringBuilder(expectName());
        while (peek().isOp(".") && peek(1).type() == Type.NAME) {
            next();
            sb.append('.').append(next().text());
        }
        return sb.toString();
    }
}
