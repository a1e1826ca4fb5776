package dev.flash4j.jinja;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python's {@code datetime.strftime} for the directives chat templates use (C locale). */
final class Strftime {
    private Strftime() {
    }

    static String format(ZonedDateTime t, String fmt) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            boolean noPad = false;
            if (d == '-' && i + 1 < fmt.length()) {
                noPad = true;
                d = fmt.charAt(++i);
            }
            String v = switch (d) {
                case 'Y' -> String.valueOf(t.getYear());
                case 'y' -> two(t.getYear() % 100, noPad);
                case 'm' -> two(t.getMonthValue(), noPad);
                case 'd' -> two(t.getDayOfMonth(), noPad);
                case 'e' -> String.format("%2d", t.getDayOfMonth());
                case 'H' -> two(t.getHour(), noPad);
                case 'I' -> two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, noPad);
                case 'M' -> two(t.getMinute(), noPad);
                case 'S' -> two(t.getSecond(), noPad);
                case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'j' -> noPad ? String.valueOf(t.getDayOfYear()) : String.format("%03d", t.getDayOfYear());
                case 'Z' -> t.getZone().getId();
                case 'z' -> t.getOffset().getId().replace(":", "").replace("Z", "+0000");
                case '%' -> "%";
                default -> "%" + (noPad ? "-" : "") + d;
            };
            sb.append(v);
        }
        return sb.toString();
    }

    private static String two(int v, boolean noPad) {
        return noPad ? String.valueOf(v) : String.format("%02d", v);
    }
}
