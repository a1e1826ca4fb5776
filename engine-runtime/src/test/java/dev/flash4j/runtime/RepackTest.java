package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Interleaved (repacked) K-quant weights give the logits of the weights read in place, whether the
 * copy is in memory, written to a cache file now or mapped from one made earlier; a cache file made
 * from another version of the model is never read.
 */
class RepackTest {
    static final Path MODEL = Path.of(System.getProperty("flash4j.testdata", "../testdata"), "models/step35-tiny-a-q4_k_s.gguf");
    static final int[] IDS = {1, 334, 973, 157, 407, 669, 52, 77, 843, 551, 99, 377};
    static final ModelOptions BASE = ModelOptions.defaults().withThreads(2).withKvCacheType(KvCacheType.F32).withContextSize(64);

    /** Logits of every prompt position, then of one decoded token. */
    private static float[] logits(Path model, ModelOptions options, RepackedWeights.Kind expected) throws IOException {
        try (Model m = Model.load(model, options); Session s = m.newSession()) {
            assertEquals(expected, m.repackKind(), m.weightLayout());
            float[] prompt = s.prefillAll(IDS);
            float[] decode = new float[m.config().vocab()];
            s.prefill(new int[]{42}, decode);
            float[] all = new float[prompt.length + decode.length];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            System.arraycopy(decode, 0, all, prompt.length, decode.length);
            return all;
        }
    }

    private static void assertClose(float[] want, float[] got, String what) {
        float max = 0;
        for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - got[i]));
        assertTrue(max <= 1e-4, what + " vs in place: " + max);
    }

    private static List<Path> cacheFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void repackedWeightsGiveTheSameLogits() throws Exception {
        float[] plain = logits(MODEL, BASE.withRepack(Repack.OFF), RepackedWeights.Kind.NONE);
        assertClose(plain, logits(MODEL, BASE.withRepack(Repack.MEMORY), RepackedWeights.Kind.MEMORY), "in memory");
        // the library default repacks in memory when the copy fits (a tiny model always does), and writes no file
        assertClose(plain, logits(MODEL, BASE, RepackedWeights.Kind.MEMORY), "default");
    }

    @Test
    void aCacheFileIsMadeOnceAndReused(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("model.gguf"), cache = tmp.resolve("cache");
        Files.copy(MODEL, model);
        ModelOptions file = BASE.withRepack(Repack.FILE).withRepackCache(cache);
        float[] plain = logits(model, BASE.withRepack(Repack.OFF), RepackedWeights.Kind.NONE);

        assertClose(plain, logits(model, file, RepackedWeights.Kind.FILE_MADE), "cache file made");
        List<Path> made = cacheFiles(cache);
        assertEquals(1, made.size(), "one cache file, no temporary left: " + made);
        assertClose(plain, logits(model, file, RepackedWeights.Kind.FILE_REUSED), "cache file reused");

        // another version of the model file (same name, new time stamp) gets a cache of its own, which
        // replaces the old one; the cache of a model of the same name elsewhere stays
        Path elsewhere = tmp.resolve("elsewhere"), other = elsewhere.resolve("model.gguf");
        Files.createDirectories(elsewhere);
        Files.copy(MODEL, other);
        logits(other, file, RepackedWeights.Kind.FILE_MADE);
        List<Path> before = cacheFiles(cache);
        assertEquals(2, before.size(), "one cache per model path: " + before);
        Files.setLastModifiedTime(model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() - 60_000));
        assertClose(plain, logits(model, file, RepackedWeights.Kind.FILE_MADE), "cache file for the changed model");
        List<Path> after = cacheFiles(cache);
        assertEquals(2, after.size(), "the changed model's cache replaced its old one: " + after);
        assertFalse(after.contains(made.getFirst()), "the old cache of the changed model is gone: " + after);
        assertEquals(RepackedWeights.Kind.FILE_REUSED, kindOf(other, file), "the other model's cache is still used");
    }

    /**
     * A JVM with other vector widths plans another tensor set for the same model (IQ4_XS is copied
     * on 512-bit vectors only); its cache file stays when this one is made, while one of an older
     * byte layout goes. Both are written here with the header of the real cache, changed in one line.
     */
    @Test
    void aCacheOfAnotherTensorSetStaysAndOneOfAnotherLayoutGoes(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("model.gguf"), cache = tmp.resolve("cache");
        Files.copy(MODEL, model);
        ModelOptions file = BASE.withRepack(Repack.FILE).withRepackCache(cache);
        logits(model, file, RepackedWeights.Kind.FILE_MADE);
        Path made = cacheFiles(cache).getFirst();
        String text = new String(Files.readAllBytes(made), java.nio.charset.StandardCharsets.ISO_8859_1);
        String header = text.substring(0, text.indexOf("\nend\n") + 5);
        assertTrue(header.contains("\nlayout " + RepackedWeights.LAYOUT_VERSION + "\n"), header);
        Path otherTensors = cache.resolve("model.gguf.0000000000000001.f4jrepack");
        Path otherLayout = cache.resolve("model.gguf.0000000000000002.f4jrepack");
        Files.writeString(otherTensors, header.replace("\nend\n", "\ntensor extra.weight IQ4_XS 16x256 0 2240\nend\n"), java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.writeString(otherLayout, header.replace("\nlayout " + RepackedWeights.LAYOUT_VERSION + "\n", "\nlayout 0\n"), java.nio.charset.StandardCharsets.ISO_8859_1);

        Files.delete(made);
        logits(model, file, RepackedWeights.Kind.FILE_MADE);
        List<Path> after = cacheFiles(cache);
        assertTrue(after.contains(made), "this build's cache made again: " + after);
        assertTrue(after.contains(otherTensors), "the other tensor set's cache kept: " + after);
        assertFalse(after.contains(otherLayout), "the other layout's cache removed: " + after);
        assertEquals(2, after.size(), after.toString());
    }

    private static RepackedWeights.Kind kindOf(Path model, ModelOptions options) throws IOException {
        try (Model m = Model.load(model, options)) {
            return m.repackKind();
        }
    }

    @Test
    void aDamagedCacheFileIsMadeAgain(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        ModelOptions file = BASE.withRepack(Repack.FILE).withRepackCache(cache);
        float[] plain = logits(MODEL, BASE.withRepack(Repack.OFF), RepackedWeights.Kind.NONE);
        logits(MODEL, file, RepackedWeights.Kind.FILE_MADE);
        Path made = cacheFiles(cache).getFirst();

        byte[] bytes = Files.readAllBytes(made);
        Files.write(made, java.util.Arrays.copyOf(bytes, bytes.length - 4096)); // truncated
        assertClose(plain, logits(MODEL, file, RepackedWeights.Kind.FILE_MADE), "after truncation");

        bytes = Files.readAllBytes(made);
        bytes[20] ^= 1; // header changed
        Files.write(made, bytes);
        assertClose(plain, logits(MODEL, file, RepackedWeights.Kind.FILE_MADE), "after a header change");
        assertClose(plain, logits(MODEL, file, RepackedWeights.Kind.FILE_REUSED), "the remade file");
    }

    @Test
    void anUnwritableCacheDirectoryIsAnError(@TempDir Path tmp) throws Exception {
        Path notADirectory = tmp.resolve("file");
        Files.writeString(notADirectory, "x");
        ModelOptions file = BASE.withRepack(Repack.FILE).withRepackCache(notADirectory.resolve("cache"));
        assertThrows(IOException.class, () -> Model.load(MODEL, file).close());
        assertThrows(IllegalArgumentException.class, () -> Model.load(MODEL, BASE.withRepack(Repack.FILE)).close(), "FILE without a directory");
    }
}
