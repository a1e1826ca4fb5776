package dev.flash4j.core;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** The same checks as {@link DequantGoldenTest} on the shared golden set. */
@Tag("conformance")
class DequantConformanceTest {
    static List<DequantFixture> fixtures() throws IOException {
        String p = System.getProperty("flash4j.shared");
        if (p == null) throw new IllegalStateException("system property flash4j.shared is not set");
        List<DequantFixture> all = DequantFixture.loadAll(Path.of(p, "golden", "dequant"));
        assertFalse(all.isEmpty());
        return all;
    }

    @TestFactory
    Stream<DynamicTest> dequantizeMatchesGgml() throws IOException {
        return fixtures().stream().map(f -> DynamicTest.dynamicTest(f.type().name(), () -> DequantChecks.checkDequantize(f)));
    }

    @TestFactory
    Stream<DynamicTest> dotMatchesDequantizedDot() throws IOException {
        return fixtures().stream().map(f -> DynamicTest.dynamicTest(f.type().name(), () -> DequantChecks.checkDot(f, 7 + f.type().id())));
    }
}
