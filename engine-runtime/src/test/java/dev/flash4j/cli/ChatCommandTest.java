package dev.flash4j.cli;

import dev.flash4j.runtime.ChatReply;
import dev.flash4j.runtime.ChatSession;
import dev.flash4j.runtime.GenerationOptions;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.ModelOptions;
import dev.flash4j.runtime.Step35OutputParser;
import dev.flash4j.runtime.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code flash4j chat} fed from a replaced System.in: replies, history, /reset, /exit, errors. */
class ChatCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = TestModels.withChatTemplate(dir, TestModels.CHAT_TEMPLATE);
    }

    static CliRun chat(String stdin, String... args) {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            String[] all = new String[args.length + 5];
            all[0] = "chat";
            all[1] = "--model";
            all[2] = model.toString();
            all[3] = "--threads";
            all[4] = "2";
            System.arraycopy(args, 0, all, 5, args.length);
            return CliRun.of(all);
        } finally {
            System.setIn(saved);
        }
    }

    /** The replies the Java API gives to these user messages in one chat, split by the Step 3.5 parser as the CLI does. */
    static List<String> apiReplies(String system, int maxTokens, String... messages) throws Exception {
        try (Model m = Model.load(model, ModelOptions.defaults().withThreads(2)); ChatSession chat = m.newChatSession()) {
            chat.systemPrompt(system).options(GenerationOptions.defaults().withMaxTokens(maxTokens)).outputParser(Step35OutputParser.factory());
            List<String> out = new java.util.ArrayList<>();
            for (String msg : messages) {
                ChatReply r = chat.send(msg, null);
                out.add(r.content());
            }
            return out;
        }
    }

    @Test
    void repliesFollowTheConversationUntilEndOfInput() throws Exception {
        CliRun r = chat("Hello\nHow are you?\n", "--max-tokens", "8", "--system", "Be brief.");
        assertEquals(0, r.exitCode(), r.err());
        List<String> expected = apiReplies("Be brief.", 8, "Hello", "How are you?");
        assertEquals(expected.get(0) + "\n" + expected.get(1) + "\n", r.out());
        assertFalse(r.out().contains("\u001b"), "no ANSI codes when stdout is not a terminal");
    }

    @Test
    void resetForgetsTheHistoryAndExitStops() throws Exception {
        CliRun r = chat("Hello\n/reset\nHow are you?\n/exit\nnot read\n", "--max-tokens", "8");
        assertEquals(0, r.exitCode(), r.err());
        // after /reset the second message is answered as the first of a new chat
        String fresh = apiReplies(null, 8, "How are you?").get(0);
        String first = apiReplies(null, 8, "Hello").get(0);
        assertEquals(first + "\n" + fresh + "\n", r.out());
    }

    @Test
    void modelWithoutTemplateIsOneLineError() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("Hi\n".getBytes(StandardCharsets.UTF_8)));
            CliRun r = CliRun.failing("chat", "--model", TestModels.tiny().toString());
            assertTrue(r.err().contains("no chat template"), r.err());
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void contextOverflowIsReportedAndTheChatGoesOn() {
        CliRun r = chat("Hello\n" + "word ".repeat(40) + "\nHi\n", "--max-tokens", "4", "--ctx", "40");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("context is full"), r.err());
        assertEquals(3, r.out().lines().count(), r.out());
    }

    @Test
    void reasoningIsDimmedOnlyOnATerminal() {
        for (boolean terminal : new boolean[]{true, false}) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            java.io.PrintStream out = new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8);
            var printer = ChatCommand.printer(out, terminal);
            printer.onReasoning("thinking");
            printer.onContent("answer");
            String shown = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(terminal ? "\u001b[2mthinking\u001b[0manswer" : "thinkinganswer", shown);
        }
    }
}
