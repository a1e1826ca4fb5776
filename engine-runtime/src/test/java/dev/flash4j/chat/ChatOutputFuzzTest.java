package dev.flash4j.chat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.flash4j.chat.ChatTestSupport.TOOLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random and mangled outputs, split at random points: the parser never throws, the stream
 * gives the same events as one feed, and what it returns obeys the format's invariants.
 */
class ChatOutputFuzzTest {

    private static final long SEED = 0x5EED_35L;
    private static final int CASES = 4000;

    /** Pieces random outputs are built from: every tag, tag fragments, values, odd characters. */
    private static final String[] PIECES = {
        "<think>", "</think>", "<tool_call>", "</tool_call>", "<function=", "</function>", "<parameter=",
        "</parameter>", "<function=get_weather>", "<parameter=city>", "<parameter=days>", "<parameter=filters>",
        "<function=search>", "<function=nope>", "<function=get_weather", "<", ">", "</", "<tool_", "call>", "<thi", "nk>", "=", "\n", "\n\n", " ", "\t",
        "get_weather", "city", "days", "Paris", "42", "-3.5", "true", "null", "{\"a\": [1, 2]}", "[1,", "{",
        "}", "\"", "\\", "{\"name\": \"search\", \"arguments\": {\"limit\": 3}}", "é", "😀", "\uD83D", "\u0000",
        "x", "hello world", "<b>", "</b>", "a < b", "<tool_call>\n<function=f>\n", "\n</parameter>\n</function>\n</tool_call>"
    };

    @Test
    void randomAndMangledOutputsNeverThrowAndStreamEqualsOneShot() {
        Random random = new Random(SEED);
        List<ChatOutputParser> parsers = List.of(new ChatOutputParser(TOOLS, true), new ChatOutputParser(TOOLS, false), new ChatOutputParser(TOOLS, true, false),
                new ChatOutputParser(ToolSchemas.none(), false));
        int withCalls = 0, malformed = 0, incomplete = 0;
        for (int n = 0; n < CASES; n++) {
            String text = n % 2 == 0 ? randomPieces(random) : mangle(random, ChatTestSupport.REALISTIC.get(random.nextInt(ChatTestSupport.REALISTIC.size())));
            ChatOutputParser parser = parsers.get(random.nextInt(parsers.size()));
            try {
                ParsedMessage oneShot = parser.parse(text);
                List<String> whole = ChatTestSupport.streamWhole(parser, text).events;
                for (int round = 0; round < 3; round++) {
                    int[] cuts = randomCuts(random, text.length());
                    assertEquals(whole, ChatTestSupport.streamWithCuts(parser, text, cuts).events, () -> "case " + text);
                    assertEquals(oneShot, ChatTestSupport.collect(parser, pieces(text, cuts)), () -> "case " + text);
                }
                checkInvariants(text, oneShot);
                if (!oneShot.toolCalls().isEmpty()) withCalls++;
                if (oneShot.warnings().contains(ParseWarning.MALFORMED_TOOL_CALL)) malformed++;
                if (oneShot.warnings().contains(ParseWarning.TOOL_CALL_UNCLOSED)) incomplete++;
            } catch (RuntimeException e) {
                fail("case " + n + " threw on " + text, e);
            }
        }
        // the generator must really reach the interesting paths, or the test proves little
        assertTrue(withCalls > CASES / 20, "outputs with tool calls: " + withCalls);
        assertTrue(malformed > CASES / 20, "outputs with malformed calls: " + malformed);
        assertTrue(incomplete > CASES / 50, "outputs with incomplete calls: " + incomplete);
    }

    @Test
    void textWithoutAnyTagCharacterPassesThroughTrimmed() {
        Random random = new Random(SEED + 1);
        String alphabet = "ab \n\t>/=_{}\"é😀";
        for (int n = 0; n < 500; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            String t = text.toString();
            List<String> pieces = pieces(t, randomCuts(random, t.length()));
            assertEquals(new ParsedMessage("", t.strip(), List.of(), java.util.Set.of()),
                    ChatTestSupport.collect(new ChatOutputParser(TOOLS, false), pieces));
            assertEquals(t.strip(), ChatTestSupport.collect(new ChatOutputParser(TOOLS, true), pieces).reasoning());
        }
    }

    private static void checkInvariants(String text, ParsedMessage m) {
        assertEquals(m.reasoning().strip(), m.reasoning(), "reasoning is trimmed");
        assertEquals(m.content().strip(), m.content(), "content is trimmed");
        for (int i = 0; i < m.toolCalls().size(); i++) {
            ToolCall call = m.toolCalls().get(i);
            assertFalse(call.name().isBlank(), "a call has a name");
            assertTrue(text.contains(call.raw()), "a call's raw text is a piece of the output");
            if (!call.complete()) {
                assertEquals(m.toolCalls().size() - 1, i, "only the last call can be incomplete");
                assertTrue(text.endsWith(call.raw()), "an incomplete call runs to the end of the output");
            }
        }
        if (m.reasoningIncomplete()) {
            assertTrue(m.toolCalls().stream().allMatch(ToolCall::complete), "an output ending in reasoning did not end in a call");
            assertFalse(m.warnings().contains(ParseWarning.TOOL_CALL_UNCLOSED));
        }
    }

    private static String randomPieces(Random random) {
        StringBuilder text = new StringBuilder();
        int count = random.nextInt(40);
        for (int i = 0; i < count; i++) {
            if (random.nextInt(10) == 0) text.append((char) random.nextInt(0x80));
            else text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }

    /** A realistic output with random spans deleted, duplicated, replaced, or the end cut off. */
    private static String mangle(Random random, String original) {
        StringBuilder text = new StringBuilder(original);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !text.isEmpty(); e++) {
            int a = random.nextInt(text.length());
            int b = Math.min(text.length(), a + 1 + random.nextInt(12));
            switch (random.nextInt(4)) {
                case 0 -> text.delete(a, b);
                case 1 -> text.insert(b, text.substring(a, b));
                case 2 -> text.replace(a, b, PIECES[random.nextInt(PIECES.length)]);
                default -> text.setLength(a);
            }
        }
        return text.toString();
    }

    private static int[] randomCuts(Random random, int length) {
        List<Integer> cuts = new ArrayList<>();
        for (int at = random.nextInt(8); at < length; at += 1 + random.nextInt(8)) cuts.add(at);
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<String> pieces(String text, int[] cuts) {
        List<String> pieces = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            pieces.add(text.substring(from, cut));
            from = cut;
        }
        pieces.add(text.substring(from));
        return pieces;
    }
}
