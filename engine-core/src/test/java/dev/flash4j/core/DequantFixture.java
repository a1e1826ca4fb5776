package dev.flash4j.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flash4j.gguf.GgmlType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a golden {@code dequant/} directory: the raw ggml blocks of the first rows of a
 * tensor ({@code <type>.bin}) and their float32 values as ggml dequantized them ({@code <type>.f32}).
 */
record DequantFixture(GgmlType type, int rowElements, int rows, MemorySegment raw, float[] expected) {

    long rowBytes() {
        return type.rowBytes(rowElements);
    }

    /** Every entry of {@code dir/index.json}; missing or inconsistent files throw. */
    static List<DequantFixture> loadAll(Path dir) throws IOException {
        JsonNode tensors = new ObjectMapper().readTree(dir.resolve("index.json").toFile()).get("tensors");
        if (tensors == null || tensors.isEmpty()) throw new IOException("no tensors in " + dir.resolve("index.json"));
        List<DequantFixture> out = new ArrayList<>();
        for (var it = tensors.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            JsonNode t = e.getValue();
            GgmlType type = GgmlType.byName(t.get("ggml_type").asText());
            if (type == null) throw new IOException("unknown ggml type " + t.get("ggml_type"));
            if (type.blockSize() != t.get("block_elements").asInt() || type.blockBytes() != t.get("block_bytes").asInt())
                throw new IOException("block geometry of " + type + " disagrees with index.json");
            int rowElements = t.get("row_elements").asInt(), rows = t.get("rows").asInt();
            byte[] raw = Files.readAllBytes(dir.resolve(t.get("raw").asText()));
            byte[] vals = Files.readAllBytes(dir.resolve(t.get("values").asText()));
            if (raw.length != type.rowBytes(rowElements) * rows) throw new IOException(type + ": raw size " + raw.length);
            if (vals.length != 4L * rowElements * rows) throw new IOException(type + ": values size " + vals.length);
            float[] expected = new float[rowElements * rows];
            ByteBuffer.wrap(vals).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(expected);
            out.add(new DequantFixture(type, rowElements, rows, MemorySegment.ofArray(raw), expected));
        }
        return out;
    }
}
