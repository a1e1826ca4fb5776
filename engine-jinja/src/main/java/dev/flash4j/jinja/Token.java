package dev.flash4j.jinja;

/** One lexical token; {@code value} is the text (or the parsed number for INTEGER/FLOAT). */
record Token(Type type, Object value, int line) {
    enum Type { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OP, EOF }

    boolean is(Type t, String v) {
        return type == t && v.equals(value);
    }

    boolean isOp(String v) {
        return is(Type.OP, v);
    }

    boolean isName(String v) {
        return is(Type.NAME, v);
    }

    String text() {
        return String.valueOf(value);
    }

    String describe() {
        return switch (type) {
            case EOF -> "end of template";
            case VAR_END -> "'}}'";
            case BLOCK_END -> "'%}'";
            case VAR_BEGIN -> "'{{'";
            case BLOCK_BEGIN -> "'{%'";
            case TEXT -> "template text";
            case STRING -> "string";
            default -> "'" + value + "'";
        };
    }
}
