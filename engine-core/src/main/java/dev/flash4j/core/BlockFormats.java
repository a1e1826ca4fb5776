package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.util.EnumMap;
import java.util.Map;

/** The kernels of every supported ggml type. */
public final class BlockFormats {
    private static final Map<GgmlType, BlockFormat> FORMATS = new EnumMap<>(GgmlType.class);

    static {
        register(new F32Format());
        register(new F16Format());
        register(new Bf16Format());
        register(new Q4_0Format());
        register(new Q4_1Format());
        register(new Q5_0Format());
        register(new Q5_1Format());
        register(new Q8_0Format());
        register(new Q2KFormat());
        register(new Q3KFormat());
        register(new Q4KFormat());
        register(new Q5KFormat());
        register(new Q6KFormat());
        register(new Iq4NlFormat());
        register(new Iq4XsFormat());
    }

    private BlockFormats() {}

    private static void register(BlockFormat f) {
        FORMATS.put(f.type(), f);
    }

    /** Whether {@link #of} has kernels for {@code type}. */
    public static boolean supports(GgmlType type) {
        return FORMATS.containsKey(type);
    }

    /** Whether {@code type} has a dot product against 8-bit activations ({@link #q8}). */
    public static boolean supportsQ8(GgmlType type) {
        return FORMATS.get(type) instanceof Q8DotFormat;
    }

    /** The kernels of {@code type} with the 8-bit-activation dot; throws for types without one. */
    public static Q8DotFormat q8(GgmlType type) {
        if (of(type) instanceof Q8DotFormat f) return f;
        throw new UnsupportedOperationException("tensor type " + type + " has no 8-bit activation dot product");
    }

    /** The kernels of {@code type}; an {@link UnsupportedOperationException} names a type without them. */
    public static BlockFormat of(GgmlType type) {
        BlockFormat f = FORMATS.get(type);
        if (f == null) throw new UnsupportedOperationException("tensor type " + type + " is not supported (supported: " + FORMATS.keySet() + ")");
        return f;
    }
}
