package dev.flash4j.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Receives what {@link StreamingChatParser} recognises, as soon as it is certain. Concatenating the
 * reasoning deltas gives {@link ParsedMessage#reasoning()}, the content deltas give
 * {@link ParsedMessage#content()}, and the ended calls give {@link ParsedMessage#toolCalls()}.
 * Every method has an empty default so a listener implements only what it needs.
 */
public interface ChatOutputListener {

    default void onReasoning(String delta) {
    }

    default void onContent(String delta) {
    }

    /** A call's function name is known; {@code index} is its position in the message's tool calls. */
    default void onToolCallStart(int index, String name) {
    }

    /** One argument of the call at {@code index} is complete and typed. */
    default void onToolCallArgument(int index, String name, JsonNode value) {
    }

    /**
     * The call at {@code index} is final ({@code call.complete()} is false when the output ended
     * inside it). May come without a start event for a call recovered from JSON.
     */
    default void onToolCallEnd(int index, ToolCall call) {
    }

    /**
     * The call started at {@code index} turned out malformed: it is withdrawn (the next call reuses the
     * index) and its raw text will arrive as content.
     */
    default void onToolCallDiscarded(int index) {
    }

    /** Reported once per kind, the first time it happens. */
    default void onWarning(ParseWarning warning) {
    }
}
