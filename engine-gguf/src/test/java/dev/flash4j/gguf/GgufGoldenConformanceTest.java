package dev.flash4j.gguf;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Every golden model in ../shared (made by llama.cpp) reads, and rewrites to the identical file, whole and split. */
@Tag("conformance")
class GgufGoldenConformanceTest {
    @TempDir
    Path dir;

    @Test
    void everyGoldenModelRoundTripsByteForByte() throws Exception {
        String shared = System.getProperty("flash4j.shared");
        assertNotNull(shared, "system property flash4j.shared is not set");
        Path models = Path.of(shared, "golden", "models");
        assertTrue(Files.isDirectory(models), "missing " + models);
        List<Path> all;
        try (Stream<Path> s = Files.list(models)) {
            all = s.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
        assertTrue(all.size() >= 8, "expected the 8 golden models, found " + all);
        for (Path src : all) {
            Path out = dir.resolve(src.getFileName());
            try (GgufFile f = GgufFile.open(src)) {
                GgufWriter w = GgufWriter.copyOf(f);
                w.write(out);
                List<Path> shards = w.writeSplit(dir.resolve("split"), Integer.MAX_VALUE, 4L << 20);
                try (GgufFile split = GgufFile.open(shards.getFirst())) {
                    assertEquals(shards.size(), split.shards().size());
                    for (GgufTensor t : f.tensors().values()) assertEquals(-1L, t.data().mismatch(split.require(t.name()).data()), t.name());
                }
                for (Path p : shards) Files.delete(p);
            }
            assertEquals(-1L, Files.mismatch(src, out), src.getFileName() + " differs from its rewrite");
            Files.delete(out);
        }
    }
}
