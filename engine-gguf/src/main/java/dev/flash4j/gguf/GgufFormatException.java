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
        super(file + ": " + field + " at byte " + offset + ": " + problem);
        this.file = file;
        this.field = field;
        this.offset = offset;
    }

    public String file() { return file; }

    public String field() { return field; }

    public long offset() { return offset; }
}
