package dev.flash4j.jinja;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every template and conversation in ../shared/templates/cases.json, rendered and compared
 * byte-for-byte with what Hugging Face transformers produced (or with the error it raised).
 */
@Tag("conformance")
class TemplateConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private static Path dir() {
        String shared = System.getProperty("flash4j.shared");
        if (shared == null) throw new IllegalStateException("system property flash4j.shared is not set");
        Path d = Path.of(shared, "templates");
        if (!Files.isRegularFile(d.resolve("cases.json"))) throw new IllegalStateException("missing " + d.resolve("cases.json"));
        return d;
    }

    private record Case(String template, String caseName, String expectedFile, String error) {
        String label() {
            return template + " / " + caseName;
        }
    }

    private static List<Case> cases(JsonNode root) {
        List<Case> out = new ArrayList<>();
        for (JsonNode r : root.get("renders")) {
            out.add(new Case(r.get("template").asText(), r.get("case").asText(),
                    r.hasNonNull("expected") ? r.get("expected").asText() : null,
                    r.hasNonNull("error") ? r.get("error").asText() : null));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String render(Path dir, JsonNode root, Case c) throws IOException {
        JsonNode conv = root.get("cases").get(c.caseName());
        List<Map<String, Object>> messages = JSON.convertValue(conv.get("messages"), List.class);
        List<Map<String, Object>> tools = conv.hasNonNull("tools") ? JSON.convertValue(conv.get("tools"), List.class) : null;
        String fixedDate = root.get("strftime_now").asText();
        Map<String, Object> extra = Map.of("strftime_now", (JinjaFunction) (args, kw) -> fixedDate);
        String source = Files.readString(dir.resolve(c.template()), StandardCharsets.UTF_8);
        return ChatPrompt.render(source, messages, tools, conv.get("add_generation_prompt").asBoolean(),
                root.get("bos_token").asText(), root.get("eos_token").asText(), extra);
    }

    private static void check(Path dir, JsonNode root, Case c) throws IOException {
        if (c.expectedFile() != null) {
            String expected = Files.readString(dir.resolve(c.expectedFile()), StandardCharsets.UTF_8);
            assertEquals(expected, render(dir, root, c), c.label());
        } else {
            TemplateException e = assertThrows(TemplateException.class, () -> render(dir, root, c), c.label());
            assertEquals(c.error(), e.getMessage(), c.label());
        }
    }

    @TestFactory
    List<DynamicTest> everyTemplateAndCase() throws IOException {
        Path dir = dir();
        JsonNode root = JSON.readTree(dir.resolve("cases.json").toFile());
        List<Case> cases = cases(root);
        assertFalse(cases.isEmpty(), "cases.json lists no renders");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> check(dir, root, c))).toList();
    }

    /** Prints the pass count and fails unless every case passes; also checks every template is covered. */
    @Test
    void passCount() throws IOException {
        Path dir = dir();
        JsonNode root = JSON.readTree(dir.resolve("cases.json").toFile());
        List<Case> cases = cases(root);
        int passed = 0;
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            try {
                check(dir, root, c);
                passed++;
            } catch (AssertionError | Exception e) {
                failures.add(c.label() + ": " + e.getMessage());
            }
        }
        System.out.println("chat-template conformance: " + passed + "/" + cases.size() + " passed");
        failures.forEach(f -> System.out.println("  FAIL " + f));
        try (var files = Files.list(dir)) {
            List<String> templates = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jinja")).toList();
            for (String t : templates) assertTrue(cases.stream().anyMatch(c -> c.template().equals(t)), t + " has no case");
        }
        assertEquals(cases.size(), passed, String.join("\n", failures));
    }
}
