package dev.flash4j.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables visible at one point of a render. Loops and macro calls open a child scope, so a
 * {@code set} inside them does not leak out (the reason templates use {@code namespace()}); if
 * blocks do not open one.
 */
final class Scope {
    /** Returned by {@link #find} for names bound nowhere (null is a legitimate value: None). */
    static final Object MISSING = new Object();

    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Object find(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.vars.containsKey(name)) return s.vars.get(name);
        }
        return MISSING;
    }

    Object lookup(String name) {
        Object v = find(name);
        return v == MISSING ? Undefined.named(name) : v;
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
