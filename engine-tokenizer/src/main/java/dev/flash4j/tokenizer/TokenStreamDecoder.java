package dev.flash4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated token ids into text piece by piece. Token bytes are buffered until they form
 * whole UTF-8 characters, so a character whose bytes span several tokens (byte-level BPE,
 * SentencePiece {@code <0xNN>} tokens) is emitted once, complete. Not thread-safe: one per stream.
 */
public final class TokenStreamDecoder {
    private final Tokenizer tokenizer;
    private final boolean skipSpecial;
    private byte[] pending = new byte[16];
    private int pendingLength;
    private boolean stripPending;

    TokenStreamDecoder(Tokenizer tokenizer, boolean skipSpecial) {
        this.tokenizer = tokenizer;
        this.skipSpecial = skipSpecial;
        this.stripPending = tokenizer.stripsLeadingSpace();
    }

    /** Adds a token; returns the text completed by it (possibly empty, never a partial character). */
    public String push(int id) {
        byte[] bytes = tokenizer.pieceBytes(id, skipSpecial);
        if (bytes == null) return "";
        if (tokenizer.isControl(id)) {
            // a control token interrupts any half-finished character and is shown as its text;
            // it does not count as the start of the text for the space-prefix strip
            String before = pendingLength > 0 ? flush() : "";
            return before + new String(bytes, StandardCharsets.UTF_8);
        }
        append(bytes);
        int complete = completePrefix();
        if (complete == 0) return "";
        String s = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text(s);
    }

    /**
     * SentencePiece: a {@code ▁} that arrives as byte tokens is a space too (the encoder escapes
     * every space, so {@code ▁} and space encode alike). The first text loses the one space the
     * encoder put in front.
     */
    private String text(String s) {
        if (tokenizer.model() == Tokenizer.Model.SPM) s = s.replace(SpmEncoder.SPACE, ' ');
        if (stripPending && !s.isEmpty()) {
            stripPending = false;
            if (s.charAt(0) == ' ') s = s.substring(1);
        }
        return s;
    }

    /** Ends the stream: returns what is still buffered, an incomplete character as U+FFFD. */
    public String flush() {
        String s = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text(s);
    }

    private void append(byte[] bytes) {
        int n = bytes.length;
        if (pendingLength + n > pending.length) pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + n));
        System.arraycopy(bytes, 0, pending, pendingLength, n);
        pendingLength += n;
    }

    /**
     * The length of the buffered prefix that can be emitted: everything but a trailing lead byte
     * and the continuation bytes after it that do not yet make up its whole character.
     */
    private int completePrefix() {
        int n = pendingLength;
        // look back at most 3 bytes for the start of the last character
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = pending[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking
            int need = b >= 0xF0 && b <= 0xF7 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (b >= 0xF8) need = 1;           // invalid lead byte: nothing to wait for
            return need > back ? n - back : n;
        }
        return n; // only continuation bytes at the end: invalid, emit as is
    }
}
