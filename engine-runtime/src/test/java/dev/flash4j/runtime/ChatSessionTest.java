package dev.flash4j.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Multi-turn chat on the tiny model given a chat template: history, cache reuse, equivalence with a fresh session. */
class ChatSessionTest {
    @TempDir
    static Path dir;
    static Model model;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(TestModels.withChatTemplate(dir, TestModels.CHAT_TEMPLATE), TestModels.options());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static GenerationOptions greedy(int n) {
        return GenerationOptions.defaults().withMaxTokens(n);
    }

    @Test
    void secondTurnReusesTheCacheAndMatchesAFreshSession() {
        try (ChatSession chat = model.newChatSession().systemPrompt("You are terse.").options(greedy(12))) {
            ChatReply first = chat.send("Hello there", null);
            int firstPrompt = first.generation().usage().promptTokens();
            assertEquals(0, first.generation().usage().cachedTokens());
            int[] cachedBefore = chat.session().cachedTokens();

            List<Map<String, Object>> conversation = new ArrayList<>(chat.history());
            conversation.add(Map.of("role", "user", "content", "Tell me more"));
            int[] secondIds = chat.tokenize(chat.render(conversation, null));

            StringBuilder streamed = new StringBuilder();
            ChatReply second = chat.send("Tell me more", new ChatListener() {
                @Override
                public void onContent(String delta) {
                    streamed.append(delta);
                }
            });
            // the reuse is the common prefix of the new prompt and the cache, and covers the whole first prompt
            int common = 0;
            while (common < Math.min(cachedBefore.length, secondIds.length - 1) && cachedBefore[common] == secondIds[common]) common++;
            assertEquals(common, chat.lastReusedTokens());
            assertEquals(common, second.generation().usage().cachedTokens());
            assertTrue(common >= firstPrompt, "reused " + common + " of a first prompt of " + firstPrompt);
            assertEquals(secondIds.length, second.generation().usage().promptTokens());
            assertEquals(streamed.toString(), second.content());

            try (Session fresh = model.newSession()) {
                GenerationResult expected = fresh.generate(secondIds, greedy(12), GenerationListener.none());
                assertArrayEquals(expected.tokens(), second.generation().tokens());
                assertEquals(expected.text(), second.content());
            }
        }
    }

    @Test
    void historyHoldsBothSidesOfEveryTurn() {
        try (ChatSession chat = model.newChatSession().options(greedy(4))) {
            ChatReply r = chat.send("Hi", null);
            List<Map<String, Object>> h = chat.history();
            assertEquals(2, h.size());
            assertEquals(Map.of("role", "user", "content", "Hi"), h.get(0));
            assertEquals("assistant", h.get(1).get("role"));
            assertEquals(r.content(), h.get(1).get("content"));
            assertEquals(r.generation().text(), r.content(), "the pass-through parser hands everything on as content");

            chat.reset();
            assertTrue(chat.history().isEmpty());
            assertEquals(0, chat.session().position());
        }
    }

    @Test
    void renderedPromptFollowsTheTemplateWithTools() {
        try (ChatSession chat = model.newChatSession().systemPrompt("S")) {
            List<Map<String, Object>> tools = List.of(Map.of("type", "function", "function", Map.of("name", "get_weather")));
            String prompt = chat.render(List.of(Map.of("role", "user", "content", "U")), tools);
            assertEquals("<|tools|>get_weather;</s><|system|>S</s><|user|>U</s><|assistant|>", prompt);
            int[] ids = chat.tokenize(prompt);
            // BOS added by the vocabulary's flag; "</s>" parsed as the EOS control token
            assertEquals(model.tokenizer().bos(), ids[0]);
            assertTrue(java.util.Arrays.stream(ids).filter(id -> id == model.tokenizer().eos()).count() >= 3);
        }
    }

    @Test
    void aPluggedInParserSplitsTheReply() {
        // a stand-in parser: the first generated piece is "reasoning", the rest content
        try (ChatSession chat = model.newChatSession().options(greedy(8)).outputParser((prompt, tools) -> new OutputParser() {
            boolean first = true;

            @Override
            public void push(String text, ChatListener sink) {
                if (first) sink.onReasoning(text); else sink.onContent(text);
                first = false;
            }

            @Override
            public void finish(ChatListener sink) {
                sink.onToolCall("done", "{}");
            }
        })) {
            ChatReply r = chat.send("Hi", null);
            assertFalse(r.reasoning().isEmpty());
            assertEquals(r.generation().text(), r.reasoning() + r.content());
            assertEquals(List.of(new ChatReply.ToolCall("done", "{}")), r.toolCalls());
            Map<String, Object> assistant = chat.history().get(1);
            assertEquals(r.reasoning(), assistant.get("reasoning_content"));
            assertNotNull(assistant.get("tool_calls"));
        }
    }

    @Test
    void step35ParserTurnsAnOpenThinkIntoReasoning() {
        // the generation prompt ends inside <think>: everything the model writes before </think> is reasoning
        try (ChatSession plain = model.newChatSession().options(greedy(10)).templateVariables(Map.of("think", true));
             ChatSession parsed = model.newChatSession().options(greedy(10)).templateVariables(Map.of("think", true))
                     .outputParser(Step35OutputParser.factory())) {
            String raw = plain.send("Hi", null).content();
            StringBuilder streamed = new StringBuilder();
            ChatReply r = parsed.send("Hi", new ChatListener() {
                @Override
                public void onReasoning(String delta) {
                    streamed.append(delta);
                }
            });
            assertFalse(raw.contains("</think>"), "the random model should not close its reasoning: " + raw);
            assertEquals(raw.strip(), r.reasoning());
            assertEquals("", r.content());
            assertEquals(r.reasoning(), streamed.toString());
            assertEquals(r.reasoning(), parsed.history().get(1).get("reasoning_content"));
        }
    }

    @Test
    void templateErrorsAreClear() {
        try (ChatSession chat = model.newChatSession()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> chat.render(List.of(Map.of("role", "robot", "content", "x")), null));
            assertTrue(e.getMessage().startsWith("the chat template failed"), e.getMessage());
            assertTrue(e.getMessage().contains("unknown role robot"), e.getMessage());
        }
    }
}
