package dev.flash4j.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flash4j.gguf.GgufArray;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufMetadata;
import dev.flash4j.gguf.GgufTensor;
import dev.flash4j.gguf.GgufValueType;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;

/**
 * The JSON form of {@code inspect}: {@code {"metadata": {key: value}, "tensors": [{name, type, dims,
 * offset, bytes, shard, file_offset}]}}. Values keep their GGUF meaning: UINT64 is unsigned, FLOAT32
 * is written as the shortest decimal that reads back as the same float, arrays are complete and
 * nested arrays nest. JSON has no NaN or infinities; those become the strings "NaN", "Infinity",
 * "-Infinity".
 */
final class InspectJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private InspectJson() {}

    static ObjectNode tree(GgufFile f) {
        ObjectNode root = NODES.objectNode();
        ObjectNode md = root.putObject("metadata");
        GgufMetadata m = f.metadata();
        for (String key : m.keys()) md.set(key, value(m.type(key), m.get(key)));
        ArrayNode tensors = root.putArray("tensors");
        for (GgufTensor t : f.tensors().values()) {
            ObjectNode n = tensors.addObject();
            n.put("name", t.name());
            n.put("type", t.type().name());
            ArrayNode dims = n.putArray("dims");
            for (long d : t.dims()) dims.add(d);
            n.put("offset", t.offset());
            n.put("bytes", t.byteSize());
            n.put("shard", f.shardOf(t) + 1); // numbered like the shard files, from 1
            n.put("file_offset", f.fileOffset(t));
        }
        return root;
    }

    static void write(GgufFile f, Writer out) throws IOException {
        ObjectMapper om = new ObjectMapper()
                .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false)
                .enable(SerializationFeature.INDENT_OUTPUT);
        om.writeValue(out, tree(f));
        out.write(System.lineSeparator());
    }

    static JsonNode value(GgufValueType type, Object v) {
        return switch (type) {
            case UINT64 -> {
                long l = (Long) v;
                yield l >= 0 ? NODES.numberNode(l) : NODES.numberNode(new BigInteger(Long.toUnsignedString(l)));
            }
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, INT64 -> NODES.numberNode((Long) v);
            case FLOAT32 -> {
                float x = (Float) v;
                yield Float.isFinite(x) ? NODES.numberNode(x) : NODES.textNode(Float.toString(x));
            }
            case FLOAT64 -> {
                double x = (Double) v;
                yield Double.isFinite(x) ? NODES.numberNode(x) : NODES.textNode(Double.toString(x));
            }
            case BOOL -> NODES.booleanNode((Boolean) v);
            case STRING -> NODES.textNode((String) v);
            case ARRAY -> {
                GgufArray a = (GgufArray) v;
                ArrayNode arr = NODES.arrayNode(a.size());
                for (int i = 0; i < a.size(); i++) arr.add(value(a.elementType(), a.get(i)));
                yield arr;
            }
        };
    }
}
