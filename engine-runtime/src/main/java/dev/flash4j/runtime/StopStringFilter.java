package dev.flash4j.runtime;

import java.util.List;

/**
 * Watches generated text for stop strings. Text is released only when no stop string can begin
 * inside it: the longest tail that is a prefix of some stop string is held back until more text
 * decides. When a stop string appears, the text is cut where it starts and nothing of it is ever
 * released.
 */
final class StopStringFilter {
    private final List<String> stops;
    private final int longest;
    private final StringBuilder text = new StringBuilder();
    private int released;
    private boolean stopped;

    StopStringFilter(List<String> stops) {
        this.stops = stops;
        int n = 0;
        for (String s : stops) n = Math.max(n, s.length());
        this.longest = n;
    }

    /** Adds generated text; returns the part that can now be released (possibly empty). */
    String append(String piece) {
        if (stopped) throw new IllegalStateException("a stop string was already found");
        text.append(piece);
        int cut = firstStop();
        if (cut >= 0) {
            stopped = true;
            text.setLength(cut);
            return release(cut);
        }
        return release(text.length() - heldBack());
    }

    /** Releases everything still held (the generation ended without a stop string). */
    String finish() {
        return release(text.length());
    }

    boolean stopped() {
        return stopped;
    }

    /** All text so far, cut before a stop string. */
    String text() {
        return text.toString();
    }

    private String release(int end) {
        if (end <= released) return "";
        String s = text.substring(released, end);
        released = end;
        return s;
    }

    /** Where the earliest stop string starts, or -1; only text that could hold a new match is searched. */
    private int firstStop() {
        int from = Math.max(0, released - longest + 1);
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s, from);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    private boolean endsWith(int at, String s, int k) {
        for (int i = 0; i < k; i++) if (text.charAt(at + i) != s.charAt(i)) return false;
        return true;
    }

    /** The length of the longest unreleased tail that is a proper prefix of a stop string. */
    private int heldBack() {
        int n = text.length();
        int max = Math.min(longest - 1, n - released);
        for (int k = max; k > 0; k--) {
            for (String s : stops) {
                if (k < s.length() && endsWith(n - k, s, k)) return k;
            }
        }
        return 0;
    }
}
