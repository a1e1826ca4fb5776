package dev.flash4j.cli;

import dev.flash4j.runtime.ChatSession;
import dev.flash4j.runtime.GenerationListener;
import dev.flash4j.runtime.GenerationOptions;
import dev.flash4j.runtime.GenerationResult;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.ModelOptions;
import dev.flash4j.runtime.SamplingOptions;
import dev.flash4j.runtime.Session;
import dev.flash4j.runtime.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code flash4j generate} with text prompts: the streamed text is what the Java API generates. */
class GenerateCommandTest {
    static final String PROMPT = "The quick brown fox";

    static GenerationResult api(Path model, int[] promptOverride, GenerationOptions options) throws Exception {
        try (Model m = Model.load(model, ModelOptions.defaults().withThreads(2)); Session s = m.newSession()) {
            return promptOverride == null ? s.generate(PROMPT, options, GenerationListener.none()) : s.generate(promptOverride, options, GenerationListener.none());
        }
    }

    @Test
    void textPromptPrintsTheGeneratedText() throws Exception {
        Path model = TestModels.tiny();
        CliRun r = CliRun.of("generate", "--model", model.toString(), "--threads", "2", "--prompt", PROMPT, "--max-tokens", "16");
        assertEquals(0, r.exitCode(), r.err());
        GenerationResult expected = api(model, null, GenerationOptions.defaults().withMaxTokens(16));
        assertEquals(expected.text() + "\n", r.out());
    }

    @Test
    void printIdsPrintsTheGeneratedIds() throws Exception {
        Path model = TestModels.tiny();
        CliRun r = CliRun.of("generate", "--model", model.toString(), "--threads", "2", "--prompt", PROMPT, "--max-tokens", "8", "--print-ids");
        assertEquals(0, r.exitCode(), r.err());
        GenerationResult expected = api(model, null, GenerationOptions.defaults().withMaxTokens(8));
        assertEquals(Arrays.stream(expected.tokens()).mapToObj(Integer::toString).reduce((a, b) -> a + " " + b).orElse("") + "\n", r.out());
    }

    @Test
    void stopStringEndsTheOutputAndIsNotPrinted() throws Exception {
        Path model = TestModels.tiny();
        String full = api(model, null, GenerationOptions.defaults().withMaxTokens(24)).text();
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        CliRun r = CliRun.of("generate", "--model", model.toString(), "--threads", "2", "--prompt", PROMPT, "--max-tokens", "24", "--stop", stop, "--stop", "@@never@@");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(full.substring(0, full.indexOf(stop)) + "\n", r.out());
    }

    @Test
    void penaltiesReachTheSampler() throws Exception {
        Path model = TestModels.tiny();
        // a negative presence penalty pulls the seen tokens up: the random model's greedy run then repeats the prompt
        SamplingOptions penalised = SamplingOptions.greedy().withPenalties(1.5f, -20f, 0.25f);
        GenerationResult expected = api(model, null, GenerationOptions.defaults().withMaxTokens(24).withSampling(penalised));
        GenerationResult plain = api(model, null, GenerationOptions.defaults().withMaxTokens(24));
        assertNotEquals(plain.text(), expected.text(), "the penalties should change a 24-token greedy run");
        CliRun r = CliRun.of("generate", "--model", model.toString(), "--threads", "2", "--prompt", PROMPT, "--max-tokens", "24",
                "--repeat-penalty", "1.5", "--presence-penalty=-20", "--frequency-penalty", "0.25");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(expected.text() + "\n", r.out());
    }

    @Test
    void chatWrapsThePromptAsOneUserMessage(@TempDir Path dir) throws Exception {
        Path model = TestModels.withChatTemplate(dir, TestModels.CHAT_TEMPLATE);
        int[] ids;
        try (Model m = Model.load(model, ModelOptions.defaults().withThreads(2)); ChatSession chat = m.newChatSession()) {
            ids = chat.tokenize(chat.render(List.of(Map.of("role", "user", "content", PROMPT)), null));
        }
        GenerationResult expected = api(model, ids, GenerationOptions.defaults().withMaxTokens(12));
        CliRun r = CliRun.of("generate", "--model", model.toString(), "--threads", "2", "--prompt", PROMPT, "--max-tokens", "12", "--chat");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(expected.text() + "\n", r.out());
    }

    @Test
    void chatWithoutATemplateIsOneLineError() {
        CliRun r = CliRun.failing("generate", "--model", TestModels.tiny().toString(), "--prompt", PROMPT, "--max-tokens", "4", "--chat");
        assertTrue(r.err().contains("no chat template"), r.err());
    }

    @Test
    void badPenaltyIsOneLineError() {
        CliRun r = CliRun.failing("generate", "--model", TestModels.tiny().toString(), "--prompt", PROMPT, "--max-tokens", "4", "--repeat-penalty", "0");
        assertTrue(r.err().contains("repetition penalty"), r.err());
    }
}
