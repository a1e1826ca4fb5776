package dev.flash4j.jinja;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our own small templates, one or a few features each (whitespace control, operators, loops,
 * scoping, macros, filters, tests, string methods, errors), rendered by our interpreter and
 * compared with what real Jinja2 renders under Hugging Face's settings, plus seeded random
 * whitespace-control templates and random expressions. The expected outputs were produced by
 * src/test/python/make_cases.py with jinja2, not by this code. For random expressions that fail in
 * Python we only require a failure, not the same wording.
 */
class JinjaOracleTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    /** make_cases.py fixes strftime_now at this local time. */
    static final Clock FIXED = Clock.fixed(Instant.parse("2024-07-26T13:05:09Z"), ZoneOffset.UTC);

    @TestFactory
    List<DynamicTest> matchesJinja2() throws IOException {
        JsonNode root;
        try (InputStream in = JinjaOracleTest.class.getResourceAsStream("jinja-cases.json")) {
            assertNotNull(in, "jinja-cases.json missing from test resources");
            root = JSON.readTree(in);
        }
        assertTrue(root.get("cases").size() > 100, "expected the full case list");
        return java.util.stream.StreamSupport.stream(root.get("cases").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static void check(JsonNode c) {
        String source = c.get("template").asText();
        Map<String, Object> context = JSON.convertValue(c.get("context"), Map.class);
        if (c.has("expected")) {
            assertEquals(c.get("expected").asText(), ChatTemplate.parse(source).withClock(FIXED).render(context));
        } else if (c.has("error")) {
            TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.parse(source).withClock(FIXED).render(context),
                    "Jinja2 raised: " + c.get("error").asText());
            if (!c.path("error_wording_free").asBoolean()) assertEquals(c.get("error").asText(), e.getMessage());
            assertTrue(e.line() > 0, "runtime errors carry the line of the failing statement");
        } else {
            TemplateSyntaxException e = assertThrows(TemplateSyntaxException.class, () -> ChatTemplate.parse(source));
            assertTrue(e.line() > 0 && e.getMessage().contains("(line " + e.line() + ")"), e.getMessage());
        }
    }
}
