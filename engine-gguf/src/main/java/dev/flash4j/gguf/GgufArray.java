package dev.flash4j.gguf;

import java.lang.foreign.MemorySegment;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A metadata array: its element type and its values, boxed as {@link GgufMetadata} describes
 * (nested arrays are {@code GgufArray} again).
 *
 * <p>Arrays of fixed-size elements read from a file keep their little-endian bytes as they were
 * stored (one {@code byte[]}, as many bytes as the file holds) and box an element only when it is
 * asked for: a file's numeric arrays therefore cost no more heap than their size in the file, where
 * a boxed {@code Long} per UINT8 element would cost twenty times that. Strings and nested arrays are
 * held as objects.
 */
public final class GgufArray {

    private final GgufValueType elementType;
    /** Elements as objects (strings, nested arrays, or values given by a caller); null when {@link #raw} holds them. */
    private final List<Object> objects;
    /** Fixed-size elements as stored in the file, little-endian; null when {@link #objects} holds them. */
    private final MemorySegment raw;
    private final int size;

    /**
     * An array of {@code values}, each boxed as {@link GgufMetadata} describes for {@code elementType}
     * (any {@link Number} is accepted for numeric types and converted when written).
     */
    public GgufArray(GgufValueType elementType, List<?> values) {
        this.elementType = Objects.requireNonNull(elementType, "elementType");
        this.objects = List.copyOf(values);
        this.raw = null;
        this.size = objects.size();
    }

    private GgufArray(GgufValueType elementType, byte[] raw) {
        this.elementType = elementType;
        this.objects = null;
        this.raw = MemorySegment.ofArray(raw);
        this.size = raw.length / elementType.size();
    }

    /** An array of fixed-size elements from their stored little-endian bytes (the reader's form). */
    static GgufArray ofStoredBytes(GgufValueType elementType, byte[] bytes) {
        if (elementType.size() == 0 || bytes.length % elementType.size() != 0) throw new IllegalArgumentException(elementType + " array of " + bytes.length + " bytes");
        return new GgufArray(elementType, bytes);
    }

    public GgufValueType elementType() { return elementType; }

    /** Whether the elements are kept as the bytes read from a file (and so are already normalized). */
    boolean isStoredBytes() { return raw != null; }

    public int size() { return size; }

    /** Element {@code i}, boxed as {@link GgufMetadata} describes. */
    public Object get(int i) {
        if (objects != null) return objects.get(i);
        Objects.checkIndex(i, size);
        return elementType.read(raw, (long) i * elementType.size());
    }

    /** Element {@code i} of an integer (or bool) array; UINT64 values above {@code Long.MAX_VALUE} come back in two's complement. */
    public long getLong(int i) {
        Object v = get(i);
        if (v instanceof Number n && !(v instanceof Float) && !(v instanceof Double)) return n.longValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        throw new IllegalArgumentException("element " + i + " of a " + elementType + " array is not an integer");
    }

    /** Element {@code i} of a numeric array as a double. */
    public double getDouble(int i) {
        Object v = get(i);
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        throw new IllegalArgumentException("element " + i + " of a " + elementType + " array is not a number");
    }

    /** Element {@code i} of a string array. */
    public String getString(int i) {
        if (get(i) instanceof String s) return s;
        throw new IllegalArgumentException("element " + i + " of a " + elementType + " array is not a string");
    }

    /** The elements as an unmodifiable list, boxed as {@link GgufMetadata} describes. */
    public List<Object> values() {
        if (objects != null) return objects;
        return new Boxed();
    }

    /** Boxes the stored bytes one element at a time. */
    private final class Boxed extends AbstractList<Object> implements RandomAccess {
        @Override public Object get(int index) { return GgufArray.this.get(index); }
        @Override public int size() { return size; }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray a && a.elementType == elementType && a.values().equals(values());
    }

    @Override
    public int hashCode() {
        return elementType.hashCode() * 31 + values().hashCode();
    }

    @Override
    public String toString() {
        return elementType + values().toString();
    }
}
