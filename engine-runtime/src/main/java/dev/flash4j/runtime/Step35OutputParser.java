package dev.flash4j.runtime;

import dev.flash4j.chat.ChatOutputListener;
import dev.flash4j.chat.ChatOutputParser;
import dev.flash4j.chat.StreamingChatParser;
import dev.flash4j.chat.ToolCall;
import dev.flash4j.chat.ToolSchemas;

import java.util.List;
import java.util.Map;

/**
 * Step 3.5 Flash output for a {@link ChatSession}: {@code dev.flash4j.chat}'s streaming parser,
 * set up per turn from the rendered prompt (does it leave the model inside {@code <think>}?) and
 * the offered tools (argument types), its events handed on as {@link ChatListener} calls. A tool
 * call is reported once it is final, with its typed arguments as a JSON object.
 */
public final class Step35OutputParser implements OutputParser {
    private final ChatOutputParser settings;
    private StreamingChatParser stream;
    private ChatListener sink;

    public Step35OutputParser(String renderedPrompt, List<Map<String, Object>> tools) {
        ToolSchemas schemas = tools == null ? ToolSchemas.none() : ToolSchemas.fromObjects(tools);
        this.settings = new ChatOutputParser(schemas, ChatOutputParser.promptOpensReasoning(renderedPrompt));
    }

    /** For {@link ChatSession#outputParser(OutputParser.Factory)}. */
    public static OutputParser.Factory factory() {
        return Step35OutputParser::new;
    }

    @Override
    public void push(String text, ChatListener sink) {
        stream(sink).feed(text);
    }

    @Override
    public void finish(ChatListener sink) {
        stream(sink).finish();
    }

    private StreamingChatParser stream(ChatListener target) {
        this.sink = target;
        if (stream == null) {
            stream = settings.stream(new ChatOutputListener() {
                @Override
                public void onReasoning(String delta) {
                    sink.onReasoning(delta);
                }

                @Override
                public void onContent(String delta) {
                    sink.onContent(delta);
                }

                @Override
                public void onToolCallEnd(int index, ToolCall call) {
                    sink.onToolCall(call.name(), call.argumentsJson());
                }
            });
        }
        return stream;
    }
}
