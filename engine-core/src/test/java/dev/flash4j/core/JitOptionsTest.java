package dev.flash4j.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JitOptionsTest {
    @Test
    void recommendsBothLimits() {
        assertEquals(List.of("-XX:PerMethodTrapLimit=100000", "-XX:PerMethodRecompilationCutoff=100000"), JitOptions.recommended());
    }

    /** The build passes the options to every test JVM (the parent pom's {@code flash4j.jitOptions}): kernels are tested as they run. */
    @Test
    void testJvmRunsWithThem() {
        assertEquals(List.of(), JitOptions.missing());
    }
}
