package dev.flash4j.chat;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.flash4j.chat.ChatTestSupport.TOOLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken or unfinished outputs are repaired, flagged and never lost. */
class MalformedOutputTest {

    private final ChatOutputParser parser = new ChatOutputParser(TOOLS, false);

    @Test
    void unclosedThinkMakesEverythingReasoning() {
        ParsedMessage m = parser.parse("<think>\nStill weighing options: a < b, and </thin is no tag.\n");
        assertEquals("Still weighing options: a < b, and </thin is no tag.", m.reasoning());
        assertEquals("", m.content());
        assertTrue(m.reasoningIncomplete());
        assertEquals(Set.of(ParseWarning.REASONING_UNCLOSED), m.warnings());
    }

    @Test
    void toolCallInsideUnclosedReasoningEndsItByDefault() {
        String out = "<think>\nI need the weather <tool_call>\n<function=get_weather>\n<parameter=city>\nLima\n</parameter>\n</function>\n</tool_call>";
        ParsedMessage m = parser.parse(out);
        assertEquals("I need the weather", m.reasoning());
        assertEquals("", m.content());
        assertEquals("{\"city\":\"Lima\"}", m.toolCalls().getFirst().argumentsJson());
        assertFalse(m.reasoningIncomplete());
        assertEquals(Set.of(ParseWarning.REASONING_ENDED_BY_TOOL_CALL), m.warnings());

        ParsedMessage strict = new ChatOutputParser(TOOLS, false, false).parse(out);
        assertEquals(out.substring("<think>\n".length()), strict.reasoning(), "with the option off everything stays reasoning");
        assertEquals(List.of(), strict.toolCalls());
        assertTrue(strict.reasoningIncomplete());
        assertEquals(Set.of(ParseWarning.REASONING_UNCLOSED), strict.warnings());
    }

    @Test
    void toolCallSyntaxMentionedInReasoningStaysReasoning() {
        ParsedMessage prose = parser.parse("<think>\nThe format uses <tool_call> blocks; I will answer directly.\n</think>\nHello");
        assertEquals("The format uses <tool_call> blocks; I will answer directly.", prose.reasoning());
        assertEquals("Hello", prose.content());
        assertEquals(Set.of(), prose.warnings());

        String started = "<think>I'd write <tool_call><function=x> like that</think>answer";
        EventRecorder r = ChatTestSupport.streamWhole(parser, started);
        assertEquals(List.of("reasoning: I'd write", "start 0 x", "discard 0", "reasoning:  <tool_call><function=x> like that", "content: answer"), r.events);

        ParsedMessage cut = parser.parse("<think>hmm <tool_call>\n");
        assertEquals("hmm <tool_call>", cut.reasoning());
        assertEquals(Set.of(ParseWarning.REASONING_UNCLOSED), cut.warnings());
    }

    @Test
    void jsonCallInsideReasoningIsACall() {
        ParsedMessage m = parser.parse("<think>use f <tool_call>{\"name\": \"f\", \"arguments\": {\"a\": 1}}</tool_call>");
        assertEquals("use f", m.reasoning());
        assertEquals("{\"a\":1}", m.toolCalls().getFirst().argumentsJson());
        assertEquals(Set.of(ParseWarning.REASONING_ENDED_BY_TOOL_CALL, ParseWarning.JSON_TOOL_CALL), m.warnings());
    }

    @Test
    void bareFunctionOfAnOfferedToolIsACall() {
        ParsedMessage m = parser.parse("Let me check.\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\nDone.");
        assertEquals("Let me check.\nDone.", m.content());
        assertEquals(1, m.toolCalls().size());
        assertEquals("{\"city\":\"Paris\"}", m.toolCalls().getFirst().argumentsJson());
        assertEquals("<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>", m.toolCalls().getFirst().raw());
        assertEquals(Set.of(ParseWarning.TOOL_CALL_START_MISSING), m.warnings());

        ParsedMessage closed = parser.parse("<function=search>\n</function>\n</tool_call>");
        assertEquals(List.of("search"), closed.toolCalls().stream().map(ToolCall::name).toList());
        assertEquals(Set.of(ParseWarning.TOOL_CALL_START_MISSING), closed.warnings());
    }

    @Test
    void bareFunctionOfAnUnknownToolOrWithoutToolsIsText() {
        String out = "Use <function=rm_rf> or <function=get_weather with care.";
        assertEquals(new ParsedMessage("", out, List.of(), Set.of()), parser.parse(out));
        String declaredButNoTools = "<function=get_weather>\n</function>";
        assertEquals(declaredButNoTools, new ChatOutputParser(ToolSchemas.none(), false).parse(declaredButNoTools).content());
    }

    @Test
    void brokenBareFunctionGoesBackToContentAtOnce() {
        EventRecorder r = ChatTestSupport.streamWhole(parser, "<function=get_weather>\nnot a parameter <think>x</think> end");
        assertEquals(List.of("warning TOOL_CALL_START_MISSING", "start 0 get_weather", "discard 0", "warning MALFORMED_TOOL_CALL",
                "content: <function=get_weather>\nnot a parameter", "reasoning: x", "content:   end"), r.events);
    }

    @Test
    void outputEndingInsideAValueIsAnIncompleteCallWithItsRawText() {
        String out = "Answer first.\n<tool_call>\n<function=get_weather>\n<parameter=days>\n2\n</parameter>\n<parameter=city>\nRo";
        ParsedMessage m = parser.parse(out);
        assertEquals("Answer first.", m.content());
        assertEquals(1, m.toolCalls().size());
        ToolCall call = m.toolCalls().getFirst();
        assertFalse(call.complete());
        assertEquals("get_weather", call.name());
        assertEquals("{\"days\":2}", call.argumentsJson(), "finished arguments are kept, the cut one is only in raw");
        assertEquals(out.substring(out.indexOf("<tool_call>")), call.raw());
        assertEquals(Set.of(ParseWarning.TOOL_CALL_UNCLOSED), m.warnings());
    }

    @Test
    void outputEndingBeforeTheFunctionNameKeepsTheTextAsContent() {
        ParsedMessage m = parser.parse("Hi <tool_call>\n<functi");
        assertEquals("Hi <tool_call>\n<functi", m.content());
        assertEquals(List.of(), m.toolCalls());
        assertEquals(Set.of(ParseWarning.TOOL_CALL_UNCLOSED), m.warnings());
    }

    @Test
    void garbageInsideToolCallIsContentWithAWarning() {
        ParsedMessage m = parser.parse("Before <tool_call>\nnot a call at all\n</tool_call> after </think> end");
        assertEquals("Before <tool_call>\nnot a call at all\n</tool_call> after  end", m.content());
        assertEquals(List.of(), m.toolCalls());
        assertEquals(Set.of(ParseWarning.MALFORMED_TOOL_CALL, ParseWarning.STRAY_THINK_END), m.warnings());
    }

    @Test
    void garbageAfterTheCallStartedWithdrawsItAndTheNextCallReusesTheIndex() {
        String broken = "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\noops\n</function>\n</tool_call>";
        String good = "<tool_call>\n<function=search>\n<parameter=limit>\n5\n</parameter>\n</function>\n</tool_call>";
        EventRecorder r = ChatTestSupport.streamWhole(parser, broken + "\n" + good);
        assertEquals(List.of(
                "start 0 get_weather", "argument 0 city=\"Paris\"", "discard 0",
                "warning MALFORMED_TOOL_CALL", "content: " + broken,
                "start 0 search", "argument 0 limit=5",
                "end 0 " + new ToolCall("search", java.util.Map.of("limit", com.fasterxml.jackson.databind.node.IntNode.valueOf(5)), true,
                        good.substring(0, good.length() - "\n</tool_call>".length()))),
                r.events);
    }

    @Test
    void jsonInsideToolCallIsAcceptedAsACall() {
        ParsedMessage m = parser.parse("Text <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\", \"days\": 2}}\n</tool_call> after");
        assertEquals("Text  after", m.content());
        assertEquals(1, m.toolCalls().size());
        assertEquals("get_weather", m.toolCalls().getFirst().name());
        assertEquals("{\"city\":\"Oslo\",\"days\":2}", m.toolCalls().getFirst().argumentsJson());
        assertEquals(Set.of(ParseWarning.JSON_TOOL_CALL), m.warnings());
        ParsedMessage stringArgs = parser.parse("<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": true}\"}</tool_call>");
        assertEquals("{\"a\":true}", stringArgs.toolCalls().getFirst().argumentsJson());
    }

    @Test
    void missingParameterEndIsToleratedAtFunctionEnd() {
        ParsedMessage m = parser.parse("<tool_call>\n<function=f>\n<parameter=a>\nx\n</function>\n</tool_call>");
        assertEquals(1, m.toolCalls().size());
        assertEquals("x", m.toolCalls().getFirst().arguments().get("a").textValue());
        assertTrue(m.toolCalls().getFirst().complete());
        assertEquals(Set.of(ParseWarning.PARAMETER_END_MISSING), m.warnings());
    }

    @Test
    void missingFunctionEndIsToleratedAtToolCallEnd() {
        ParsedMessage m = parser.parse("<tool_call>\n<function=f>\n<parameter=a>\nx\n</parameter>\n</tool_call>\nok");
        assertEquals("x", m.toolCalls().getFirst().arguments().get("a").textValue());
        assertEquals("ok", m.content());
        assertEquals(Set.of(ParseWarning.FUNCTION_END_MISSING), m.warnings());

        ParsedMessage both = parser.parse("<tool_call>\n<function=f>\n<parameter=a>\nx\n</tool_call>");
        assertEquals("x", both.toolCalls().getFirst().arguments().get("a").textValue());
        assertEquals(Set.of(ParseWarning.PARAMETER_END_MISSING, ParseWarning.FUNCTION_END_MISSING), both.warnings());
    }

    @Test
    void missingToolCallEndAtTheEndKeepsTheCompleteCall() {
        ParsedMessage m = parser.parse("<tool_call>\n<function=f>\n</function>\n</tool_");
        assertEquals(1, m.toolCalls().size());
        assertTrue(m.toolCalls().getFirst().complete());
        assertEquals("", m.content());
        assertEquals(Set.of(ParseWarning.TOOL_CALL_END_MISSING), m.warnings());
    }

    @Test
    void textAfterFunctionWithoutToolCallEndBecomesContent() {
        ParsedMessage m = parser.parse("<tool_call>\n<function=f>\n</function>\nThe answer is 4.");
        assertEquals(List.of("f"), m.toolCalls().stream().map(ToolCall::name).toList());
        assertEquals("The answer is 4.", m.content());
        assertEquals(Set.of(ParseWarning.MALFORMED_TOOL_CALL), m.warnings());
    }

    @Test
    void aNewToolCallInsideABrokenOneIsReadNormally() {
        ParsedMessage m = parser.parse("<tool_call>\nbroken\n<tool_call>\n<function=f>\n</function>\n</tool_call>");
        assertEquals("<tool_call>\nbroken", m.content());
        assertEquals(List.of("f"), m.toolCalls().stream().map(ToolCall::name).toList());
        assertEquals(Set.of(ParseWarning.MALFORMED_TOOL_CALL), m.warnings());
    }

    @Test
    void badFunctionNamesMakeTheCallMalformed() {
        String tooLong = "n".repeat(StreamingChatParser.MAX_NAME_LENGTH + 1);
        for (String out : List.of(
                "<tool_call>\n<function=>\n</function>\n</tool_call>",
                "<tool_call>\n<function=get\nweather>\n</function>\n</tool_call>",
                "<tool_call>\n<function=" + tooLong + ">\n</function>\n</tool_call>",
                "<tool_call>\n<function=f>\n<parameter=a<b>\n1\n</parameter>\n</function>\n</tool_call>")) {
            ParsedMessage m = parser.parse(out);
            assertEquals(out, m.content(), "raw text kept as content");
            assertEquals(List.of(), m.toolCalls());
            assertEquals(Set.of(ParseWarning.MALFORMED_TOOL_CALL), m.warnings());
        }
        String longestName = "n".repeat(StreamingChatParser.MAX_NAME_LENGTH);
        assertEquals(longestName, parser.parse("<tool_call><function=" + longestName + "></function></tool_call>").toolCalls().getFirst().name());
    }

    @Test
    void strayEndTagsOutsideTheirBlocks() {
        ParsedMessage m = parser.parse("abc</think>def </tool_call> </parameter> </function>");
        assertEquals("abcdef </tool_call> </parameter> </function>", m.content());
        assertEquals(Set.of(ParseWarning.STRAY_THINK_END), m.warnings());
    }

    @Test
    void argumentNotFittingItsTypeIsFlagged() {
        ParsedMessage m = parser.parse("<tool_call>\n<function=get_weather>\n<parameter=days>\nthree\n</parameter>\n</function>\n</tool_call>");
        assertEquals("three", m.toolCalls().getFirst().arguments().get("days").textValue());
        assertEquals(Set.of(ParseWarning.ARGUMENT_TYPE_MISMATCH), m.warnings());
    }
}
