package dev.flash4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flash4j.core.CpuInfo;

/** The JSON output of {@code bench}: snake_case keys like {@code inspect --json}, indented. */
final class BenchJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchJson() {}

    /** A new report object that starts with the machine it was measured on. */
    static ObjectNode object() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        CpuInfo cpu = CpuInfo.current();
        o.put("available_processors", cpu.processors());
        o.put("cpu_model", cpu.model());
        o.put("vector_bits", cpu.vectorBits());
        o.put("java_version", Runtime.version().toString());
        return o;
    }

    static String write(ObjectNode o) throws JsonProcessingException {
        return MAPPER.writeValueAsString(o);
    }
}
