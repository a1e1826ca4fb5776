package dev.flash4j.runtime;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Keeps docs/usage.md honest: its jshell lines are evaluated one by one with the {@code jdk.jshell}
 * API (in this JVM, on the test classpath) and must all succeed, and its JUnit example must be
 * exactly the marked region of {@link UsageExampleTest}.
 */
class UsageDocTest {
    static Path repoRoot() {
        return TestModels.testdata().getParent();
    }

    static String usage() throws IOException {
        Path doc = repoRoot().resolve("docs/usage.md");
        assertTrue(Files.isRegularFile(doc), "missing " + doc);
        return Files.readString(doc, StandardCharsets.UTF_8);
    }

    /** The lines of the fenced code block between {@code <!-- name:begin -->} and {@code <!-- name:end -->}. */
    static List<String> block(String doc, String name) {
        String begin = "<!-- " + name + ":begin -->", end = "<!-- " + name + ":end -->";
        int b = doc.indexOf(begin), e = doc.indexOf(end);
        assertTrue(b >= 0 && e > b, "docs/usage.md lacks the " + name + " markers");
        List<String> lines = new ArrayList<>(doc.substring(b + begin.length(), e).strip().lines().toList());
        assertTrue(lines.size() >= 2 && lines.getFirst().startsWith("```") && lines.getLast().equals("```"), name + " block is not one fenced code block");
        return lines.subList(1, lines.size() - 1);
    }

    @Test
    void jshellWalkthroughRuns() throws IOException {
        List<String> lines = block(usage(), "jshell");
        assertTrue(lines.stream().anyMatch(l -> l.contains("Model.load")), "the walkthrough should load a model");
        // the document runs jshell in the repository root; this JVM runs elsewhere
        String testdata = TestModels.testdata().toAbsolutePath().toString().replace('\\', '/');
        // the local execution engine runs the snippets in this JVM: their System.out is ours
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try (JShell shell = JShell.builder()
                .executionEngine("local")
                .out(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .err(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .compilerOptions("--add-modules", "jdk.incubator.vector")
                .build()) {
            for (String entry : testClassPath()) shell.addToClasspath(entry);
            for (String line : lines) {
                String source = line.replace("Path.of(\"testdata/", "Path.of(\"" + testdata + "/");
                List<SnippetEvent> events = shell.eval(source);
                assertFalse(events.isEmpty(), "jshell did not take: " + line);
                for (SnippetEvent ev : events) {
                    String diagnostics = shell.diagnostics(ev.snippet()).map(d -> d.getMessage(null)).collect(Collectors.joining("; "));
                    assertEquals(Snippet.Status.VALID, ev.status(), line + " -> " + diagnostics);
                    assertNull(ev.exception(), () -> line + " threw " + ev.exception());
                }
            }
            String text = shell.eval("result.text();").getFirst().value();
            assertNotNull(text);
            assertEquals("24", shell.eval("result.usage().completionTokens();").getFirst().value(),
                    "24 tokens asked for, unless the model stopped early: " + text);
            // what the listener streamed to System.out is the generated text
            String length = shell.eval("result.text().length();").getFirst().value();
            assertEquals(length, Integer.toString(printed.toString(StandardCharsets.UTF_8).length()));
        } finally {
            System.setOut(savedOut);
        }
    }

    @Test
    void junitExampleIsTheRealTestClass() throws IOException {
        List<String> documented = block(usage(), "junit");
        Path source = repoRoot().resolve("engine-runtime/src/test/java/dev/flash4j/runtime/UsageExampleTest.java");
        List<String> file = Files.readAllLines(source, StandardCharsets.UTF_8);
        int b = indexOfTrimmed(file, "// usage-example:begin"), e = indexOfTrimmed(file, "// usage-example:end");
        assertTrue(b >= 0 && e > b, source + " lacks the usage-example markers");
        assertEquals(file.subList(b + 1, e), documented);
    }

    private static int indexOfTrimmed(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).strip().equals(marker)) return i;
        return -1;
    }

    /** Surefire runs tests through a manifest-only jar; the real classpath is in this property. */
    private static List<String> testClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(cp.split(java.io.File.pathSeparator)).filter(s -> !s.isBlank()).toList();
    }
}
