package dev.flash4j.attention;

/** How cached keys and values are stored. */
public enum KvCacheType {
    /** 32-bit floats: exact. */
    F32(4.0),
    /** IEEE half floats: the default. */
    F16(2.0),
    /** 8-bit integers with one f16 scale per block of 32 values (ggml's q8_0 layout): 34 bytes per 32 values. */
    Q8(34.0 / 32.0);

    private final double bytesPerValue;

    KvCacheType(double bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    public double bytesPerValue() {
        return bytesPerValue;
    }

    /** Parses the CLI spelling: f32, f16, q8 (also q8_0, int8). */
    public static KvCacheType parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> F32;
            case "f16" -> F16;
            case "q8", "q8_0", "int8" -> Q8;
            default -> throw new IllegalArgumentException("unknown KV cache type '" + s + "' (expected f32, f16 or q8)");
        };
    }
}
