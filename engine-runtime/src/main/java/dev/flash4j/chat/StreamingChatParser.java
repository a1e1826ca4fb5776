package dev.flash4j.chat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Splits a Step 3.5 Flash (Qwen3-Coder tool syntax) assistant output into reasoning, content and
 * tool calls while it is generated. Feed text deltas as they are decoded, split anywhere, then call
 * {@link #finish()}. Events go to a {@link ChatOutputListener} as soon as they are certain.
 *
 * <pre>
 * message   := ( text | "&lt;think&gt;" reasoning "&lt;/think&gt;" | toolcall )*
 * toolcall  := "&lt;tool_call&gt;" ws function ( ws function )* ws "&lt;/tool_call&gt;"
 * function  := "&lt;function=" NAME "&gt;" ( ws "&lt;parameter=" NAME "&gt;" VALUE "&lt;/parameter&gt;" )* ws "&lt;/function&gt;"
 * </pre>
 *
 * How it stays split-invariant: text states (content, reasoning, parameter value) emit everything up
 * to the first {@code '<'} that could still begin one of their tags and hold back only that
 * suffix; structural states (between the tags of a call) wait until the next tag is complete or
 * cannot be one any more. Every decision thus depends only on the text seen, never on where the
 * deltas were cut, so any split gives the same events (up to how text deltas are chunked).
 *
 * Recovery instead of exceptions: text that breaks the call syntax makes the whole block malformed
 * and its raw text goes back where the block began (content, or reasoning when a {@code <tool_call>}
 * inside reasoning was only prose); an output ending inside a call yields an incomplete call
 * carrying its raw text; an output ending inside reasoning leaves all of it reasoning; a JSON call
 * inside {@code <tool_call>} and a bare {@code <function=NAME>} of an offered tool are accepted.
 * See {@link ParseWarning} and docs/chat-output.md.
 */
public final class StreamingChatParser {

    static final String THINK = "<think>";
    static final String THINK_END = "</think>";
    static final String CALL = "<tool_call>";
    static final String CALL_END = "</tool_call>";
    static final String FUNCTION = "<function=";
    static final String FUNCTION_END = "</function>";
    static final String PARAMETER = "<parameter=";
    static final String PARAMETER_END = "</parameter>";

    /** A function or parameter name longer than this is not a name: the call is malformed. */
    static final int MAX_NAME_LENGTH = 256;

    private static final String[] CONTENT_TAGS = {THINK, THINK_END, CALL};
    private static final String[] CONTENT_OR_BARE_FUNCTION_TAGS = {THINK, THINK_END, CALL, FUNCTION};
    private static final String[] REASONING_TAGS = {THINK_END, THINK};
    private static final String[] REASONING_OR_CALL_TAGS = {THINK_END, THINK, CALL};
    private static final String[] VALUE_TAGS = {PARAMETER_END, FUNCTION_END, CALL_END};
    private static final String[] MALFORMED_TAGS = {CALL_END, CALL};
    private static final String[] MALFORMED_IN_REASONING_TAGS = {CALL_END, CALL, THINK_END};
    private static final String[] OPEN_TAGS = {FUNCTION};
    private static final String[] BODY_TAGS = {PARAMETER, FUNCTION_END, CALL_END};
    private static final String[] CLOSE_TAGS = {CALL_END, FUNCTION};

    private enum State {
        /** answer text; tags: think, stray /think, tool_call */
        CONTENT,
        /** inside think */
        REASONING,
        /** after tool_call, expecting function= */
        CALL_OPEN,
        /** after function=NAME or a parameter, expecting parameter=, /function */
        CALL_BODY,
        /** inside parameter=NAME, collecting the value */
        PARAMETER_VALUE,
        /** after /function, expecting /tool_call or another function= */
        CALL_CLOSE,
        /** the block broke the syntax: collecting its raw text up to /tool_call (or /think if it began in reasoning) */
        MALFORMED,
        FINISHED
    }

    private final ToolSchemas schemas;
    private final String[] reasoningTags;
    private final String[] contentTags;
    private final ChatOutputListener listener;
    private final TrimmedChannel reasoning;
    private final TrimmedChannel content;
    private final EnumSet<ParseWarning> warned = EnumSet.noneOf(ParseWarning.class);

    /** Input not yet consumed (held-back tag prefixes, incomplete structural tags). */
    private final StringBuilder input = new StringBuilder();
    private int pos;
    private State state;

    /** Tool calls ended so far, which is the index of the next call. */
    private int callIndex;
    /** Raw text of the call (or malformed block) being read. */
    private final StringBuilder callRaw = new StringBuilder();
    /**
     * The current block began inside reasoning. If it turns out not to be a call (prose about the
     * syntax), its text goes back to the reasoning and reasoning goes on.
     */
    private boolean callFromReasoning;
    /** The current call is a bare {@code <function=..>} without the {@code <tool_call>} wrapper. */
    private boolean bareFunction;
    /** Where the body after {@code <tool_call>} starts in callRaw while no function tag was seen; else -1. */
    private int jsonBodyStart = -1;
    /** Name of the current call once its function tag is read and it was announced; else null. */
    private String callName;
    private Map<String, JsonNode> callArguments = new LinkedHashMap<>();
    private String parameterName;
    private final StringBuilder parameterValue = new StringBuilder();

    /** Where a scan stopped: at a tag ({@code scanTag} set) or at held-back text / the end (null). */
    private int scanAt;
    private String scanTag;

    /**
     * @param schemas               argument types of the offered tools
     * @param startInReasoning      true when the prompt already opened {@code <think>} (the model's output starts inside reasoning)
     * @param toolCallEndsReasoning true to treat {@code <tool_call>} inside reasoning as the end of the
     *                              reasoning (Step models sometimes call a tool without closing {@code </think>});
     *                              false to keep everything up to {@code </think>} as reasoning
     * @param listener              receives the events
     */
    public StreamingChatParser(ToolSchemas schemas, boolean startInReasoning, boolean toolCallEndsReasoning,
                               ChatOutputListener listener) {
        this.schemas = schemas;
        this.reasoningTags = toolCallEndsReasoning ? REASONING_OR_CALL_TAGS : REASONING_TAGS;
        // a bare <function=NAME> only counts for declared tools, so without tools it is plain text
        this.contentTags = schemas.isEmpty() ? CONTENT_TAGS : CONTENT_OR_BARE_FUNCTION_TAGS;
        this.listener = listener;
        this.reasoning = new TrimmedChannel(listener::onReasoning);
        this.content = new TrimmedChannel(listener::onContent);
        this.state = startInReasoning ? State.REASONING : State.CONTENT;
    }

    /** Whether the text so far ends inside reasoning (for {@link ReasoningGuard#onToken}). */
    public boolean inReasoning() {
        return state == State.REASONING;
    }

    /** Whether the text so far ends inside a tool call. */
    public boolean inToolCall() {
        return switch (state) {
            case CALL_OPEN, CALL_BODY, PARAMETER_VALUE, CALL_CLOSE, MALFORMED -> true;
            default -> false;
        };
    }

    /** Adds decoded text. Ignored after {@link #finish()}. */
    public void feed(CharSequence delta) {
        if (state == State.FINISHED || delta == null || delta.isEmpty()) return;
        input.append(delta);
        while (step(false)) {
            // each step consumes input or changes state
        }
        input.delete(0, pos);
        pos = 0;
    }

    /** Ends the output: flushes held-back text and reports whatever was left open. Idempotent. */
    public void finish() {
        if (state == State.FINISHED) return;
        while (step(true)) {
            // at the end text states consume everything; structural states may leave a partial tag
        }
        callRaw.append(input, pos, input.length());
        input.setLength(0);
        pos = 0;
        switch (state) {
            case REASONING -> warn(ParseWarning.REASONING_UNCLOSED);
            case CALL_OPEN -> {
                // no function name yet: nothing to call, the text stays where the block began
                if (callFromReasoning) {
                    reasoning.append(callRaw);
                    warn(ParseWarning.REASONING_UNCLOSED);
                } else {
                    content.append(callRaw);
                    warn(ParseWarning.TOOL_CALL_UNCLOSED);
                }
            }
            case CALL_BODY, PARAMETER_VALUE -> {
                warn(ParseWarning.TOOL_CALL_UNCLOSED);
                endCall(false);
            }
            case CALL_CLOSE -> {
                if (!bareFunction) warn(ParseWarning.TOOL_CALL_END_MISSING);
            }
            case MALFORMED -> {
                if (!resolveMalformed(false) && callFromReasoning) warn(ParseWarning.REASONING_UNCLOSED);
            }
            default -> {
            }
        }
        state = State.FINISHED;
    }

    /** One parsing step; false when more input is needed to go on. */
    private boolean step(boolean atEnd) {
        return switch (state) {
            case CONTENT -> contentStep(atEnd);
            case REASONING -> reasoningStep(atEnd);
            case CALL_OPEN -> structuralStep(OPEN_TAGS);
            case CALL_BODY -> structuralStep(BODY_TAGS);
            case CALL_CLOSE -> structuralStep(CLOSE_TAGS);
            case PARAMETER_VALUE -> valueStep(atEnd);
            case MALFORMED -> malformedStep(atEnd);
            case FINISHED -> false;
        };
    }

    private boolean contentStep(boolean atEnd) {
        scan(contentTags, atEnd);
        if (scanAt > pos) content.append(input, pos, scanAt);
        pos = scanAt;
        if (scanTag == null) return false;
        if (scanTag.equals(FUNCTION)) return bareFunctionStep(atEnd);
        pos += scanTag.length();
        switch (scanTag) {
            case THINK -> state = State.REASONING;
            case THINK_END -> warn(ParseWarning.STRAY_THINK_END);
            default -> startCall(false);
        }
        return true;
    }

    /**
     * {@code <function=} in content: a call whose {@code <tool_call>} the model left out, if the name
     * is one of the offered tools; otherwise just text.
     */
    private boolean bareFunctionStep(boolean atEnd) {
        int nameStart = pos + FUNCTION.length();
        int end = nameEnd(nameStart);
        if (end == NAME_INCOMPLETE) {
            if (!atEnd) return false;
            content.append(input, pos, input.length());
            pos = input.length();
            return false;
        }
        String name = end == NAME_INVALID ? "" : input.substring(nameStart, end).strip();
        if (!schemas.hasTool(name)) {
            content.append(FUNCTION);
            pos = nameStart;
            return true;
        }
        startCall(false);
        callRaw.setLength(0);
        bareFunction = true;
        warn(ParseWarning.TOOL_CALL_START_MISSING);
        return namedTag(FUNCTION);
    }

    private boolean reasoningStep(boolean atEnd) {
        scan(reasoningTags, atEnd);
        if (scanAt > pos) reasoning.append(input, pos, scanAt);
        pos = scanAt;
        if (scanTag == null) return false;
        pos += scanTag.length();
        switch (scanTag) {
            case THINK_END -> state = State.CONTENT;
            case CALL -> startCall(true);
            default -> {
                // a repeated <think> (the prompt opened one and the model wrote another) is dropped
            }
        }
        return true;
    }

    private boolean valueStep(boolean atEnd) {
        scan(VALUE_TAGS, atEnd);
        parameterValue.append(input, pos, scanAt);
        callRaw.append(input, pos, scanAt);
        pos = scanAt;
        if (scanTag == null) return false;
        pos += scanTag.length();
        callRaw.append(scanTag);
        endParameter();
        switch (scanTag) {
            case PARAMETER_END -> state = State.CALL_BODY;
            case FUNCTION_END -> {
                warn(ParseWarning.PARAMETER_END_MISSING);
                endCall(true);
                state = State.CALL_CLOSE;
            }
            default -> {
                warn(ParseWarning.PARAMETER_END_MISSING);
                warn(ParseWarning.FUNCTION_END_MISSING);
                endCall(true);
                state = State.CONTENT;
            }
        }
        return true;
    }

    private boolean malformedStep(boolean atEnd) {
        scan(callFromReasoning ? MALFORMED_IN_REASONING_TAGS : MALFORMED_TAGS, atEnd);
        callRaw.append(input, pos, scanAt);
        pos = scanAt;
        if (scanTag == null) return false;
        pos += scanTag.length();
        switch (scanTag) {
            case CALL_END -> {
                callRaw.append(CALL_END);
                boolean call = resolveMalformed(true);
                state = callFromReasoning && !call ? State.REASONING : State.CONTENT;
            }
            case THINK_END -> {
                // prose inside reasoning that mentioned <tool_call>; reasoning ends here
                reasoning.append(callRaw);
                callRaw.setLength(0);
                state = State.CONTENT;
            }
            default -> {
                // a new <tool_call> inside a broken one: the broken part ends here, the new call is read normally
                boolean call = resolveMalformed(false);
                startCall(callFromReasoning && !call);
            }
        }
        return true;
    }

    /** Between the tags of a call: whitespace is skipped, anything but an expected tag breaks the call. */
    private boolean structuralStep(String[] expected) {
        int len = input.length();
        while (pos < len && Character.isWhitespace(input.charAt(pos))) callRaw.append(input.charAt(pos++));
        if (pos == len) return false;
        boolean couldStillMatch = false;
        for (String tag : expected) {
            if (len - pos >= tag.length()) {
                if (matchesAt(pos, tag, tag.length())) return structuralTag(tag);
            } else if (matchesAt(pos, tag, len - pos)) {
                couldStillMatch = true;
            }
        }
        if (couldStillMatch) return false;
        becomeMalformed();
        return true;
    }

    private boolean structuralTag(String tag) {
        switch (tag) {
            case FUNCTION, PARAMETER -> {
                return namedTag(tag);
            }
            case FUNCTION_END -> {
                callRaw.append(tag);
                pos += tag.length();
                endCall(true);
                state = State.CALL_CLOSE;
            }
            default -> { // CALL_END
                pos += tag.length();
                if (state == State.CALL_BODY) {
                    warn(ParseWarning.FUNCTION_END_MISSING);
                    callRaw.append(tag);
                    endCall(true);
                }
                callRaw.setLength(0);
                state = State.CONTENT;
            }
        }
        return true;
    }

    /** {@code <function=NAME>} or {@code <parameter=NAME>}: waits for the '>' and checks the name. */
    private boolean namedTag(String tag) {
        int nameStart = pos + tag.length();
        int end = nameEnd(nameStart);
        if (end == NAME_INCOMPLETE) return false;
        String name = end == NAME_INVALID ? "" : input.substring(nameStart, end).strip();
        if (name.isEmpty()) {
            becomeMalformed();
            return true;
        }
        if (tag.equals(FUNCTION)) {
            if (state == State.CALL_CLOSE) callRaw.setLength(0); // a second function in the same block starts a new call
            jsonBodyStart = -1;
            callRaw.append(input, pos, end + 1);
            pos = end + 1;
            callName = name;
            callArguments = new LinkedHashMap<>();
            listener.onToolCallStart(callIndex, name);
            state = State.CALL_BODY;
        } else {
            callRaw.append(input, pos, end + 1);
            pos = end + 1;
            parameterName = name;
            parameterValue.setLength(0);
            state = State.PARAMETER_VALUE;
        }
        return true;
    }

    private static final int NAME_INCOMPLETE = -1;
    private static final int NAME_INVALID = -2;

    /**
     * Where the name starting at {@code nameStart} ends (the index of its '&gt;'), NAME_INCOMPLETE if
     * the input ends first, NAME_INVALID if a line break or '&lt;' comes first or it is too long.
     */
    private int nameEnd(int nameStart) {
        int len = input.length();
        for (int end = nameStart; end < len; end++) {
            char c = input.charAt(end);
            if (c == '>') return end;
            if (c == '<' || c == '\n' || end - nameStart == MAX_NAME_LENGTH) return NAME_INVALID;
        }
        return NAME_INCOMPLETE;
    }

    private void startCall(boolean fromReasoning) {
        callFromReasoning = fromReasoning;
        bareFunction = false;
        callRaw.setLength(0);
        callRaw.append(CALL);
        jsonBodyStart = callRaw.length();
        callName = null;
        state = State.CALL_OPEN;
    }

    private void endParameter() {
        ArgumentTyper.Typed typed = ArgumentTyper.type(parameterValue.toString(), schemas.typesOf(callName, parameterName));
        if (typed.mismatch()) warn(ParseWarning.ARGUMENT_TYPE_MISMATCH);
        callArguments.put(parameterName, typed.value());
        listener.onToolCallArgument(callIndex, parameterName, typed.value());
    }

    private void endCall(boolean complete) {
        if (callFromReasoning) warn(ParseWarning.REASONING_ENDED_BY_TOOL_CALL);
        ToolCall call = new ToolCall(callName, callArguments, complete, callRaw.toString());
        listener.onToolCallEnd(callIndex++, call);
        callName = null;
        callRaw.setLength(0);
    }

    /** The current block broke the syntax: withdraw its announced call and collect its raw text. */
    private void becomeMalformed() {
        if (callName != null) {
            listener.onToolCallDiscarded(callIndex);
            callName = null;
        }
        if (bareFunction) {
            // no wrapper to wait for: the text read so far is content and content goes on from here
            if (state != State.CALL_CLOSE) {
                warn(ParseWarning.MALFORMED_TOOL_CALL);
                content.append(callRaw);
            }
            callRaw.setLength(0);
            bareFunction = false;
            state = State.CONTENT;
            return;
        }
        state = State.MALFORMED;
    }

    /**
     * A malformed block ended: a JSON call if it holds one (returns true), else its raw text goes back
     * to where the block began, content or reasoning (returns false).
     */
    private boolean resolveMalformed(boolean closed) {
        if (jsonBodyStart >= 0) {
            int bodyEnd = callRaw.length() - (closed ? CALL_END.length() : 0);
            Optional<JsonToolCall> json = JsonToolCall.read(callRaw.substring(jsonBodyStart, bodyEnd));
            if (json.isPresent()) {
                warn(ParseWarning.JSON_TOOL_CALL);
                if (!closed) warn(ParseWarning.TOOL_CALL_END_MISSING);
                callName = json.get().name();
                callArguments = new LinkedHashMap<>();
                listener.onToolCallStart(callIndex, callName);
                json.get().arguments().forEach((name, value) -> {
                    callArguments.put(name, value);
                    listener.onToolCallArgument(callIndex, name, value);
                });
                endCall(true);
                jsonBodyStart = -1;
                return true;
            }
        }
        if (callFromReasoning) {
            reasoning.append(callRaw);
        } else {
            warn(ParseWarning.MALFORMED_TOOL_CALL);
            content.append(callRaw);
        }
        callRaw.setLength(0);
        jsonBodyStart = -1;
        return false;
    }

    private void warn(ParseWarning warning) {
        if (warned.add(warning)) listener.onWarning(warning);
    }

    /**
     * Finds, from {@code pos}, the first {@code '<'} that starts one of {@code tags} (scanTag = it) or
     * could still start one when more text comes (scanTag = null, held back unless at the end).
     * Without either, scanAt is the end of the input. No tag contains a '<' after its first
     * character, so nothing after a possible tag start can be a tag that starts earlier.
     */
    private void scan(String[] tags, boolean atEnd) {
        int len = input.length();
        for (int i = input.indexOf("<", pos); i >= 0; i = input.indexOf("<", i + 1)) {
            for (String tag : tags) {
                if (len - i >= tag.length() && matchesAt(i, tag, tag.length())) {
                    scanAt = i;
                    scanTag = tag;
                    return;
                }
            }
            if (!atEnd) {
                for (String tag : tags) {
                    if (len - i < tag.length() && matchesAt(i, tag, len - i)) {
                        scanAt = i;
                        scanTag = null;
                        return;
                    }
                }
            }
        }
        scanAt = len;
        scanTag = null;
    }

    private boolean matchesAt(int at, String tag, int count) {
        for (int k = 0; k < count; k++) {
            if (input.charAt(at + k) != tag.charAt(k)) return false;
        }
        return true;
    }
}
