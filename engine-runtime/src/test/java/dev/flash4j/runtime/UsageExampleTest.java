package dev.flash4j.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JUnit example of docs/usage.md. The region between the usage-example markers is quoted in
 * the document word for word; {@link UsageDocTest} checks that the two stay identical.
 */
class UsageExampleTest {
    // usage-example:begin
    @Test
    void generatesTextFromAPrompt() throws Exception {
        Path file = Path.of(System.getProperty("flash4j.testdata"), "models/step35-tiny-a-q8_0.gguf");
        try (Model model = Model.load(file, ModelOptions.defaults().withThreads(2).withContextSize(256));
             Session session = model.newSession()) {
            StringBuilder streamed = new StringBuilder();
            GenerationOptions options = GenerationOptions.defaults().withMaxTokens(16);
            GenerationResult result = session.generate("Once upon a time", options, GenerationListener.text(streamed::append));

            assertEquals(16, result.usage().completionTokens());
            assertEquals(result.text(), streamed.toString());
            assertTrue(result.timings().decodeTokensPerSecond() > 0);
        }
    }
    // usage-example:end
}
