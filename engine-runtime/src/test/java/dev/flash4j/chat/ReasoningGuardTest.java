package dev.flash4j.chat;

import dev.flash4j.chat.ReasoningGuard.Action;
import dev.flash4j.chat.ReasoningGuard.Settings;
import dev.flash4j.chat.ReasoningGuard.Trip;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Budget and repetition triggers of the reasoning guard, with their thresholds exactly. */
class ReasoningGuardTest {

    /** Feeds tokens until the guard says something other than CONTINUE; returns how many tokens that took (or -1). */
    private static int tokensUntilTrip(ReasoningGuard guard, int[] tokens, String[] pieces) {
        for (int i = 0; i < tokens.length; i++) {
            if (guard.onToken(tokens[i], pieces == null ? "" : pieces[i], true) != Action.CONTINUE) return i + 1;
        }
        return -1;
    }

    private static int[] randomTokens(Random random, int count) {
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) tokens[i] = 1000 + random.nextInt(100_000);
        return tokens;
    }

    /** {@code prefix} random tokens, then {@code block} (ids 1..period) repeated to {@code total} tokens. */
    private static int[] prefixThenRepeating(int prefix, int period, int total) {
        int[] tokens = randomTokens(new Random(7), total);
        for (int i = prefix; i < total; i++) tokens[i] = 1 + (i - prefix) % period;
        return tokens;
    }

    @Test
    void defaultsLetLongVariedReasoningThrough() {
        ReasoningGuard guard = new ReasoningGuard();
        Random random = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            String piece = random.nextInt(15) == 0 ? "\n" : "w" + random.nextInt(5000) + " ";
            assertEquals(Action.CONTINUE, guard.onToken(random.nextInt(150_000), piece, true), "token " + i);
        }
        assertEquals(Trip.NONE, guard.trip());
        assertEquals(200_000, guard.reasoningTokens());
    }

    @Test
    void budgetEndsReasoningThenStopsAfterTheGrace() {
        ReasoningGuard guard = new ReasoningGuard(Settings.defaults().withMaxReasoningTokens(100).withGraceTokens(3));
        int[] tokens = randomTokens(new Random(2), 200);
        assertEquals(101, tokensUntilTrip(guard, tokens, null), "the 101st reasoning token is over a budget of 100");
        assertEquals(Trip.BUDGET, guard.trip());
        assertEquals(Action.END_REASONING, guard.onToken(5, "", true));
        assertEquals(Action.END_REASONING, guard.onToken(5, "", true));
        assertEquals(Action.END_REASONING, guard.onToken(5, "", true));
        assertEquals(Action.STOP, guard.onToken(5, "", true), "reasoning went on after the grace tokens");
        assertEquals(Action.CONTINUE, guard.onToken(5, "answer", false), "the answer is not guarded");
    }

    @Test
    void budgetCountsOnlyReasoningTokensAndCanStop() {
        ReasoningGuard guard = new ReasoningGuard(Settings.defaults().withMaxReasoningTokens(10).withActions(Action.STOP, Action.END_REASONING));
        for (int i = 0; i < 50; i++) assertEquals(Action.CONTINUE, guard.onToken(i, "x", false));
        for (int i = 0; i < 10; i++) assertEquals(Action.CONTINUE, guard.onToken(100 + i, "x", true));
        assertEquals(Action.STOP, guard.onToken(7, "x", true));
        assertEquals(Action.STOP, guard.onToken(8, "x", true));
        assertEquals(11 + 1, guard.reasoningTokens());
    }

    @Test
    void oneTokenRepeatedTripsAfterTheMinimumSpan() {
        ReasoningGuard guard = new ReasoningGuard();
        int[] tokens = prefixThenRepeating(50, 1, 1000);
        assertEquals(50 + 256, tokensUntilTrip(guard, tokens, null));
        assertEquals(Trip.TOKEN_REPETITION, guard.trip());
    }

    @Test
    void sentenceLoopTripsWhenItCoversTheMinimumSpan() {
        // a 20-token block: 4 repeats are only 80 tokens, so the 256-token span decides
        assertEquals(30 + 256, tokensUntilTrip(new ReasoningGuard(), prefixThenRepeating(30, 20, 2000), null));
    }

    @Test
    void longPassageLoopTripsAtFourRepeats() {
        // a 100-token block: 4 repeats (400 tokens) exceed the span minimum
        assertEquals(10 + 400, tokensUntilTrip(new ReasoningGuard(), prefixThenRepeating(10, 100, 2000), null));
    }

    @Test
    void threeRepeatsOfAPassageAreTolerated() {
        int[] tokens = prefixThenRepeating(10, 100, 310);
        int[] tail = randomTokens(new Random(3), 500);
        int[] all = new int[tokens.length + tail.length];
        System.arraycopy(tokens, 0, all, 0, tokens.length);
        System.arraycopy(tail, 0, all, tokens.length, tail.length);
        assertEquals(-1, tokensUntilTrip(new ReasoningGuard(), all, null));
    }

    @Test
    void blocksLongerThanTheMaxPeriodAreNotLookedFor() {
        assertEquals(-1, tokensUntilTrip(new ReasoningGuard(), prefixThenRepeating(0, 300, 3000), null));
        ReasoningGuard wide = new ReasoningGuard(Settings.defaults().withTokenRepetition(512, 4, 256));
        assertEquals(1200, tokensUntilTrip(wide, prefixThenRepeating(0, 300, 3000), null));
    }

    @Test
    void repeatedLinesTripEvenWhenTheirTokensDiffer() {
        // every token id is new, so only the line comparison can see the loop
        ReasoningGuard guard = new ReasoningGuard();
        int id = 0;
        for (int line = 1; line <= 15; line++) {
            assertEquals(Action.CONTINUE, guard.onToken(id++, (line % 2 == 0 ? "  " : "") + "Wait, let me reconsider", true));
            assertEquals(Action.CONTINUE, guard.onToken(id++, " the problem.  \n", true));
            assertEquals(Action.CONTINUE, guard.onToken(id++, "\n", true), "blank lines do not count");
        }
        guard.onToken(id++, "Wait, let me reconsider the problem.", true);
        assertEquals(Action.END_REASONING, guard.onToken(id, "\n", true), "16 equal lines");
        assertEquals(Trip.LINE_REPETITION, guard.trip());
    }

    @Test
    void aRepeatingParagraphOfLinesTripsAtFourRepeats() {
        ReasoningGuard guard = new ReasoningGuard();
        String[] paragraph = {"Let x = 3.", "Then y = 2x = 6.", "Check: 6 / 2 = 3.", "Hmm, that seems right.", "But wait."};
        int id = 0, lines = 0;
        Action action = Action.CONTINUE;
        while (action == Action.CONTINUE) {
            action = guard.onToken(id++, paragraph[lines++ % paragraph.length] + "\n", true);
        }
        assertEquals(20, lines, "a 5-line paragraph four times");
    }

    @Test
    void repetitionDetectionCanBeTurnedOffAndGuardReset() {
        ReasoningGuard off = new ReasoningGuard(Settings.defaults().withRepetitionDetection(false));
        assertEquals(-1, tokensUntilTrip(off, prefixThenRepeating(0, 1, 5000), null));

        ReasoningGuard guard = new ReasoningGuard();
        assertEquals(256, tokensUntilTrip(guard, prefixThenRepeating(0, 1, 1000), null));
        guard.reset();
        assertEquals(Trip.NONE, guard.trip());
        assertEquals(0, guard.reasoningTokens());
        assertEquals(256, tokensUntilTrip(guard, prefixThenRepeating(0, 1, 1000), null));
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Settings.defaults().withMaxReasoningTokens(-1));
        assertThrows(IllegalArgumentException.class, () -> Settings.defaults().withTokenRepetition(0, 4, 10));
        assertThrows(IllegalArgumentException.class, () -> Settings.defaults().withLineRepetition(4, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> Settings.defaults().withActions(Action.CONTINUE, Action.STOP));
        assertThrows(IllegalArgumentException.class, () -> Settings.defaults().withGraceTokens(-2));
    }
}
