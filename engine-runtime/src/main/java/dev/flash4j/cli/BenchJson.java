package dev.flash4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON output of {@code bench}: snake_case keys like {@code inspect --json}, indented. */
final class BenchJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchJson() {}

    /** A new report object that starts with the machine it was measured on. */
    static ObjectNode object() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("available_processors", Runtime.getRuntime().availableProcessors());
        o.put("java_version", Runtime.version().toString());
        return o;
    }

    static String write(ObjectNode o) throws JsonProcessingException {
        return MAPPER.writeValueAsString(o);
    }
}
