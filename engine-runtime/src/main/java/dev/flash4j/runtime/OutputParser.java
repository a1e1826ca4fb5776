package dev.flash4j.runtime;

import java.util.List;
import java.util.Map;

/**
 * Splits a model's raw streamed output into reasoning, content and tool calls. One parser serves
 * one reply: {@link ChatSession} asks its {@link Factory} for a fresh one per turn.
 *
 * <p>Two exist: {@link #passThrough()} (everything is content; {@link ChatSession}'s default) and
 * {@link Step35OutputParser} (Step 3.5 Flash's {@code <think>} reasoning and {@code <tool_call>}
 * blocks, through {@code dev.flash4j.chat}), which {@code flash4j chat} uses.
 */
public interface OutputParser {
    /** Parses the next piece of raw output, reporting whatever it completes to {@code sink}. */
    void push(String text, ChatListener sink);

    /** The reply has ended: reports anything still buffered. */
    void finish(ChatListener sink);

    /** Makes the parser for one reply. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param renderedPrompt the prompt as the template rendered it (tells e.g. whether it opened {@code <think>})
         * @param tools          the tools offered for this turn, or null
         */
        OutputParser create(String renderedPrompt, List<Map<String, Object>> tools);
    }

    /** Treats the whole output as content. */
    static OutputParser passThrough() {
        return new OutputParser() {
            @Override
            public void push(String text, ChatListener sink) {
                sink.onContent(text);
            }

            @Override
            public void finish(ChatListener sink) {}
        };
    }
}
