package dev.flash4j.chat;

import java.util.Objects;

/**
 * Parser settings for one conversation: the offered tools' argument types and whether the prompt
 * already opened {@code <think>}. Makes streaming parsers and parses whole outputs; the one-shot
 * result is by construction what the streaming events of the same text add up to.
 */
public final class ChatOutputParser {

    private final ToolSchemas schemas;
    private final boolean startInReasoning;
    private final boolean toolCallEndsReasoning;

    /**
     * @param schemas               argument types of the offered tools ({@link ToolSchemas#none()} if none)
     * @param startInReasoning      true when the generation prompt ends with {@code <think>}, as Step 3.5
     *                              Flash's template usually renders it: the output then starts as reasoning
     * @param toolCallEndsReasoning true to let a {@code <tool_call>} inside reasoning end it (Step models
     *                              sometimes call tools without writing {@code </think>} first)
     */
    public ChatOutputParser(ToolSchemas schemas, boolean startInReasoning, boolean toolCallEndsReasoning) {
        this.schemas = Objects.requireNonNull(schemas, "schemas");
        this.startInReasoning = startInReasoning;
        this.toolCallEndsReasoning = toolCallEndsReasoning;
    }

    /** With {@code toolCallEndsReasoning} on. */
    public ChatOutputParser(ToolSchemas schemas, boolean startInReasoning) {
        this(schemas, startInReasoning, true);
    }

    /**
     * Whether a rendered prompt leaves the model inside reasoning: its last {@code <think>} is not
     * followed by a {@code </think>}. Lets the caller pick {@code startInReasoning} from the template output.
     */
    public static boolean promptOpensReasoning(String renderedPrompt) {
        int open = renderedPrompt.lastIndexOf(StreamingChatParser.THINK);
        return open >= 0 && renderedPrompt.indexOf(StreamingChatParser.THINK_END, open) < 0;
    }

    public StreamingChatParser stream(ChatOutputListener listener) {
        return new StreamingChatParser(schemas, startInReasoning, toolCallEndsReasoning, Objects.requireNonNull(listener, "listener"));
    }

    /** Parses a complete output. Never throws on any text. */
    public ParsedMessage parse(String output) {
        MessageCollector collector = new MessageCollector();
        StreamingChatParser parser = stream(collector);
        parser.feed(output);
        parser.finish();
        return collector.message();
    }
}
