package dev.flash4j.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits template source into tokens, applying Hugging Face's whitespace settings the way Jinja's
 * lexer does: {@code trim_blocks} (drop the first newline after a block or comment tag),
 * {@code lstrip_blocks} (drop spaces and tabs between a line start and a block or comment tag),
 * {@code -} markers (strip all whitespace on that side), {@code +} markers (disable the two settings),
 * and no trailing newline kept at the end of the source.
 *
 * <p>Works in two passes: first the source is cut into text segments and tags (each tag with its
 * inner expression tokens), then each text segment is trimmed according to its neighbouring tags.
 */
final class Lexer {
    private enum Kind { VAR, BLOCK, COMMENT }

    /** A tag with its whitespace markers ('-', '+' or 0) on each side. */
    private record Tag(Kind kind, char left, char right, List<Token> inner, int line) {
    }

    /** A run of template text between tags, untrimmed. */
    private record Text(String text, int line) {
    }

    private static final Pattern ENDRAW = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%}");
    private static final String[] OPS = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=",
            "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"};

    private final String src;
    private int pos;
    private int line = 1;
    private final List<Object> segments = new ArrayList<>();

    private Lexer(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1); // keep_trailing_newline=False
        this.src = s;
    }

    static List<Token> tokenize(String source) {
        Lexer lx = new Lexer(source);
        lx.split();
        return lx.emit();
    }

    private void split() {
        int textStart = 0;
        int textLine = 1;
        while (true) {
            int open = nextOpen(pos);
            if (open < 0) {
                segments.add(new Text(src.substring(textStart), textLine));
                return;
            }
            line += count(src, textStart, open);
            segments.add(new Text(src.substring(textStart, open), textLine));
            pos = open;
            Tag tag = readTag();
            segments.add(tag);
            if (tag.kind == Kind.BLOCK && tag.inner.size() == 1 && tag.inner.getFirst().isName("raw")) readRaw(tag);
            textStart = pos;
            textLine = line;
        }
    }

    private int nextOpen(int from) {
        int i = from;
        while (true) {
            i = src.indexOf('{', i);
            if (i < 0 || i + 1 >= src.length()) return -1;
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
            i++;
        }
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    private Tag readTag() {
        int tagLine = line;
        char kindChar = src.charAt(pos + 1);
        pos += 2;
        char left = 0;
        if (pos < src.length() && (src.charAt(pos) == '-' || src.charAt(pos) == '+')) left = src.charAt(pos++);
        if (kindChar == '#') {
            int end = src.indexOf("#}", pos);
            if (end < 0) throw new TemplateSyntaxException("Missing end of comment tag", tagLine);
            char right = end > pos && src.charAt(end - 1) == '-' ? '-' : (end > pos && src.charAt(end - 1) == '+' ? '+' : 0);
            line += count(src, pos, end);
            pos = end + 2;
            return new Tag(Kind.COMMENT, left, right, List.of(), tagLine);
        }
        Kind kind = kindChar == '{' ? Kind.VAR : Kind.BLOCK;
        String close = kind == Kind.VAR ? "}}" : "%}";
        List<Token> inner = new ArrayList<>();
        int depth = 0;
        while (true) {
            skipSpaces();
            if (pos >= src.length()) {
                throw new TemplateSyntaxException("Unexpected end of template: missing '" + close + "'", tagLine);
            }
            if (depth == 0) {
                char right = 0;
                int at = pos;
                if ((src.charAt(pos) == '-' || src.charAt(pos) == '+') && src.startsWith(close, pos + 1)) {
                    right = src.charAt(pos);
                    at = pos + 1;
                }
                if (src.startsWith(close, at)) {
                    if (right == '+' && kind == Kind.VAR) throw new TemplateSyntaxException("unexpected '+'", line);
                    pos = at + 2;
                    return new Tag(kind, left, right, inner, tagLine);
                }
            }
            Token t = readToken();
            if (t.type() == Token.Type.OP) {
                String op = t.text();
                if (op.equals("(") || op.equals("[") || op.equals("{")) depth++;
                else if (op.equals(")") || op.equals("]") || op.equals("}")) depth--;
            }
            inner.add(t);
        }
    }

    /** {@code {% raw %}...{% endraw %}}: everything up to endraw is text. */
    private void readRaw(Tag rawTag) {
        Matcher m = ENDRAW.matcher(src);
        if (!m.find(pos)) throw new TemplateSyntaxException("Missing endraw for raw block", rawTag.line);
        String body = src.substring(pos, m.start());
        if (rawTag.right == '-') body = body.stripLeading();
        else if (rawTag.right != '+' && body.startsWith("\n")) body = body.substring(1);
        if (m.group(1).equals("-")) body = body.stripTrailing();
        segments.removeLast();
        segments.add(new Tag(Kind.COMMENT, rawTag.left, (char) 0, List.of(), rawTag.line));
        segments.add(new Tag(Kind.VAR, (char) 0, (char) 0,
                List.of(new Token(Token.Type.STRING, body, rawTag.line)), rawTag.line));
        line += count(src, pos, m.end());
        pos = m.end();
        char right = m.group(2).isEmpty() ? 0 : m.group(2).charAt(0);
        segments.add(new Tag(Kind.COMMENT, (char) 0, right, List.of(), line));
    }

    private void skipSpaces() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            if (src.charAt(pos) == '\n') line++;
            pos++;
        }
    }

    private Token readToken() {
        char c = src.charAt(pos);
        if (Character.isLetter(c) || c == '_') {
            int s = pos;
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
            return new Token(Token.Type.NAME, src.substring(s, pos), line);
        }
        if (Character.isDigit(c)) return readNumber();
        if (c == '\'' || c == '"') return readString(c);
        for (String op : OPS) {
            if (src.startsWith(op, pos)) {
                pos += op.length();
                return new Token(Token.Type.OP, op, line);
            }
        }
        throw new TemplateSyntaxException("unexpected char '" + c + "'", line);
    }

    private Token readNumber() {
        int s = pos;
        digits();
        boolean isFloat = false;
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
            isFloat = true;
            pos++;
            digits();
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                isFloat = true;
                digits();
            } else pos = save;
        }
        String text = src.substring(s, pos).replace("_", "");
        return isFloat ? new Token(Token.Type.FLOAT, Double.parseDouble(text), line)
                : new Token(Token.Type.INTEGER, Long.parseLong(text), line);
    }

    private void digits() {
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
    }

    /** A Python string literal with its backslash escapes. */
    private Token readString(char quote) {
        int startLine = line;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) throw new TemplateSyntaxException("unterminated string", startLine);
            char c = src.charAt(pos++);
            if (c == quote) break;
            if (c == '\n') line++;
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) throw new TemplateSyntaxException("unterminated string", startLine);
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case 'a' -> sb.append('\u0007');
                case '0' -> sb.append('\0');
                case '\\', '\'', '"' -> sb.append(e);
                case '\n' -> line++; // line continuation
                case 'x' -> sb.append((char) hex(2));
                case 'u' -> sb.append((char) hex(4));
                case 'U' -> sb.appendCodePoint(hex(8));
                default -> sb.append('\\').append(e);
            }
        }
        return new Token(Token.Type.STRING, sb.toString(), startLine);
    }

    private int hex(int n) {
        if (pos + n > src.length()) throw new TemplateSyntaxException("truncated escape in string", line);
        int v = Integer.parseInt(src.substring(pos, pos + n), 16);
        pos += n;
        return v;
    }

    /** Second pass: trims each text segment by the rules of the tags around it, then flattens to tokens. */
    private List<Token> emit() {
        List<Token> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Object seg = segments.get(i);
            if (seg instanceof Tag t) {
                if (t.kind == Kind.COMMENT) continue;
                out.add(new Token(t.kind == Kind.VAR ? Token.Type.VAR_BEGIN : Token.Type.BLOCK_BEGIN, null, t.line));
                out.addAll(t.inner);
                out.add(new Token(t.kind == Kind.VAR ? Token.Type.VAR_END : Token.Type.BLOCK_END, null, t.line));
                continue;
            }
            Text txt = (Text) seg;
            String s = txt.text;
            Tag prev = i > 0 ? (Tag) segments.get(i - 1) : null;
            Tag next = i + 1 < segments.size() ? (Tag) segments.get(i + 1) : null;
            boolean lineStarting = prev == null;
            if (prev != null) {
                if (prev.right == '-') {
                    String stripped = s.stripLeading();
                    lineStarting = s.length() > stripped.length() && s.charAt(s.length() - stripped.length() - 1) == '\n';
                    s = stripped;
                } else if (prev.kind != Kind.VAR && prev.right != '+' && s.startsWith("\n")) {
                    s = s.substring(1);
                    lineStarting = true;
                }
            }
            if (next != null) {
                if (next.left == '-') {
                    s = s.stripTrailing();
                } else if (next.kind != Kind.VAR && next.left != '+') {
                    int lpos = s.lastIndexOf('\n') + 1;
                    if ((lpos > 0 || lineStarting) && onlySpacesAndTabs(s, lpos)) s = s.substring(0, lpos);
                }
            }
            if (!s.isEmpty()) out.add(new Token(Token.Type.TEXT, s, txt.line));
        }
        out.add(new Token(Token.Type.EOF, null, line));
        return out;
    }

    private static boolean onlySpacesAndTabs(String s, int from) {
        for (int i = from; i < s.length(); i++) if (s.charAt(i) != ' ' && s.charAt(i) != '\t') return false;
        return true;
    }
}
