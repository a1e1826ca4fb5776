package dev.flash4j.chat;

import java.util.Locale;
import java.util.Optional;

/** The JSON-schema {@code type} names an argument can declare. */
public enum ValueType {
    STRING, INTEGER, NUMBER, BOOLEAN, OBJECT, ARRAY, NULL;

    /** The type for a JSON-schema type name, empty for names this parser does not know. */
    public static Optional<ValueType> ofSchemaName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "string" -> Optional.of(STRING);
            case "integer" -> Optional.of(INTEGER);
            case "number" -> Optional.of(NUMBER);
            case "boolean" -> Optional.of(BOOLEAN);
            case "object" -> Optional.of(OBJECT);
            case "array" -> Optional.of(ARRAY);
            case "null" -> Optional.of(NULL);
            default -> Optional.empty();
        };
    }
}
