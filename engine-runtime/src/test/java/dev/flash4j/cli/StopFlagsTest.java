package dev.flash4j.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code --stop} escapes: what a shell cannot pass literally. */
class StopFlagsTest {
    @Test
    void escapesBecomeTheirCharacters() {
        assertEquals(List.of("\n\n", "a\tb", "back\\slash", "keep \\x"), StopFlags.parse(List.of("\\n\\n", "a\\tb", "back\\\\slash", "keep \\x")));
    }

    @Test
    void emptyStopIsAUserError() {
        assertThrows(UserError.class, () -> StopFlags.parse(List.of("")));
    }

    @Test
    void emptyStopFailsBeforeTheModelLoads() {
        CliRun r = CliRun.of("generate", "--model", "/no/such/model.gguf", "--prompt", "x", "--max-tokens", "1", "--stop", "");
        assertEquals(1, r.exitCode());
        assertEquals(List.of("flash4j: --stop must not be empty"), r.errLines());
    }
}
