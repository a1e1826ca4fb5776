package dev.flash4j.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Hold-back and cutting of stop strings, on hand-made pieces. */
class StopStringFilterTest {
    @Test
    void possibleStopPrefixIsHeldUntilDecided() {
        StopStringFilter f = new StopStringFilter(List.of("END"));
        assertEquals("abc ", f.append("abc E"));   // "E" could start END
        assertEquals("", f.append("N"));           // "EN" still could
        assertEquals("ENx", f.append("x"));        // "ENx" cannot: released whole
        assertFalse(f.stopped());
        assertEquals("abc ENx", f.text());
    }

    @Test
    void stopStringSplitOverPiecesIsCutAndNeverReleased() {
        StopStringFilter f = new StopStringFilter(List.of("</answer>"));
        StringBuilder released = new StringBuilder();
        for (String piece : List.of("The answer", " is 4</an", "swer> and more")) {
            released.append(f.append(piece));
            if (f.stopped()) break;
        }
        assertTrue(f.stopped());
        assertEquals("The answer is 4", released.toString());
        assertEquals("The answer is 4", f.text());
    }

    @Test
    void earliestOfSeveralStopsWins() {
        StopStringFilter f = new StopStringFilter(List.of("zz", "b"));
        assertEquals("a", f.append("abzz"));
        assertEquals("a", f.text());
    }

    @Test
    void finishReleasesHeldText() {
        StopStringFilter f = new StopStringFilter(List.of("\n\n"));
        assertEquals("line", f.append("line\n"));
        assertEquals("\n", f.finish());
        assertEquals("line\n", f.text());
    }

    @Test
    void noStopsReleasesEverythingAtOnce() {
        StopStringFilter f = new StopStringFilter(List.of());
        assertEquals("anything", f.append("anything"));
        assertEquals("", f.finish());
    }
}
