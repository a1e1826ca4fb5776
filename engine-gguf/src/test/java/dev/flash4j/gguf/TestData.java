package dev.flash4j.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The committed test data (system property {@code flash4j.testdata}); missing data fails the test. */
final class TestData {
    private TestData() {}

    static Path root() {
        String dir = System.getProperty("flash4j.testdata");
        if (dir == null) fail("system property flash4j.testdata is not set (run through Maven)");
        Path p = Path.of(dir);
        assertTrue(Files.isDirectory(p), "test data directory " + p + " is missing");
        return p;
    }

    /** The committed GGUF models, sorted by name; fails when there are none. */
    static List<Path> models() throws IOException {
        try (Stream<Path> s = Files.list(root().resolve("models"))) {
            List<Path> models = s.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
            assertTrue(models.size() >= 5, "expected the 5 committed models in testdata/models, found " + models);
            return models;
        }
    }

    static Path model(String name) {
        Path p = root().resolve("models").resolve(name);
        assertTrue(Files.isRegularFile(p), "missing committed model " + p);
        return p;
    }
}
