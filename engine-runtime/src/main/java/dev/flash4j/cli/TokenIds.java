package dev.flash4j.cli;

/** Parses token id lists given on the command line ("1 5 9" or "1,5,9"). */
final class TokenIds {
    private TokenIds() {}

    /** How many ids the text lists, before the model (and its vocabulary) is loaded: what sizes the context. */
    static int count(String text) {
        return split(text).length;
    }

    static int[] parse(String text, int vocab) {
        if (text.trim().isEmpty()) throw new UserError("--ids is empty");
        String[] parts = split(text);
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            long v;
            try {
                v = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new UserError("--ids: '" + parts[i] + "' is not a token id");
            }
            if (v < 0 || v >= vocab) throw new UserError("--ids: token id " + v + " is out of range (the vocabulary has ids 0.." + (vocab - 1) + ")");
            ids[i] = (int) v;
        }
        return ids;
    }

    private static String[] split(String text) {
        return text.trim().split("[\\s,]+");
    }
}
