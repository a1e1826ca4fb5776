package dev.flash4j.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, in file order.
 *
 * <p>Values are boxed by type: every integer type is a {@link Long} (UINT64 values above
 * {@code Long.MAX_VALUE} are stored in two's complement; {@link #type} tells them apart),
 * FLOAT32 is a {@link Float}, FLOAT64 a {@link Double}, BOOL a {@link Boolean}, STRING a
 * {@link String} and ARRAY a {@link GgufArray}.
 */
public final class GgufMetadata {
    private final Map<String, Object> values;
    private final Map<String, GgufValueType> types;

    public GgufMetadata(Map<String, Object> values, Map<String, GgufValueType> types) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    public Set<String> keys() { return values.keySet(); }

    public Map<String, Object> asMap() { return values; }

    public boolean has(String key) { return values.containsKey(key); }

    public Object get(String key) { return values.get(key); }

    public GgufValueType type(String key) { return types.get(key); }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) throw new NoSuchElementException("missing metadata key '" + key + "'");
        return v;
    }

    public String getString(String key) {
        Object v = require(key);
        if (v instanceof String s) return s;
        throw wrongType(key, "a string");
    }

    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    public long getLong(String key) {
        Object v = require(key);
        if (v instanceof Long l) return l;
        throw wrongType(key, "an integer");
    }

    public long getLong(String key, long fallback) {
        return has(key) ? getLong(key) : fallback;
    }

    /** An integer value that must fit an int. */
    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new IllegalArgumentException("metadata key '" + key + "' = " + v + " does not fit an int");
        return (int) v;
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    /** A FLOAT32/FLOAT64 value (integers are accepted too). */
    public double getDouble(String key) {
        Object v = require(key);
        if (v instanceof Float f) return f;
        if (v instanceof Double d) return d;
        if (v instanceof Long l) return l;
        throw wrongType(key, "a number");
    }

    public double getDouble(String key, double fallback) {
        return has(key) ? getDouble(key) : fallback;
    }

    public float getFloat(String key) { return (float) getDouble(key); }

    public float getFloat(String key, float fallback) { return has(key) ? getFloat(key) : fallback; }

    public boolean getBool(String key) {
        Object v = require(key);
        if (v instanceof Boolean b) return b;
        if (v instanceof Long l) return l != 0;
        throw wrongType(key, "a bool");
    }

    public boolean getBool(String key, boolean fallback) {
        return has(key) ? getBool(key) : fallback;
    }

    public GgufArray getArray(String key) {
        Object v = require(key);
        if (v instanceof GgufArray a) return a;
        throw wrongType(key, "an array");
    }

    /** The string elements of a string array. */
    public List<String> getStrings(String key) {
        GgufArray a = getArray(key);
        if (a.elementType() != GgufValueType.STRING) throw wrongType(key, "an array of strings");
        @SuppressWarnings({"unchecked", "rawtypes"}) List<String> list = (List) a.values();
        return list;
    }

    /**
     * A per-layer integer array of exactly {@code n} entries; a scalar value is broadcast to every
     * entry (llama.cpp accepts both forms for per-layer keys).
     */
    public int[] getInts(String key, int n) {
        Object v = require(key);
        int[] out = new int[n];
        if (v instanceof GgufArray a) {
            if (a.size() != n) throw new IllegalArgumentException("metadata key '" + key + "' has " + a.size() + " entries, expected " + n);
            for (int i = 0; i < n; i++) out[i] = (int) toDouble(key, a.values().get(i));
        } else {
            java.util.Arrays.fill(out, (int) toDouble(key, v));
        }
        return out;
    }

    /** Like {@link #getInts} for numbers read as floats. */
    public float[] getFloats(String key, int n) {
        Object v = require(key);
        float[] out = new float[n];
        if (v instanceof GgufArray a) {
            if (a.size() != n) throw new IllegalArgumentException("metadata key '" + key + "' has " + a.size() + " entries, expected " + n);
            for (int i = 0; i < n; i++) out[i] = (float) toDouble(key, a.values().get(i));
        } else {
            java.util.Arrays.fill(out, (float) toDouble(key, v));
        }
        return out;
    }

    /** All elements of a numeric array, whatever its length. */
    public float[] getFloats(String key) {
        GgufArray a = getArray(key);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) toDouble(key, a.values().get(i));
        return out;
    }

    /** All elements of a numeric array, whatever its length. */
    public int[] getInts(String key) {
        GgufArray a = getArray(key);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) toDouble(key, a.values().get(i));
        return out;
    }

    private double toDouble(String key, Object v) {
        if (v instanceof Number n) return n.doubleValue(); // Long, Float, Double; other boxes from hand-built arrays
        if (v instanceof Boolean b) return b ? 1 : 0;
        throw wrongType(key, "numbers");
    }

    private IllegalArgumentException wrongType(String key, String expected) {
        return new IllegalArgumentException("metadata key '" + key + "' is " + types.get(key) + ", expected " + expected);
    }
}
