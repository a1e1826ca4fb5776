package dev.flash4j.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the header of one mapped GGUF file, checking every count, length and offset against the
 * bytes that are really there before trusting it, so that a damaged or hostile file fails with a
 * {@link GgufFormatException} (file, field, offset) and never allocates much more than the file's
 * header holds.
 *
 * <p>Layout (little-endian): magic "GGUF", u32 version (2 or 3), u64 tensor count, u64 metadata
 * count, the metadata key/values (string key, u32 value type, value; an array is u32 element type,
 * u64 count, elements), the tensor infos (string name, u32 n_dims, u64 dims[n_dims], u32 ggml type,
 * u64 offset relative to the data section), zero padding to {@code general.alignment} (default 32),
 * then the data section. A string is a u64 byte length and that many UTF-8 bytes.
 *
 * <p>Work and heap are linear in the bytes really present: a count is checked against the bytes left
 * (each element takes at least its minimum encoded size) before anything is allocated for it,
 * arrays of fixed-size values are copied in one block instead of being read element by element, and
 * a running estimate of the heap the metadata needs stops a file whose header is a few hundred MB of
 * tiny strings before it exhausts a small heap. Field names for messages are built only on error.
 */
final class GgufParser {
    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_DIMS = 4;
    static final int MAX_ARRAY_DEPTH = 16;
    /** Bytes one tensor info takes at least: name length, n_dims, type, offset. */
    static final int MIN_TENSOR_INFO = 8 + 4 + 4 + 8;
    /** Bytes one metadata pair takes at least: key length, value type, a one-byte value. */
    static final int MIN_KV = 8 + 4 + 1;
    /** GGUF's limit on a key's length in bytes. */
    static final int MAX_KEY_BYTES = 65_535;
    /** llama.cpp's limit on a tensor name's length in bytes (GGML_MAX_NAME - 1). */
    static final int MAX_TENSOR_NAME_BYTES = 63;
    /** Strings longer than this must be valid UTF-8; see {@link #string}. */
    static final int LENIENT_STRING = 1 << 20;
    /** Rough heap cost of one String or list object beyond its characters, for the heap estimate. */
    private static final long OBJECT_OVERHEAD = 64;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * One parsed file. {@code valueOffsets} gives the byte offset of each metadata value (after its
     * type id), so that checks made later on a value can still name where it is.
     */
    record Parsed(int version, GgufMetadata metadata, Map<String, Long> valueOffsets, List<GgufTensor> tensors, GgufFile.Shard shard) {}

    private final String file;
    private final MemorySegment seg;
    private final long size;
    private final long heapBudget;
    private long heapUsed;
    private long pos;
    /** The key being read and the element index at each array depth, to name a field on error. */
    private String key;
    private final long[] indexPath = new long[MAX_ARRAY_DEPTH + 1];

    GgufParser(String file, MemorySegment seg) {
        this(file, seg, Runtime.getRuntime().maxMemory() / 4);
    }

    GgufParser(String file, MemorySegment seg, long heapBudget) {
        this.file = file;
        this.seg = seg;
        this.size = seg.byteSize();
        this.heapBudget = heapBudget;
    }

    private GgufFormatException error(String field, long at, String problem) {
        return new GgufFormatException(file, field, at, problem);
    }

    private void need(String field, long bytes) throws GgufFormatException {
        if (bytes < 0 || bytes > size - pos) {
            throw error(field, pos, "needs " + (bytes < 0 ? "an impossible number of" : Long.toUnsignedString(bytes)) + " bytes but the file ends at byte " + size + " (truncated?)");
        }
    }

    private void charge(long bytes, FieldName field, long at) throws GgufFormatException {
        heapUsed += bytes;
        if (heapUsed > heapBudget) {
            throw error(field.get(), at, "the header would need more than " + (heapBudget >= 1 << 20 ? (heapBudget >> 20) + " MiB" : heapBudget + " bytes") + " of heap to hold (a forged count or a hostile file? otherwise raise -Xmx)");
        }
    }

    private int u32(String field) throws GgufFormatException {
        need(field, 4);
        int v = seg.get(U32, pos);
        pos += 4;
        return v;
    }

    private long u64(String field) throws GgufFormatException {
        need(field, 8);
        long v = seg.get(U64, pos);
        pos += 8;
        return v;
    }

    /**
     * A string of at most {@code maxBytes} bytes; {@code field} is computed only when the string is bad.
     * Strings up to {@link #LENIENT_STRING} bytes decode leniently (ill-formed UTF-8 becomes U+FFFD,
     * as llama.cpp keeps whatever bytes it finds); a longer string must be valid UTF-8: decoding
     * garbage costs the JDK some 15 ns a byte, and a forged length can make a 2 GB "string" of tensor
     * data, while checking stops at the first bad byte.
     */
    private String string(FieldName field, long maxBytes) throws GgufFormatException {
        long at = pos;
        if (size - pos < 8) throw error(field.get() + " length", pos, "needs 8 bytes but the file ends at byte " + size + " (truncated?)");
        long len = seg.get(U64, pos);
        pos += 8;
        if (len < 0 || len > size - pos) {
            throw error(field.get(), at, "string length " + Long.toUnsignedString(len) + " runs past the end of the file (" + size + " bytes)");
        }
        if (len > maxBytes) throw error(field.get(), at, "string length " + len + " is over the limit of " + maxBytes + " bytes");
        if (len > Integer.MAX_VALUE - 8) throw error(field.get(), at, "string length " + len + " is too long for a Java string");
        charge(OBJECT_OVERHEAD + 2 * len, field, at);
        String s;
        if (len <= LENIENT_STRING) {
            s = len == 0 ? "" : new String(seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        } else {
            CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = seg.asSlice(pos, len).asByteBuffer(); // no copy: garbage fails at its first bytes
            try {
                s = strict.decode(in).toString();
            } catch (CharacterCodingException e) {
                throw error(field.get(), at, "string of " + len + " bytes is not valid UTF-8 (a string over " + LENIENT_STRING + " bytes must be)");
            }
        }
        pos += len;
        return s;
    }

    /** A field name built only when a message needs it. */
    @FunctionalInterface
    private interface FieldName {
        String get();
    }

    /** The current metadata value's name: 'key' and its array indices, e.g. 'tokenizer.ggml.tokens'[17]. */
    private String valueField(int depth) {
        StringBuilder sb = new StringBuilder("'").append(key).append('\'');
        for (int d = 0; d < depth; d++) sb.append('[').append(indexPath[d]).append(']');
        return sb.toString();
    }

    Parsed parse(Path path) throws GgufFormatException {
        pos = 0;
        if (size < 4) throw error("magic", 0, "file is " + size + " bytes long, too short for a GGUF header");
        int magic = u32("magic");
        if (magic != MAGIC) {
            throw error("magic", 0, String.format("expected \"GGUF\" but found bytes %02x %02x %02x %02x", magic & 0xff, (magic >>> 8) & 0xff, (magic >>> 16) & 0xff, magic >>> 24));
        }
        long versionAt = pos;
        int version = u32("version");
        if (version != 2 && version != 3) {
            String hint = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3 ? " (a big-endian GGUF file, not supported)"
                    : version == 1 ? " (GGUF v1 used 32-bit counts and is obsolete)" : "";
            throw error("version", versionAt, "unsupported GGUF version " + Integer.toUnsignedString(version) + hint + "; versions 2 and 3 are supported");
        }
        long countAt = pos;
        long tensorCount = u64("tensor_count");
        long kvAt = pos;
        long kvCount = u64("metadata_kv_count");
        if (tensorCount < 0 || tensorCount > (size - pos) / MIN_TENSOR_INFO) {
            throw error("tensor_count", countAt, "tensor count " + Long.toUnsignedString(tensorCount) + " cannot fit in a file of " + size + " bytes");
        }
        if (kvCount < 0 || kvCount > (size - pos) / MIN_KV) {
            throw error("metadata_kv_count", kvAt, "metadata count " + Long.toUnsignedString(kvCount) + " cannot fit in a file of " + size + " bytes");
        }

        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        Map<String, Long> valueOffsets = new HashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = pos;
            final long index = i;
            key = string(() -> "metadata key #" + index, MAX_KEY_BYTES);
            if (values.containsKey(key)) throw error("metadata key '" + key + "'", keyAt, "duplicate key");
            long typeAt = pos;
            int typeId = u32("type of '" + key + "'");
            GgufValueType type = GgufValueType.byId(Integer.toUnsignedLong(typeId));
            if (type == null) throw error("type of '" + key + "'", typeAt, "unknown metadata value type " + Integer.toUnsignedString(typeId));
            valueOffsets.put(key, pos);
            values.put(key, value(type, 0));
            types.put(key, type);
        }
        key = null;
        GgufMetadata metadata = new GgufMetadata(values, types);

        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.has("general.alignment")) {
            Object a = metadata.get("general.alignment");
            GgufValueType at = metadata.type("general.alignment");
            if (!(a instanceof Long l) || !at.isInteger() || l <= 0 || l > (1 << 30) || Long.bitCount(l) != 1) {
                throw error("general.alignment", valueOffsets.get("general.alignment"), "alignment must be a power of two between 1 and 2^30, found " + a + " (" + at + ")");
            }
            alignment = (int) (long) l;
        }

        record Info(String name, GgmlType type, long[] dims, long offset, long bytes, long at) {}
        List<Info> infos = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = pos;
            final long index = i;
            String name = string(() -> "tensor #" + index + " name", MAX_TENSOR_NAME_BYTES);
            if (!names.add(name)) throw error("tensor '" + name + "'", at, "duplicate tensor name");
            charge(OBJECT_OVERHEAD * 3, () -> "tensor '" + name + "'", at);
            long dimsAt = pos;
            int nDims = u32("tensor '" + name + "' n_dims");
            if (nDims < 0 || nDims > MAX_DIMS) throw error("tensor '" + name + "' n_dims", dimsAt, "n_dims " + Integer.toUnsignedString(nDims) + " is not in 0.." + MAX_DIMS);
            long[] dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long dAt = pos;
                dims[d] = u64("tensor '" + name + "' dim " + d);
                if (dims[d] < 0) throw error("tensor '" + name + "' dim " + d, dAt, "dimension " + Long.toUnsignedString(dims[d]) + " is out of range");
                if (dims[d] != 0 && elements > Long.MAX_VALUE / dims[d]) throw error("tensor '" + name + "' dims", dAt, "the product of the dimensions overflows 64 bits");
                elements *= dims[d];
            }
            long typeAt = pos;
            int typeId = u32("tensor '" + name + "' type");
            GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId));
            if (type == null) throw error("tensor '" + name + "' type", typeAt, "unknown ggml type id " + Integer.toUnsignedString(typeId));
            long rowLen = nDims == 0 ? 1 : dims[0];
            if (rowLen % type.blockSize() != 0) {
                throw error("tensor '" + name + "' dim 0", dimsAt + 4, "row length " + rowLen + " is not a multiple of " + type + "'s block size " + type.blockSize());
            }
            long blocks = elements / type.blockSize();
            if (blocks > Long.MAX_VALUE / type.blockBytes()) throw error("tensor '" + name + "' dims", dimsAt, "the tensor's byte size overflows 64 bits");
            long bytes = blocks * type.blockBytes();
            long offAt = pos;
            long offset = u64("tensor '" + name + "' offset");
            if (offset < 0 || offset % alignment != 0) {
                throw error("tensor '" + name + "' offset", offAt, "data offset " + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
            }
            infos.add(new Info(name, type, dims, offset, bytes, offAt));
        }
        long dataOffset = (pos + alignment - 1) / alignment * alignment;
        long dataSize = size - dataOffset;
        if (!infos.isEmpty() && dataOffset > size) {
            throw error("data section", pos, "the data section would start at byte " + dataOffset + ", past the end of the file (" + size + " bytes; truncated?)");
        }
        List<GgufTensor> tensors = new ArrayList<>(infos.size());
        for (Info in : infos) {
            if (in.offset > dataSize || in.bytes > dataSize - in.offset) {
                throw error("tensor '" + in.name + "' offset", in.at, "data [" + in.offset + ", " + Long.toUnsignedString(in.offset + in.bytes) + ") of the data section runs past the end of the file (the data section holds " + Math.max(0, dataSize) + " bytes; truncated?)");
            }
            MemorySegment data = seg.asSlice(dataOffset + in.offset, in.bytes);
            tensors.add(new GgufTensor(in.name, in.type, in.dims, in.offset, data));
        }
        return new Parsed(version, metadata, Map.copyOf(valueOffsets), tensors, new GgufFile.Shard(path, seg, dataOffset, alignment));
    }

    /** One metadata value of {@code type} at {@code pos}; {@code depth} is the array nesting level. */
    private Object value(GgufValueType type, int depth) throws GgufFormatException {
        switch (type) {
            case STRING:
                return string(() -> valueField(depth), Long.MAX_VALUE);
            case ARRAY:
                return array(depth);
            default:
                int n = type.size();
                if (size - pos < n) throw error(valueField(depth), pos, "needs " + n + " bytes but the file ends at byte " + size + " (truncated?)");
                Object v = type.read(seg, pos);
                pos += n;
                return v;
        }
    }

    private GgufArray array(int depth) throws GgufFormatException {
        if (depth >= MAX_ARRAY_DEPTH) throw error(valueField(depth), pos, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
        long typeAt = pos;
        if (size - pos < 4) throw error(valueField(depth) + " element type", pos, "needs 4 bytes but the file ends at byte " + size + " (truncated?)");
        int elemId = seg.get(U32, pos);
        pos += 4;
        GgufValueType elem = GgufValueType.byId(Integer.toUnsignedLong(elemId));
        if (elem == null) throw error(valueField(depth) + " element type", typeAt, "unknown array element type " + Integer.toUnsignedString(elemId));
        long countAt = pos;
        if (size - pos < 8) throw error(valueField(depth) + " array length", pos, "needs 8 bytes but the file ends at byte " + size + " (truncated?)");
        long count = seg.get(U64, pos);
        pos += 8;
        if (count < 0 || count > (size - pos) / elem.minEncodedSize()) {
            throw error(valueField(depth) + " array length", countAt, "array of " + Long.toUnsignedString(count) + " " + elem + " values runs past the end of the file (" + size + " bytes)");
        }
        if (count > Integer.MAX_VALUE - 8) throw error(valueField(depth) + " array length", countAt, "array of " + count + " values is too long for this reader");
        if (elem.size() > 0) {
            long bytes = count * elem.size();
            charge(OBJECT_OVERHEAD + bytes, () -> valueField(depth), countAt);
            byte[] stored = seg.asSlice(pos, bytes).toArray(ValueLayout.JAVA_BYTE);
            pos += bytes;
            return GgufArray.ofStoredBytes(elem, stored);
        }
        charge(OBJECT_OVERHEAD + 8 * count, () -> valueField(depth), countAt);
        List<Object> list = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            indexPath[depth] = i;
            list.add(value(elem, depth + 1));
        }
        return new GgufArray(elem, list);
    }
}
