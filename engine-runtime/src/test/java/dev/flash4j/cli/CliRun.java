package dev.flash4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** One run of {@link Main#execute} with stdout and stderr captured. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.execute(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> errLines() {
        return err.lines().toList();
    }

    /** Runs a command line that must be refused; see {@link #assertOneLineError}. */
    static CliRun failing(String... args) {
        return of(args).assertOneLineError("flash4j " + String.join(" ", args));
    }

    /**
     * Asserts the command line's promise for bad input: a non-zero exit and exactly one line on
     * stderr, {@code flash4j: } and a message, with no exception name or stack trace in it.
     */
    CliRun assertOneLineError(String context) {
        assertNotEquals(0, exitCode, context + "\nstdout: " + out + "\nstderr: " + err);
        List<String> lines = errLines();
        assertEquals(1, lines.size(), context + ": exactly one line on stderr, got:\n" + err);
        String line = lines.get(0);
        assertTrue(line.startsWith("flash4j: ") && line.length() > "flash4j: ".length() + 5, context + ": " + line);
        assertFalse(line.contains("Exception") || line.contains("at dev.") || line.contains("\tat ") || line.contains("Error:") || line.contains("[Source:"),
                context + ": " + line);
        return this;
    }

    static Path testdata() {
        String dir = System.getProperty("flash4j.testdata");
        if (dir == null) fail("system property flash4j.testdata is not set (run through Maven)");
        return Path.of(dir);
    }

    static Path model(String name) {
        Path p = testdata().resolve("models").resolve(name);
        assertTrue(Files.isRegularFile(p), "missing committed model " + p);
        return p;
    }
}
