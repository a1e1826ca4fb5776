package dev.flash4j.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A multi-turn chat: a {@link Session} plus the message history, rendered with the model's chat
 * template ({@code tokenizer.chat_template}).
 *
 * <p>Each {@link #send} renders the whole conversation (system prompt, history, the new user
 * message, {@code add_generation_prompt = true}), tokenizes it with special tokens parsed, and
 * generates the reply. The KV cache is reused for the longest token prefix the new prompt shares
 * with what the session already holds (usually everything up to the previous reply), so a turn
 * costs only its new tokens; {@link #lastReusedTokens()} reports how many were reused. The reply
 * goes through an {@link OutputParser} (pass-through unless one is set) and is appended to the
 * history as an assistant message.
 *
 * <p>Not thread-safe. Closing the chat closes its session.
 */
public final class ChatSession implements AutoCloseable {
    /** Replies are cut here unless {@link #options(GenerationOptions)} says otherwise. */
    public static final int DEFAULT_MAX_TOKENS = 1024;

    private final Session session;
    private final ChatFormat format;
    private final List<Map<String, Object>> history = new ArrayList<>();
    private String systemPrompt;
    private GenerationOptions options = GenerationOptions.defaults().withMaxTokens(DEFAULT_MAX_TOKENS);
    private Map<String, Object> templateVariables = Map.of();
    private OutputParser.Factory parsers = (prompt, tools) -> OutputParser.passThrough();
    private int lastReused;

    /** A chat over {@code session}'s model; fails at once if the model has no chat template. */
    public ChatSession(Session session) {
        this.session = Objects.requireNonNull(session, "session");
        this.format = new ChatFormat(session.model());
    }

    /** The system message put before the history (null: none). */
    public ChatSession systemPrompt(String text) {
        this.systemPrompt = text;
        return this;
    }

    /** How replies are generated (stop tokens default to the model's end-of-generation tokens). */
    public ChatSession options(GenerationOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return this;
    }

    public GenerationOptions options() {
        return options;
    }

    /** Extra variables for the chat template, e.g. {@code enable_thinking}. */
    public ChatSession templateVariables(Map<String, Object> variables) {
        this.templateVariables = Map.copyOf(variables);
        return this;
    }

    /**
     * Where each reply's parser comes from (one new parser per reply). The default hands
     * everything on as content; {@link Step35OutputParser#factory()} splits Step 3.5 output.
     */
    public ChatSession outputParser(OutputParser.Factory factory) {
        this.parsers = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /** The conversation so far (user and assistant messages, without the system prompt); a copy. */
    public List<Map<String, Object>> history() {
        return List.copyOf(history);
    }

    public Session session() {
        return session;
    }

    /** Prompt tokens of the last {@link #send} whose cached state was reused instead of computed. */
    public int lastReusedTokens() {
        return lastReused;
    }

    /** Sends a user message without tools. */
    public ChatReply send(String userMessage, ChatListener listener) {
        return send(userMessage, null, listener);
    }

    /**
     * Sends a user message and generates the assistant's reply, streaming it to {@code listener}.
     *
     * @param tools OpenAI-style tool definitions handed to the template as {@code tools} (null: none)
     * @throws IllegalArgumentException when the chat template fails on the conversation
     * @throws IllegalStateException    when the conversation no longer fits the context
     */
    public ChatReply send(String userMessage, List<Map<String, Object>> tools, ChatListener listener) {
        Map<String, Object> user = message("user", userMessage);
        List<Map<String, Object>> messages = new ArrayList<>(history);
        messages.add(user);
        String prompt = render(messages, tools);
        int[] ids = tokenize(prompt);

        Collector collected = new Collector(listener);
        OutputParser parser = parsers.create(prompt, tools);
        GenerationResult result = session.generateReusingCache(ids, options, new GenerationListener() {
            @Override
            public boolean onText(String piece) {
                parser.push(piece, collected);
                return true;
            }
        });
        parser.finish(collected);
        lastReused = result.usage().cachedTokens();

        history.add(user);
        Map<String, Object> assistant = message("assistant", collected.content.toString());
        if (!collected.reasoning.isEmpty()) assistant.put("reasoning_content", collected.reasoning.toString());
        if (!collected.toolCalls.isEmpty()) {
            List<Map<String, Object>> calls = new ArrayList<>();
            for (ChatReply.ToolCall c : collected.toolCalls) {
                calls.add(Map.of("type", "function", "function", Map.of("name", c.name(), "arguments", c.argumentsJson())));
            }
            assistant.put("tool_calls", calls);
        }
        history.add(assistant);
        return new ChatReply(collected.content.toString(), collected.reasoning.toString(), collected.toolCalls, result);
    }

    /**
     * The prompt the template makes of {@code messages} (the system prompt is put in front),
     * ending with the assistant turn header.
     */
    public String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools) {
        List<Map<String, Object>> all = new ArrayList<>();
        if (systemPrompt != null) all.add(message("system", systemPrompt));
        all.addAll(messages);
        return format.render(all, tools, templateVariables);
    }

    /** The ids of a rendered prompt, as {@link #send} feeds them (special tokens parsed, BOS as {@link ChatFormat#tokenize} says). */
    public int[] tokenize(String prompt) {
        return format.tokenize(prompt, options.addBos());
    }

    /** Forgets the history (the system prompt stays) and empties the cache. */
    public void reset() {
        history.clear();
        session.reset();
        lastReused = 0;
    }

    @Override
    public void close() {
        session.close();
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    /** Forwards to the caller's listener and keeps what it saw for the reply and the history. */
    private static final class Collector implements ChatListener {
        final ChatListener target;
        final StringBuilder content = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        final List<ChatReply.ToolCall> toolCalls = new ArrayList<>();

        Collector(ChatListener target) {
            this.target = target == null ? ChatListener.none() : target;
        }

        @Override
        public void onReasoning(String delta) {
            reasoning.append(delta);
            target.onReasoning(delta);
        }

        @Override
        public void onContent(String delta) {
            content.append(delta);
            target.onContent(delta);
        }

        @Override
        public void onToolCall(String name, String argumentsJson) {
            toolCalls.add(new ChatReply.ToolCall(name, argumentsJson));
            target.onToolCall(name, argumentsJson);
        }
    }
}
