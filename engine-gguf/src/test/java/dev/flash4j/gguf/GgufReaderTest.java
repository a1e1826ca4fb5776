package dev.flash4j.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Reads the committed llama.cpp-written models and checks what they hold against independent facts. */
class GgufReaderTest {

    @Test
    void readsEveryCommittedModelAndItsTensorsLieInsideTheMapping() throws Exception {
        for (Path p : TestData.models()) {
            try (GgufFile f = GgufFile.open(p)) {
                assertEquals(3, f.version(), p.toString());
                assertEquals("step35", f.metadata().getString("general.architecture"));
                int layers = f.metadata().getInt("step35.block_count");
                assertEquals(layers, f.metadata().getArray("step35.attention.head_count").size(), "per-layer array length");
                int vocab = f.metadata().getStrings("tokenizer.ggml.tokens").size();
                assertEquals(vocab, f.metadata().getArray("tokenizer.ggml.scores").size());
                assertEquals(vocab, f.metadata().getArray("tokenizer.ggml.token_type").size());
                GgufFile.Shard shard = f.shards().getFirst();
                assertEquals(1, f.shards().size());
                assertEquals(0, shard.dataOffset() % shard.alignment());
                long end = 0;
                for (GgufTensor t : f.tensors().values()) {
                    // zero copy: every tensor is a slice of the file's one mapping, at data offset + its offset
                    assertTrue(t.data().isMapped(), t.name());
                    assertTrue(t.data().isReadOnly(), t.name());
                    assertEquals(shard.mapping().address() + shard.dataOffset() + t.offset(), t.data().address(), t.name());
                    assertEquals(t.type().rowBytes(t.rowLength()) * t.rowCount(), t.byteSize(), t.name());
                    end = Math.max(end, f.fileOffset(t) + t.byteSize());
                }
                assertTrue(end <= Files.size(p));
                assertTrue(Files.size(p) - end < shard.alignment(), "the last tensor ends the file but for padding");
                // token_embd is [hidden, vocab] in ggml order
                GgufTensor embd = f.require("token_embd.weight");
                assertArrayEquals(new long[] {f.metadata().getLong("step35.embedding_length"), vocab}, embd.dims());
            }
        }
    }

    /**
     * testdata/dequant holds the first rows of tensors cut out of these models by another tool; each
     * must equal the start of the same tensor as this reader locates it.
     */
    @Test
    void tensorBytesMatchTheIndependentlyExtractedBlocks() throws Exception {
        JsonNode index = new ObjectMapper().readTree(TestData.root().resolve("dequant/index.json").toFile()).get("tensors");
        int matched = 0;
        for (Path p : TestData.models()) {
            try (GgufFile f = GgufFile.open(p)) {
                for (Iterator<Map.Entry<String, JsonNode>> it = index.properties().iterator(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    GgufTensor t = f.tensor(e.getValue().get("source_tensor").asText());
                    if (t == null || t.type() != GgmlType.byName(e.getKey())) continue;
                    assertEquals(e.getValue().get("ggml_type_id").asInt(), t.type().id());
                    assertEquals(e.getValue().get("block_elements").asInt(), t.type().blockSize());
                    assertEquals(e.getValue().get("block_bytes").asInt(), t.type().blockBytes());
                    assertEquals(e.getValue().get("row_elements").asLong(), t.rowLength());
                    byte[] raw = Files.readAllBytes(TestData.root().resolve("dequant").resolve(e.getValue().get("raw").asText()));
                    byte[] mine = t.data().asSlice(0, raw.length).toArray(ValueLayout.JAVA_BYTE);
                    assertArrayEquals(raw, mine, p.getFileName() + " " + t.name() + " " + e.getKey());
                    matched++;
                }
            }
        }
        assertTrue(matched >= 15, "only " + matched + " (model, tensor) pairs were compared");
    }

    @Test
    void tensorSegmentsBecomeInaccessibleAfterClose() throws Exception {
        MemorySegment data;
        try (GgufFile f = GgufFile.open(TestData.model("step35-tiny-a-q8_0.gguf"))) {
            data = f.require("output_norm.weight").data();
            assertEquals(GgmlType.F32, f.require("output_norm.weight").type());
            data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0);
        }
        MemorySegment closed = data;
        assertThrows(IllegalStateException.class, () -> closed.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void missingFileAndDirectoryAreReported() throws Exception {
        Path dir = Files.createTempDirectory("gguf");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> GgufFile.open(dir.resolve("nope.gguf")));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(dir));
        assertTrue(e.getMessage().contains("directory"));
        Path empty = Files.createFile(dir.resolve("empty.gguf"));
        e = assertThrows(GgufFormatException.class, () -> GgufFile.open(empty));
        assertEquals("magic", e.field());
        assertEquals(0, e.offset());
    }
}
