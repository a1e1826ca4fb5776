package dev.flash4j.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Python {@code str} methods that chat templates call ({@code content.split('</think>')[0].strip('\n')}...). */
final class PyStrings {
    private PyStrings() {
    }

    /** The bound method {@code s.name}, or null if str has no such method here. */
    static JinjaFunction method(String s, String name) {
        return switch (name) {
            case "startswith" -> (a, kw) -> affix(s, arg(a, 0, name), true);
            case "endswith" -> (a, kw) -> affix(s, arg(a, 0, name), false);
            case "strip" -> (a, kw) -> strip(s, chars(a), true, true);
            case "lstrip" -> (a, kw) -> strip(s, chars(a), true, false);
            case "rstrip" -> (a, kw) -> strip(s, chars(a), false, true);
            case "split" -> (a, kw) -> split(s, optArg(a, kw, 0, "sep"), maxsplit(a, kw));
            case "rsplit" -> (a, kw) -> rsplit(s, optArg(a, kw, 0, "sep"), maxsplit(a, kw));
            case "splitlines" -> (a, kw) -> splitlines(s);
            case "upper" -> (a, kw) -> s.toUpperCase(java.util.Locale.ROOT);
            case "lower" -> (a, kw) -> s.toLowerCase(java.util.Locale.ROOT);
            case "title" -> (a, kw) -> title(s);
            case "capitalize" -> (a, kw) -> capitalize(s);
            case "swapcase" -> (a, kw) -> swapcase(s);
            case "replace" -> (a, kw) -> replace(s, str(arg(a, 0, name)), str(arg(a, 1, name)), a.size() > 2 ? Values.toLong(a.get(2)) : -1);
            case "find" -> (a, kw) -> (long) cpIndex(s, s.indexOf(str(arg(a, 0, name))));
            case "rfind" -> (a, kw) -> (long) cpIndex(s, s.lastIndexOf(str(arg(a, 0, name))));
            case "index" -> (a, kw) -> {
                int i = s.indexOf(str(arg(a, 0, name)));
                if (i < 0) throw new TemplateRuntimeException("substring not found");
                return (long) cpIndex(s, i);
            };
            case "count" -> (a, kw) -> count(s, str(arg(a, 0, name)));
            case "join" -> (a, kw) -> {
                StringBuilder sb = new StringBuilder();
                List<Object> items = Values.iterate(arg(a, 0, name));
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) sb.append(s);
                    if (!(items.get(i) instanceof String)) {
                        throw new TemplateRuntimeException("sequence item " + i + ": expected str instance, " + Values.typeName(items.get(i)) + " found");
                    }
                    sb.append((String) items.get(i));
                }
                return sb.toString();
            };
            case "isdigit" -> (a, kw) -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> (a, kw) -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> (a, kw) -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> (a, kw) -> !s.isEmpty() && s.codePoints().allMatch(Character::isWhitespace);
            case "isupper" -> (a, kw) -> s.codePoints().anyMatch(Character::isUpperCase) && s.codePoints().noneMatch(Character::isLowerCase);
            case "islower" -> (a, kw) -> s.codePoints().anyMatch(Character::isLowerCase) && s.codePoints().noneMatch(Character::isUpperCase);
            case "removeprefix" -> (a, kw) -> s.startsWith(str(arg(a, 0, name))) ? s.substring(str(a.get(0)).length()) : s;
            case "removesuffix" -> (a, kw) -> {
                String suf = str(arg(a, 0, name));
                return !suf.isEmpty() && s.endsWith(suf) ? s.substring(0, s.length() - suf.length()) : s;
            };
            case "format" -> (a, kw) -> format(s, a, kw);
            case "center" -> (a, kw) -> center(s, (int) Values.toLong(arg(a, 0, name)));
            case "ljust" -> (a, kw) -> pad(s, (int) Values.toLong(arg(a, 0, name)), false);
            case "rjust" -> (a, kw) -> pad(s, (int) Values.toLong(arg(a, 0, name)), true);
            case "zfill" -> (a, kw) -> {
                int w = (int) Values.toLong(arg(a, 0, name));
                int len = s.codePointCount(0, s.length());
                if (len >= w) return s;
                boolean sign = s.startsWith("-") || s.startsWith("+");
                return sign ? s.charAt(0) + "0".repeat(w - len) + s.substring(1) : "0".repeat(w - len) + s;
            };
            default -> null;
        };
    }

    private static Object arg(List<Object> a, int i, String method) {
        if (a.size() <= i) throw new TemplateRuntimeException(method + "() takes at least " + (i + 1) + " argument");
        return a.get(i);
    }

    private static Object optArg(List<Object> a, Map<String, Object> kw, int i, String name) {
        if (a.size() > i) return a.get(i);
        return kw.get(name);
    }

    private static long maxsplit(List<Object> a, Map<String, Object> kw) {
        Object m = optArg(a, kw, 1, "maxsplit");
        return m == null ? -1 : Values.toLong(m);
    }

    private static String str(Object o) {
        if (o instanceof String s) return s;
        throw new TemplateRuntimeException("must be str, not " + Values.typeName(o));
    }

    private static String chars(List<Object> a) {
        if (a.isEmpty() || a.get(0) == null) return null;
        return str(a.get(0));
    }

    private static boolean affix(String s, Object arg, boolean prefix) {
        if (arg instanceof PyTuple t) {
            for (Object o : t) if (affix(s, o, prefix)) return true;
            return false;
        }
        String x = str(arg);
        return prefix ? s.startsWith(x) : s.endsWith(x);
    }

    /** str.strip family: whitespace by default, otherwise any of the given characters. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int b = 0, e = s.length();
        if (left) while (b < e && stripped(s.charAt(b), chars)) b++;
        if (right) while (e > b && stripped(s.charAt(e - 1), chars)) e--;
        return s.substring(b, e);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    static List<Object> split(String s, Object sepArg, long maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sepArg == null) {
            int i = 0, n = s.length();
            while (true) {
                while (i < n && Character.isWhitespace(s.charAt(i))) i++;
                if (i >= n) break;
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !Character.isWhitespace(s.charAt(j))) j++;
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        String sep = str(sepArg);
        if (sep.isEmpty()) throw new TemplateRuntimeException("empty separator");
        int from = 0;
        while (maxsplit < 0 || out.size() < maxsplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) break;
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static List<Object> rsplit(String s, Object sepArg, long maxsplit) {
        if (maxsplit < 0) return split(s, sepArg, -1);
        if (sepArg == null) {
            List<Object> parts = split(s, null, -1);
            if (parts.size() <= maxsplit + 1) return parts;
            // keep the head joined as in the original text: find where the last maxsplit words start
            int end = s.length();
            List<Object> tail = new ArrayList<>();
            String rest = strip(s, null, false, true);
            for (int k = 0; k < maxsplit; k++) {
                int j = rest.length();
                int i = j;
                while (i > 0 && !Character.isWhitespace(rest.charAt(i - 1))) i--;
                tail.addFirst(rest.substring(i, j));
                rest = strip(rest.substring(0, i), null, false, true);
            }
            tail.addFirst(rest);
            return tail;
        }
        String sep = str(sepArg);
        List<Object> out = new ArrayList<>();
        int to = s.length();
        while (out.size() < maxsplit) {
            int at = s.lastIndexOf(sep, to - sep.length());
            if (at < 0) break;
            out.addFirst(s.substring(at + sep.length(), to));
            to = at;
        }
        out.addFirst(s.substring(0, to));
        return out;
    }

    static List<Object> splitlines(String s) {
        List<Object> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                out.add(s.substring(start, i));
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') i++;
                start = i + 1;
            }
        }
        if (start < s.length()) out.add(s.substring(start));
        return out;
    }

    private static String replace(String s, String old, String neu, long count) {
        if (count < 0) return s.replace(old, neu);
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (long k = 0; k < count; k++) {
            int at = s.indexOf(old, from);
            if (at < 0) break;
            sb.append(s, from, at).append(neu);
            from = at + old.length();
            if (old.isEmpty()) {
                if (from < s.length()) sb.append(s.charAt(from));
                from++;
            }
        }
        if (from <= s.length()) sb.append(s.substring(Math.min(from, s.length())));
        return sb.toString();
    }

    private static int cpIndex(String s, int charIndex) {
        return charIndex < 0 ? -1 : s.codePointCount(0, charIndex);
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) return s.codePointCount(0, s.length()) + 1;
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) n++;
        return n;
    }

    /** Python str.title(): a letter is upper-cased when the previous character is not a letter. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder();
        boolean prevCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean letter = Character.isLetter(cp);
            sb.appendCodePoint(letter ? (prevCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp)) : cp);
            prevCased = letter;
        }
        return sb.toString();
    }

    static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int first = s.codePointAt(0);
        int len = Character.charCount(first);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first)).append(s.substring(len).toLowerCase(java.util.Locale.ROOT)).toString();
    }

    private static String swapcase(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.appendCodePoint(Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.toUpperCase(cp)));
        return sb.toString();
    }

    private static String center(String s, int width) {
        int len = s.codePointCount(0, s.length());
        if (width <= len) return s;
        int total = width - len;
        int left = total / 2 + (total & width & 1);
        return " ".repeat(left) + s + " ".repeat(total - left);
    }

    private static String pad(String s, int width, boolean leftPad) {
        int len = s.codePointCount(0, s.length());
        if (width <= len) return s;
        return leftPad ? " ".repeat(width - len) + s : s + " ".repeat(width - len);
    }

    /** str.format with {}, {0} and {name} fields (no format specs). */
    private static String format(String s, List<Object> args, Map<String, Object> kw) {
        StringBuilder sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                sb.append('{');
                i++;
            } else if (c == '}' && i + 1 < s.length() && s.charAt(i + 1) == '}') {
                sb.append('}');
                i++;
            } else if (c == '{') {
                int end = s.indexOf('}', i);
                if (end < 0) throw new TemplateRuntimeException("Single '{' encountered in format string");
                String field = s.substring(i + 1, end);
                int colon = field.indexOf(':');
                if (colon >= 0) field = field.substring(0, colon);
                Object v;
                if (field.isEmpty()) v = auto < args.size() ? args.get(auto++) : null;
                else if (field.chars().allMatch(Character::isDigit)) v = args.get(Integer.parseInt(field));
                else if (kw.containsKey(field)) v = kw.get(field);
                else throw new TemplateRuntimeException("'" + field + "'");
                sb.append(Values.str(v));
                i = end;
            } else sb.append(c);
        }
        return sb.toString();
    }
}
