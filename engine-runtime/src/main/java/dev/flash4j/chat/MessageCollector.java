package dev.flash4j.chat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A listener that assembles the events of one output into a {@link ParsedMessage}. */
public final class MessageCollector implements ChatOutputListener {

    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder content = new StringBuilder();
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private final Set<ParseWarning> warnings = EnumSet.noneOf(ParseWarning.class);

    @Override
    public void onReasoning(String delta) {
        reasoning.append(delta);
    }

    @Override
    public void onContent(String delta) {
        content.append(delta);
    }

    @Override
    public void onToolCallEnd(int index, ToolCall call) {
        toolCalls.add(call);
    }

    @Override
    public void onWarning(ParseWarning warning) {
        warnings.add(warning);
    }

    /** What was collected so far (complete once the parser has finished). */
    public ParsedMessage message() {
        return new ParsedMessage(reasoning.toString(), content.toString(), toolCalls, warnings);
    }
}
