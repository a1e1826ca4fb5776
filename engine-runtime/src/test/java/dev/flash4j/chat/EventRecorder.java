package dev.flash4j.chat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Records parser events as readable lines, merging consecutive text deltas of one kind, so two
 * event streams that differ only in how text was chunked compare equal.
 */
final class EventRecorder implements ChatOutputListener {

    final List<String> events = new ArrayList<>();
    /** the raw deltas, unmerged, to check what was emitted when */
    final StringBuilder contentSoFar = new StringBuilder();
    final StringBuilder reasoningSoFar = new StringBuilder();

    @Override
    public void onReasoning(String delta) {
        reasoningSoFar.append(delta);
        text("reasoning: ", delta);
    }

    @Override
    public void onContent(String delta) {
        contentSoFar.append(delta);
        text("content: ", delta);
    }

    @Override
    public void onToolCallStart(int index, String name) {
        events.add("start " + index + " " + name);
    }

    @Override
    public void onToolCallArgument(int index, String name, JsonNode value) {
        events.add("argument " + index + " " + name + "=" + value);
    }

    @Override
    public void onToolCallEnd(int index, ToolCall call) {
        events.add("end " + index + " " + call);
    }

    @Override
    public void onToolCallDiscarded(int index) {
        events.add("discard " + index);
    }

    @Override
    public void onWarning(ParseWarning warning) {
        events.add("warning " + warning);
    }

    private void text(String kind, String delta) {
        if (delta.isEmpty()) throw new AssertionError("empty " + kind + "delta");
        int last = events.size() - 1;
        if (last >= 0 && events.get(last).startsWith(kind)) events.set(last, events.get(last) + delta);
        else events.add(kind + delta);
    }
}
