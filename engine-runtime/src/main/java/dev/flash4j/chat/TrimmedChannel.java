package dev.flash4j.chat;

import java.util.function.Consumer;

/**
 * Passes text on with its leading and trailing whitespace removed, while streaming. Leading
 * whitespace is dropped until the first other character; whitespace after that is held back until
 * more text follows it, and dropped if nothing does. So the concatenated output is always the
 * trimmed concatenated input, however the input was split.
 */
final class TrimmedChannel {

    private final Consumer<String> sink;
    private final StringBuilder heldWhitespace = new StringBuilder();
    private boolean started;

    TrimmedChannel(Consumer<String> sink) {
        this.sink = sink;
    }

    void append(CharSequence text, int from, int to) {
        int last = to - 1;
        while (last >= from && Character.isWhitespace(text.charAt(last))) last--;
        if (last < from) {
            if (started) heldWhitespace.append(text, from, to);
            return;
        }
        int first = from;
        if (!started) {
            while (Character.isWhitespace(text.charAt(first))) first++;
            started = true;
        }
        StringBuilder out = new StringBuilder(heldWhitespace.length() + last + 1 - first);
        out.append(heldWhitespace).append(text, first, last + 1);
        heldWhitespace.setLength(0);
        heldWhitespace.append(text, last + 1, to);
        sink.accept(out.toString());
    }

    void append(CharSequence text) {
        append(text, 0, text.length());
    }
}
