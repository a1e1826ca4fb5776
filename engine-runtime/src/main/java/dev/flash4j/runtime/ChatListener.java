package dev.flash4j.runtime;

/**
 * Receives an assistant reply as it is generated, already split by an {@link OutputParser} into
 * reasoning, visible content and tool calls. All methods default to doing nothing.
 */
public interface ChatListener {
    /** More of the model's reasoning (the {@code <think>} part). */
    default void onReasoning(String delta) {}

    /** More of the visible answer. */
    default void onContent(String delta) {}

    /** A complete tool call: the function's name and its arguments as a JSON object text. */
    default void onToolCall(String name, String argumentsJson) {}

    static ChatListener none() {
        return new ChatListener() {};
    }
}
