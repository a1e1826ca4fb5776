package dev.flash4j.cli;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizeCommandTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static Path tinyModel() {
        String dir = System.getProperty("flash4j.testdata");
        assertNotNull(dir, "system property flash4j.testdata is not set");
        Path p = Path.of(dir, "models", "step35-tiny-a-q4_k_s.gguf");
        assertTrue(Files.exists(p), "missing " + p);
        return p;
    }

    private static String expectedIds(Path model, String text) throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            int[] ids = Tokenizer.fromMetadata(f.metadata()).encode(text, false, false);
            return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" "));
        }
    }

    @Test
    void printsTheIdsOfATextOnOneLineWithoutBos() throws IOException {
        String text = "Hello world, 中文 <s> too";
        Run r = run("tokenize", "--model", tinyModel().toString(), "--text", text);
        assertEquals(0, r.exit, r.err);
        assertEquals(expectedIds(tinyModel(), text) + "\n", r.out);
        assertFalse(r.out.startsWith("1 "), "no BOS");
    }

    @Test
    void readsTheTextFromAFile() throws IOException {
        String text = "line one\nline two\n\n  indented\n";
        Path f = Files.writeString(tmp.resolve("in.txt"), text);
        Run r = run("tokenize", "--vocab", tinyModel().toString(), "--file", f.toString());
        assertEquals(0, r.exit, r.err);
        assertEquals(expectedIds(tinyModel(), text) + "\n", r.out);
        assertEquals(1, r.out.split("\n").length, "one line");
    }

    @Test
    void aMissingFileIsOneLineAndNonZeroExit() {
        Run r = run("tokenize", "--model", tmp.resolve("nope.gguf").toString(), "--text", "x");
        assertNotEquals(0, r.exit);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertTrue(r.err.contains("nope.gguf"), r.err);
        Run r2 = run("tokenize", "--model", tinyModel().toString(), "--file", tmp.resolve("missing.txt").toString());
        assertNotEquals(0, r2.exit);
        assertEquals(1, r2.err.strip().lines().count(), r2.err);
    }

    @Test
    void aGgufWithoutTokenizerKeysIsOneLineAndNonZeroExit() throws IOException {
        Path f = tmp.resolve("no-tokenizer.gguf");
        Files.write(f, ggufWithOneString("general.architecture", "none"));
        Run r = run("tokenize", "--model", f.toString(), "--text", "x");
        assertNotEquals(0, r.exit);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertTrue(r.err.contains("tokenizer"), r.err);
    }

    @Test
    void needsExactlyOneOfFileAndText() {
        Run r = run("tokenize", "--model", tinyModel().toString());
        assertNotEquals(0, r.exit);
        assertEquals(1, r.err.strip().lines().count(), r.err);
    }

    /** A GGUF v3 file with no tensors and a single string key. */
    private static byte[] ggufWithOneString(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8), v = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 8 + 8 + 8 + k.length + 4 + 8 + v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(0).putLong(1);
        b.putLong(k.length).put(k).putInt(8 /* STRING */).putLong(v.length).put(v);
        return b.array();
    }
}
