package dev.flash4j.cli;

import java.util.ArrayList;
import java.util.List;

/** {@code --stop} values: a shell cannot easily pass a newline, so {@code \n}, {@code \t} and {@code \\} are unescaped. */
final class StopFlags {
    private StopFlags() {}

    static List<String> parse(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String s : raw) {
            String v = unescape(s);
            if (v.isEmpty()) throw new UserError("--stop must not be empty");
            out.add(v);
        }
        return out;
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                switch (n) {
                    case 'n' -> { b.append('\n'); i++; continue; }
                    case 't' -> { b.append('\t'); i++; continue; }
                    case 'r' -> { b.append('\r'); i++; continue; }
                    case '\\' -> { b.append('\\'); i++; continue; }
                    default -> { }
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
