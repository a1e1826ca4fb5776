package dev.flash4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.flash4j.cli.CliRun.failing;
import static org.junit.jupiter.api.Assertions.*;

/** Every user-facing failure of {@code inspect}: a non-zero exit and exactly one line on stderr, no stack trace. */
class CliErrorTest {
    @TempDir
    Path dir;

    @Test
    void missingFile() {
        Path p = dir.resolve("missing.gguf");
        assertTrue(failing("inspect", p.toString()).err().contains("no such file: " + p));
    }

    @Test
    void badMagic() throws Exception {
        Path p = Files.writeString(dir.resolve("text.gguf"), "this is not a model");
        String err = failing("inspect", p.toString()).err();
        assertTrue(err.contains(p + ": magic at byte 0"), err);
    }

    @Test
    void truncatedFiles() throws Exception {
        byte[] model = Files.readAllBytes(CliRun.model("step35-tiny-a-q4_0.gguf"));
        for (int len : new int[] {3, 10, 100, 5000, 40_000, model.length / 2, model.length - 40}) {
            Path p = Files.write(dir.resolve("cut" + len + ".gguf"), Arrays.copyOf(model, len));
            String err = failing("inspect", p.toString(), "--json").err();
            assertTrue(err.contains(p + ": ") && err.contains(" at byte "), err);
        }
    }

    @Test
    void unknownFlagAndBadArguments() throws Exception {
        Path model = CliRun.model("step35-tiny-a-q4_0.gguf");
        assertTrue(failing("inspect", model.toString(), "--bogus").err().contains("--bogus"));
        failing("inspect");
        failing("inspect", model.toString(), "--dump", "token_embd.weight");
        assertTrue(failing("inspect", model.toString(), "--dump", "no.such.tensor", "--out", dir.resolve("x").toString()).err().contains("no tensor 'no.such.tensor'"));
        failing("inspect", dir.toString());
    }
}
