package dev.flash4j.runtime;

/**
 * Splits a model's raw streamed output into reasoning, content and tool calls. One parser serves
 * one reply: {@link ChatSession} asks its factory for a fresh one per turn.
 *
 * <p>SEAM: the streaming parser for Step 3.5 output ({@code <think>} reasoning and
 * {@code <tool_call>} blocks, package {@code dev.flash4j.chat}) plugs in here through
 * {@link ChatSession#outputParser(java.util.function.Supplier)}. Until then
 * {@link #passThrough()} hands everything on as content.
 */
public interface OutputParser {
    /** Parses the next piece of raw output, reporting whatever it completes to {@code sink}. */
    void push(String text, ChatListener sink);

    /** The reply has ended: reports anything still buffered. */
    void finish(ChatListener sink);

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
