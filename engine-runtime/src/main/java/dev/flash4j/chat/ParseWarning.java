package dev.flash4j.chat;

/**
 * Something in the model output did not follow the expected format. The parser never throws on
 * model output; it repairs what it can and records what it had to repair with one of these.
 */
public enum ParseWarning {
    /** The output ended inside {@code <think>}: everything after it is reasoning. */
    REASONING_UNCLOSED,
    /** A {@code <tool_call>} appeared inside reasoning and ended it (only with that option on). */
    REASONING_ENDED_BY_TOOL_CALL,
    /** A {@code </think>} appeared outside reasoning; it was dropped (the text before it stayed content). */
    STRAY_THINK_END,
    /** The output ended inside a tool call; the call is reported incomplete with its raw text. */
    TOOL_CALL_UNCLOSED,
    /** A tool call was not in the expected syntax; its raw text was kept as content. */
    MALFORMED_TOOL_CALL,
    /** A {@code <function=NAME>} of an offered tool appeared without {@code <tool_call>}; it was read as a call. */
    TOOL_CALL_START_MISSING,
    /** A parameter value was ended by {@code </function>} or {@code </tool_call>} instead of {@code </parameter>}. */
    PARAMETER_END_MISSING,
    /** A function was ended by {@code </tool_call>} instead of {@code </function>}. */
    FUNCTION_END_MISSING,
    /** The output ended after {@code </function>} without the closing {@code </tool_call>}. */
    TOOL_CALL_END_MISSING,
    /** An argument value did not fit the type of its schema; it was typed as JSON or kept as a string. */
    ARGUMENT_TYPE_MISMATCH,
    /** A tool call held a JSON object ({@code {"name":..,"arguments":..}}) instead of the XML syntax; it was accepted. */
    JSON_TOOL_CALL
}
