package dev.flash4j.runtime;

import java.util.List;

/**
 * One assistant turn of a {@link ChatSession}.
 *
 * @param content      the visible answer
 * @param reasoning    the reasoning the parser separated out (empty when none)
 * @param toolCalls    the tool calls the parser found, in order
 * @param generation   the raw generation: text, tokens, usage (cached = prompt tokens reused), timings, stop reason
 */
public record ChatReply(String content, String reasoning, List<ToolCall> toolCalls, GenerationResult generation) {
    public ChatReply {
        toolCalls = List.copyOf(toolCalls);
    }

    /** A call of the function {@code name} with its arguments as JSON object text. */
    public record ToolCall(String name, String argumentsJson) {}
}
