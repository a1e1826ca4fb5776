package dev.flash4j.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.flash4j.chat.ChatTestSupport.TOOLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Well-formed Step 3.5 outputs split into reasoning, content and typed tool calls. */
class ChatOutputParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ChatOutputParser openThink = new ChatOutputParser(TOOLS, true);
    private final ChatOutputParser closedThink = new ChatOutputParser(TOOLS, false);

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void reasoningOpenedByThePromptThenAnswerAndCall() throws Exception {
        ParsedMessage m = openThink.parse(ChatTestSupport.WEATHER_CALL);
        assertEquals("The user wants the weather in Paris. I should call get_weather with the city.", m.reasoning());
        assertEquals("I'll check the weather for you.", m.content());
        assertEquals(1, m.toolCalls().size());
        ToolCall call = m.toolCalls().getFirst();
        assertEquals("get_weather", call.name());
        assertTrue(call.complete());
        assertEquals(List.of("city", "unit", "days"), List.copyOf(call.arguments().keySet()));
        assertEquals(json("{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":3}"), json(call.argumentsJson()));
        assertTrue(call.arguments().get("days").isIntegralNumber(), "integer schema gives a JSON number");
        assertTrue(call.raw().startsWith("<tool_call>\n<function=get_weather>") && call.raw().endsWith("</function>"), call.raw());
        assertEquals(Set.of(), m.warnings());
        assertFalse(m.reasoningIncomplete());
    }

    @Test
    void explicitThinkAndMarkupLikeTextStayText() {
        ParsedMessage m = closedThink.parse(ChatTestSupport.PLAIN_ANSWER);
        assertEquals("Compare a < b and check <b>bold</b>; note </thin is not a tag.", m.reasoning());
        assertEquals("Yes: if a < b then <b>a</b> is smaller, and <think about it> is just text. Done.", m.content());
        assertEquals(List.of(), m.toolCalls());
        assertEquals(Set.of(), m.warnings());
    }

    @Test
    void twoCallsWithTypedAndVerbatimValues() throws Exception {
        ParsedMessage m = closedThink.parse(ChatTestSupport.TWO_CALLS);
        assertEquals("", m.reasoning());
        assertEquals("Writing the file and searching.", m.content());
        assertEquals(2, m.toolCalls().size());

        ToolCall write = m.toolCalls().get(0);
        assertEquals("write_file", write.name());
        assertEquals("/tmp/a.html", write.arguments().get("path").textValue());
        // exactly one syntax newline removed at each end; inner blank line and tag-like text kept
        assertEquals("<html>\n  <body>x < y &amp; <parameter=no></body>\n\n</html>", write.arguments().get("content").textValue());
        assertEquals(json("false"), write.arguments().get("append"));

        ToolCall search = m.toolCalls().get(1);
        assertEquals("search", search.name());
        assertEquals(json("""
                {"query": "flash attention 😀 é", "limit": 10, "threshold": 0.25,
                 "filters": {"year": 2024, "tags": ["a", "b"]}, "tags": ["x", "y"], "mode": null}"""),
                json(search.argumentsJson()));
        assertEquals(Set.of(), m.warnings());
    }

    @Test
    void contentOnlyWithoutThinkAndWithoutTools() {
        ParsedMessage m = new ChatOutputParser(ToolSchemas.none(), false).parse("  Hello, world!\n");
        assertEquals(new ParsedMessage("", "Hello, world!", List.of(), Set.of()), m);
    }

    @Test
    void emptyOutput() {
        assertEquals(new ParsedMessage("", "", List.of(), Set.of()), closedThink.parse(""));
        ParsedMessage open = openThink.parse("");
        assertEquals("", open.reasoning());
        assertTrue(open.reasoningIncomplete());
    }

    @Test
    void thinkRepeatedAfterThePromptOpenedItIsDropped() {
        ParsedMessage m = openThink.parse("<think>\nplan\n</think>\nanswer");
        assertEquals("plan", m.reasoning());
        assertEquals("answer", m.content());
        assertEquals(Set.of(), m.warnings());
    }

    @Test
    void textAroundAndBetweenCallsIsContent() {
        String out = "A\n<tool_call>\n<function=f>\n</function>\n</tool_call>\nB\n<tool_call>\n<function=g>\n<parameter=x>\n1\n</parameter>\n</function>\n</tool_call>\nC";
        ParsedMessage m = closedThink.parse(out);
        assertEquals("A\n\nB\n\nC", m.content());
        assertEquals(List.of("f", "g"), m.toolCalls().stream().map(ToolCall::name).toList());
        assertEquals(Map.of(), m.toolCalls().get(0).arguments());
        assertEquals(1, m.toolCalls().get(1).arguments().get("x").intValue(), "unknown tool: JSON-looking value parsed as JSON");
    }

    @Test
    void severalFunctionsInOneToolCallBlockAreSeparateCalls() {
        String out = "<tool_call>\n<function=f>\n<parameter=a>\nx\n</parameter>\n</function>\n<function=g>\n</function>\n</tool_call>";
        ParsedMessage m = closedThink.parse(out);
        assertEquals(List.of("f", "g"), m.toolCalls().stream().map(ToolCall::name).toList());
        assertEquals("<function=g>\n</function>", m.toolCalls().get(1).raw());
        assertEquals("", m.content());
        assertEquals(Set.of(), m.warnings());
    }

    @Test
    void eventsComeInOrderWithIndices() {
        EventRecorder r = ChatTestSupport.streamWhole(openThink, ChatTestSupport.WEATHER_CALL);
        List<String> kinds = r.events.stream().map(e -> e.split(" ", 3)[0] + (e.startsWith("argument") ? " " + e.split(" ")[2].split("=")[0] : "")).toList();
        assertEquals(List.of("reasoning:", "content:", "start", "argument city", "argument unit", "argument days", "end"), kinds);
        assertTrue(r.events.contains("start 0 get_weather"));
        assertTrue(r.events.contains("argument 0 days=3"));
    }

    @Test
    void promptOpensReasoningLooksAtTheLastThink() {
        assertTrue(ChatOutputParser.promptOpensReasoning("<|im_start|>assistant\n<think>\n"));
        assertFalse(ChatOutputParser.promptOpensReasoning("<|im_start|>assistant\n<think>\n\n</think>\n\n"));
        assertFalse(ChatOutputParser.promptOpensReasoning("<|im_start|>assistant\n"));
        assertTrue(ChatOutputParser.promptOpensReasoning("<think>a</think> x <think>"));
    }

    @Test
    void feedAfterFinishIsIgnoredAndFinishIsIdempotent() {
        MessageCollector c = new MessageCollector();
        StreamingChatParser s = closedThink.stream(c);
        s.feed("hi");
        s.finish();
        s.feed(" more");
        s.finish();
        assertEquals("hi", c.message().content());
    }

    @Test
    void inReasoningAndInToolCallFollowTheText() {
        StreamingChatParser s = openThink.stream(new MessageCollector());
        assertTrue(s.inReasoning());
        s.feed("thinking </th");
        assertTrue(s.inReasoning(), "an incomplete </think> has not ended reasoning yet");
        s.feed("ink>answer <tool_call>");
        assertFalse(s.inReasoning());
        assertTrue(s.inToolCall());
        s.feed("\n<function=f>\n</function>\n</tool_call>");
        assertFalse(s.inToolCall());
    }
}
