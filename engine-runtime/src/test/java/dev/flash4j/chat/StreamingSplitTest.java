package dev.flash4j.chat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.flash4j.chat.ChatTestSupport.REALISTIC;
import static dev.flash4j.chat.ChatTestSupport.TOOLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming gives the same result however the text is cut, and never shows partial tags. */
class StreamingSplitTest {

    private static final List<ChatOutputParser> PARSERS = List.of(
            new ChatOutputParser(TOOLS, true), new ChatOutputParser(TOOLS, false), new ChatOutputParser(TOOLS, true, false));

    @Test
    void everySingleCutGivesTheSameEvents() {
        int checked = 0;
        for (ChatOutputParser parser : PARSERS) {
            for (String text : REALISTIC) {
                List<String> whole = ChatTestSupport.streamWhole(parser, text).events;
                ParsedMessage oneShot = parser.parse(text);
                for (int cut = 0; cut <= text.length(); cut++) {
                    EventRecorder split = ChatTestSupport.streamWithCuts(parser, text, cut);
                    assertEquals(whole, split.events, "cut at " + cut + " of " + text);
                    assertEquals(oneShot, ChatTestSupport.collect(parser, List.of(text.substring(0, cut), text.substring(cut))));
                    checked++;
                }
            }
        }
        assertTrue(checked > 2000, "cut points checked: " + checked);
    }

    @Test
    void everyPairOfCutsAroundTagsGivesTheSameEvents() {
        // two cuts within a window around each '<' exercises tags cut into three pieces
        for (ChatOutputParser parser : PARSERS) {
            for (String text : REALISTIC) {
                List<String> whole = ChatTestSupport.streamWhole(parser, text).events;
                for (int lt = text.indexOf('<'); lt >= 0; lt = text.indexOf('<', lt + 1)) {
                    for (int a = lt; a <= Math.min(text.length(), lt + 13); a++) {
                        for (int b = a; b <= Math.min(text.length(), lt + 14); b++) {
                            assertEquals(whole, ChatTestSupport.streamWithCuts(parser, text, a, b).events,
                                    "cuts " + a + "," + b + " of " + text);
                        }
                    }
                }
            }
        }
    }

    @Test
    void characterByCharacterAndRandomChunksGiveTheSameEvents() {
        Random random = new Random(20261123);
        for (ChatOutputParser parser : PARSERS) {
            for (String text : REALISTIC) {
                List<String> whole = ChatTestSupport.streamWhole(parser, text).events;
                int[] everyChar = new int[text.length()];
                for (int i = 0; i < everyChar.length; i++) everyChar[i] = i;
                assertEquals(whole, ChatTestSupport.streamWithCuts(parser, text, everyChar).events);
                for (int round = 0; round < 50; round++) {
                    assertEquals(whole, ChatTestSupport.streamWithCuts(parser, text, randomCuts(random, text.length())).events);
                }
            }
        }
    }

    @Test
    void partialTagsAreHeldBackAndOnlyThem() {
        EventRecorder r = new EventRecorder();
        StreamingChatParser s = new ChatOutputParser(TOOLS, false).stream(r);
        s.feed("Let me look <to");
        assertEquals("Let me look", r.contentSoFar.toString(), "'<to' could start <tool_call>; the space waits for more text");
        s.feed("ol_");
        assertEquals("Let me look", r.contentSoFar.toString());
        s.feed("cat> and x <b and <thi");
        assertEquals("Let me look <tool_cat> and x <b and", r.contentSoFar.toString(), "'<tool_cat>' and '<b' cannot be tags");
        s.feed("nk>deep</th");
        assertEquals("deep", r.reasoningSoFar.toString());
        s.feed("ink>ok <tool_call");
        assertEquals("Let me look <tool_cat> and x <b and ok", r.contentSoFar.toString(), "held space joins the text after the think block");
        s.feed(">\n<function=get_weather>");
        assertTrue(r.events.contains("start 0 get_weather"), "the start is announced as soon as the function tag is complete");
        s.feed("\n<parameter=city>\nLi");
        assertFalse(r.events.stream().anyMatch(e -> e.startsWith("argument")), "an argument is reported only when complete");
        s.feed("ma\n</parameter>");
        assertTrue(r.events.contains("argument 0 city=\"Lima\""));
        s.feed("\n</function>\n</tool_call>");
        s.finish();
        assertFalse(r.contentSoFar.toString().contains("<to" + "ol_call"), r.contentSoFar.toString());
    }

    @Test
    void aHeldBackPrefixIsTextWhenTheOutputEnds() {
        ParsedMessage m = new ChatOutputParser(TOOLS, false).parse("value <tool_ca");
        assertEquals("value <tool_ca", m.content());
        ParsedMessage r = new ChatOutputParser(TOOLS, true).parse("still thinking </thi");
        assertEquals("still thinking </thi", r.reasoning());
        assertTrue(r.reasoningIncomplete());
    }

    private static int[] randomCuts(Random random, int length) {
        List<Integer> cuts = new ArrayList<>();
        int at = 0;
        while (true) {
            at += 1 + random.nextInt(12);
            if (at >= length) break;
            cuts.add(at);
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }
}
