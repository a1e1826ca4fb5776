package dev.flash4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flash4j.core.BlockFormats;
import dev.flash4j.gguf.GgmlType;
import dev.flash4j.gguf.GgufArray;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufMetadata;
import dev.flash4j.gguf.GgufTensor;
import dev.flash4j.gguf.GgufValueType;
import dev.flash4j.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class InspectCommandTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonHoldsEveryKeyAndTensorOfTheFile() throws Exception {
        Path model = CliRun.model("step35-tiny-a-q4_k_s.gguf");
        CliRun run = CliRun.of("inspect", model.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        JsonNode root = JSON.readTree(run.out());
        try (GgufFile f = GgufFile.open(model)) {
            GgufMetadata m = f.metadata();
            List<String> keys = new ArrayList<>();
            root.get("metadata").fieldNames().forEachRemaining(keys::add);
            assertEquals(List.copyOf(m.keys()), keys);
            // arrays complete, in order
            JsonNode tokens = root.get("metadata").get("tokenizer.ggml.tokens");
            assertEquals(m.getStrings("tokenizer.ggml.tokens").size(), tokens.size());
            for (int i = 0; i < tokens.size(); i++) assertEquals(m.getStrings("tokenizer.ggml.tokens").get(i), tokens.get(i).asText());
            // a float32 reads back as the same float
            JsonNode eps = root.get("metadata").get("step35.attention.layer_norm_rms_epsilon");
            assertTrue(eps.isNumber());
            assertEquals(m.getFloat("step35.attention.layer_norm_rms_epsilon"), Float.parseFloat(eps.asText()));
            assertEquals(m.getLong("step35.block_count"), root.get("metadata").get("step35.block_count").asLong());

            JsonNode tensors = root.get("tensors");
            assertEquals(f.tensors().size(), tensors.size());
            Iterator<GgufTensor> it = f.tensors().values().iterator();
            for (JsonNode n : tensors) {
                GgufTensor t = it.next();
                assertEquals(t.name(), n.get("name").asText());
                assertEquals(t.type().name(), n.get("type").asText());
                assertEquals(t.dims().length, n.get("dims").size());
                for (int d = 0; d < t.dims().length; d++) assertEquals(t.dims()[d], n.get("dims").get(d).asLong());
                assertEquals(t.offset(), n.get("offset").asLong());
                assertEquals(t.byteSize(), n.get("bytes").asLong());
            }
        }
    }

    @Test
    void aSplitModelIsInspectedFromItsFirstShard() throws Exception {
        Path model = CliRun.model("step35-tiny-a-q4_0.gguf");
        List<Path> shards;
        try (GgufFile f = GgufFile.open(model)) {
            shards = GgufWriter.copyOf(f).writeSplit(dir.resolve("split"), 30, Long.MAX_VALUE);
        }
        assertEquals(3, shards.size());
        JsonNode whole = JSON.readTree(CliRun.of("inspect", model.toString(), "--json").out());
        CliRun run = CliRun.of("inspect", shards.getFirst().toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode split = JSON.readTree(run.out());
        assertEquals(whole.get("tensors").size(), split.get("tensors").size());
        for (int i = 0; i < split.get("tensors").size(); i++) {
            JsonNode w = whole.get("tensors").get(i), s = split.get("tensors").get(i);
            assertEquals(w.get("name"), s.get("name"));
            assertEquals(w.get("type"), s.get("type"));
            assertEquals(w.get("dims"), s.get("dims"));
            assertEquals(i / 30 + 1, s.get("shard").asInt());
        }
        assertEquals(3, split.get("metadata").get("split.count").asInt());
        CliRun text = CliRun.of("inspect", shards.getFirst().toString());
        assertTrue(text.out().lines().findFirst().orElseThrow().contains("3 shards"), text.out());
    }

    @Test
    void jsonKeepsUnsignedAndNonFiniteValuesAndNestedArrays() throws Exception {
        Path p = dir.resolve("values.gguf");
        new GgufWriter().putUInt64("u64.max", -1L).putInt64("i64.min", Long.MIN_VALUE).putUInt32("u32", 0xffff_ffffL)
                .putFloat32("f.tiny", 1.0e-5f).putFloat32("f.nan", Float.NaN).putFloat32("f.inf", Float.POSITIVE_INFINITY)
                .putFloat64("d.ninf", Double.NEGATIVE_INFINITY).putFloat64("d", 0.1).putBool("b", true)
                .putString("s", "line\nbreak \"q\"")
                .putArray("nested", GgufValueType.ARRAY, List.of(new GgufArray(GgufValueType.UINT64, List.of(-2L)), new GgufArray(GgufValueType.STRING, List.of("a"))))
                .addTensor("t", GgmlType.F32, new long[] {2}, MemorySegment.ofArray(new byte[8]))
                .write(p);
        CliRun run = CliRun.of("inspect", p.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode md = JSON.readTree(run.out()).get("metadata");
        assertEquals("18446744073709551615", md.get("u64.max").bigIntegerValue().toString());
        assertTrue(md.get("u64.max").isIntegralNumber());
        assertEquals(Long.MIN_VALUE, md.get("i64.min").asLong());
        assertEquals(4294967295L, md.get("u32").asLong());
        assertEquals(1.0e-5f, Float.parseFloat(md.get("f.tiny").asText()));
        assertEquals("NaN", md.get("f.nan").asText());
        assertTrue(md.get("f.nan").isTextual());
        assertEquals("Infinity", md.get("f.inf").asText());
        assertEquals("-Infinity", md.get("d.ninf").asText());
        assertEquals(0.1, md.get("d").asDouble());
        assertTrue(md.get("b").asBoolean());
        assertEquals("line\nbreak \"q\"", md.get("s").asText());
        assertEquals("18446744073709551614", md.get("nested").get(0).get(0).bigIntegerValue().toString());
        assertEquals("a", md.get("nested").get(1).get(0).asText());
    }

    @Test
    void textAbbreviatesLongArraysAndListsEveryTensor() throws Exception {
        Path model = CliRun.model("step35-tiny-a-q8_0.gguf");
        CliRun run = CliRun.of("inspect", model.toString());
        assertEquals(0, run.exitCode(), run.err());
        try (GgufFile f = GgufFile.open(model)) {
            List<String> tokens = f.metadata().getStrings("tokenizer.ggml.tokens");
            String line = run.out().lines().filter(l -> l.trim().startsWith("tokenizer.ggml.tokens ")).findFirst().orElseThrow();
            StringBuilder first8 = new StringBuilder();
            for (int i = 0; i < 8; i++) first8.append(i == 0 ? "[" : ", ").append('"').append(tokens.get(i)).append('"');
            assertTrue(line.contains(first8 + ", ...] (" + tokens.size() + " values)"), line);
            assertFalse(line.contains('"' + tokens.get(8) + '"'), line);
            for (GgufTensor t : f.tensors().values()) {
                String row = run.out().lines().filter(l -> l.trim().startsWith(t.name() + " ")).findFirst().orElseThrow(() -> new AssertionError("no row for " + t.name()));
                List<String> cols = List.of(row.trim().split(" +(?![^\\[]*\\])"));
                assertEquals(List.of(t.name(), t.type().name(), java.util.Arrays.toString(t.dims()), Long.toString(t.offset()), Long.toString(t.byteSize())), cols);
            }
        }
        CliRun full = CliRun.of("inspect", model.toString(), "--full");
        assertTrue(full.out().lines().anyMatch(l -> l.trim().startsWith("tokenizer.ggml.tokens ") && l.endsWith("(1024 values)") && !l.contains("...")));
    }

    /** --dump writes exactly the values the file holds, for a plain F16 tensor and an F32 one. */
    @Test
    void dumpWritesTheTensorAsFloat32() throws Exception {
        Path model = CliRun.model("step35-tiny-a-mtp-f16.gguf");
        try (GgufFile f = GgufFile.open(model)) {
            for (String name : List.of("token_embd.weight", "output_norm.weight")) {
                GgufTensor t = f.require(name);
                Path out = dir.resolve(name + ".f32");
                CliRun run = CliRun.of("inspect", model.toString(), "--dump", name, "--out", out.toString());
                assertEquals(0, run.exitCode(), run.err());
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(t.elementCount() * 4, b.capacity());
                for (long i = 0; i < t.elementCount(); i++) {
                    float expected = t.type() == GgmlType.F16
                            ? Float.float16ToFloat(t.data().get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2 * i))
                            : t.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4 * i);
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(b.getFloat((int) (4 * i))), name + "[" + i + "]");
                }
            }
        }
    }

    /**
     * testdata/dequant holds blocks of every type and their float32 values computed outside this
     * project. Packed into a GGUF, each dumps to those values when the engine has the type's kernel,
     * and otherwise fails with one line naming the type.
     */
    @Test
    void dumpMatchesTheIndependentDequantizationOrSaysTheTypeIsUnsupported() throws Exception {
        Path dq = CliRun.testdata().resolve("dequant");
        JsonNode index = JSON.readTree(dq.resolve("index.json").toFile()).get("tensors");
        GgufWriter w = new GgufWriter();
        for (Iterator<Map.Entry<String, JsonNode>> it = index.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            byte[] raw = Files.readAllBytes(dq.resolve(e.getValue().get("raw").asText()));
            w.addTensor(e.getKey(), GgmlType.byName(e.getKey()), new long[] {e.getValue().get("row_elements").asLong(), e.getValue().get("rows").asLong()}, MemorySegment.ofArray(raw));
        }
        Path p = dir.resolve("dequant.gguf");
        w.write(p);
        int supported = 0, unsupported = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = index.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            GgmlType type = GgmlType.byName(e.getKey());
            Path out = dir.resolve(e.getKey() + ".out");
            CliRun run = CliRun.of("inspect", p.toString(), "--dump", e.getKey(), "--out", out.toString());
            if (BlockFormats.supports(type)) {
                assertEquals(0, run.exitCode(), run.err());
                ByteBuffer mine = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(dq.resolve(e.getValue().get("values").asText()))).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(ref.capacity(), mine.capacity(), e.getKey());
                for (int i = 0; i < ref.capacity(); i += 4) {
                    float r = ref.getFloat(i), m = mine.getFloat(i);
                    assertTrue(Math.abs(r - m) <= 1e-6f * Math.max(1f, Math.abs(r)), e.getKey() + " value " + i / 4 + ": " + m + " vs " + r);
                }
                supported++;
            } else {
                run.assertOneLineError(e.getKey());
                assertTrue(run.err().contains("tensor type " + type.name() + " has no dequantizer"), run.err());
                unsupported++;
            }
        }
        assertTrue(supported >= 2, "F32 and F16 at least");
        assertEquals(index.size(), supported + unsupported);
    }
}
