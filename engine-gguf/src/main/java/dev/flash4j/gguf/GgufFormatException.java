package dev.flash4j.gguf;

import java.io.IOException;

/**
 * A GGUF file that cannot be read as one: names the file, the field and the byte offset, so that
 * the one line a user sees says exactly what is wrong and where.
 */
public final class GgufFormatException extends IOException {
    private final String file;
    private final String field;
    private final long offset;

    public GgufFormatException(String file, String field, long offset, String problem) {
        super(oneLine(file, 300) + ": " + oneLine(field, 160) + " at byte " + offset + ": " + oneLine(problem, 400));
        this.file = file;
        this.field = field;
        this.offset = offset;
    }

    /**
     * {@code s} with control characters escaped and cut to about {@code max} characters: names read
     * from a damaged file can hold anything, and the message must stay one readable line.
     */
    static String oneLine(String s, int max) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 16);
        for (int i = 0; i < s.length(); i++) {
            if (sb.length() >= max) {
                sb.append("...");
                break;
            }
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    public String file() { return file; }

    public String field() { return field; }

    public long offset() { return offset; }
}
