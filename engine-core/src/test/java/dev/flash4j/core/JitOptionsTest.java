package dev.flash4j.core;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JitOptionsTest {
    @Test
    void recommendsBothLimits() {
        assertEquals(List.of("-XX:PerMethodTrapLimit=100000", "-XX:PerMethodRecompilationCutoff=100000"), JitOptions.recommended());
    }

    /** The {@code flash4j} launcher at the repository root (the tests run in engine-core) starts the CLI with both. */
    @Test
    void launcherPassesThem() throws Exception {
        String launcher = Files.readString(Path.of("..", "flash4j"));
        for (String option : JitOptions.recommended()) assertTrue(launcher.contains(" " + option + " "), "the launcher lacks " + option);
    }

    /** The build passes the options to every test JVM (the parent pom's {@code flash4j.jitOptions}): kernels are tested as they run. */
    @Test
    void testJvmRunsWithThem() {
        assertEquals(List.of(), JitOptions.missing());
    }
}
