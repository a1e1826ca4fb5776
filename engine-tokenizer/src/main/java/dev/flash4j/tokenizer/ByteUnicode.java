package dev.flash4j.tokenizer;

/**
 * GPT-2's reversible byte-to-character table used by byte-level BPE vocabularies: printable
 * Latin-1 bytes ({@code !}..{@code ~}, {@code ¡}..{@code ¬}, {@code ®}..{@code ÿ}) stand for
 * themselves; the other 68 bytes (controls, space, DEL, NBSP, soft hyphen) are shifted to
 * U+0100 and up in byte order, so that every byte has a visible, non-space character.
 */
final class ByteUnicode {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final short[] CHAR_TO_BYTE = new short[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + shifted++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteUnicode() {}

    static char charOf(int b) { return BYTE_TO_CHAR[b & 0xFF]; }

    /** The byte a table character stands for, or -1 if {@code c} is not in the table. */
    static int byteOf(char c) { return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1; }
}
