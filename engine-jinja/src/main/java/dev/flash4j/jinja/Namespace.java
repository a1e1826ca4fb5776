package dev.flash4j.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** The object {@code namespace(...)} returns: the one mutable holder whose attributes survive loop scopes. */
final class Namespace {
    final Map<String, Object> attrs = new LinkedHashMap<>();

    @Override
    public String toString() {
        return "<Namespace " + attrs + ">";
    }
}
