package dev.flash4j.chat;

import java.util.List;
import java.util.Set;

/**
 * An assistant message split into its parts.
 *
 * @param reasoning text inside {@code <think>...</think>}, trimmed ("" if none)
 * @param content   text outside reasoning and tool calls, trimmed ("" if none)
 * @param toolCalls the calls in output order; the last may be incomplete
 * @param warnings  what the parser had to repair
 */
public record ParsedMessage(String reasoning, String content, List<ToolCall> toolCalls, Set<ParseWarning> warnings) {

    public ParsedMessage {
        toolCalls = List.copyOf(toolCalls);
        warnings = Set.copyOf(warnings);
    }

    /** True when the output ended inside reasoning (no {@code </think>}). */
    public boolean reasoningIncomplete() {
        return warnings.contains(ParseWarning.REASONING_UNCLOSED);
    }
}
