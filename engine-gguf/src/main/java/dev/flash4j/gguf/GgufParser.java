package dev.flash4j.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the header of one mapped GGUF file, checking every count, length and offset against the
 * bytes that are really there before trusting it, so that a damaged or hostile file fails with a
 * {@link GgufFormatException} (file, field, offset) and never allocates more than the file's size.
 *
 * <p>Layout (little-endian): magic "GGUF", u32 version (2 or 3), u64 tensor count, u64 metadata
 * count, the metadata key/values, the tensor infos (name, u32 n_dims, u64 dims[n_dims], u32 type,
 * u64 offset), padding to {@code general.alignment} (default 32), then the data section.
 */
final class GgufParser {
    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    private static final int MAX_ARRAY_DEPTH = 16;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    record Parsed(int version, GgufMetadata metadata, List<GgufTensor> tensors, GgufFile.Shard shard) {}

    private final String file;
    private final MemorySegment seg;
    private final long size;
    private long pos;

    GgufParser(String file, MemorySegment seg) {
        this.file = file;
        this.seg = seg;
        this.size = seg.byteSize();
    }

    private GgufFormatException error(String field, long at, String problem) {
        return new GgufFormatException(file, field, at, problem);
    }

    private void need(String field, long bytes) throws GgufFormatException {
        if (bytes < 0 || bytes > size - pos) {
            throw error(field, pos, "needs " + (bytes < 0 ? "an impossible number of" : Long.toUnsignedString(bytes)) + " bytes but the file ends at byte " + size + " (truncated?)");
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

    private String string(String field) throws GgufFormatException {
        long at = pos;
        long len = u64(field + " length");
        if (len < 0 || len > size - pos) {
            throw error(field, at, "string length " + Long.toUnsignedString(len) + " runs past the end of the file (" + size + " bytes)");
        }
        byte[] bytes = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        pos += len;
        return new String(bytes, StandardCharsets.UTF_8);
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
            String hint = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3 ? " (a big-endian GGUF file, not supported)" : "";
            throw error("version", versionAt, "unsupported GGUF version " + Integer.toUnsignedString(version) + hint + "; versions 2 and 3 are supported");
        }
        long countAt = pos;
        long tensorCount = u64("tensor_count");
        long kvAt = pos;
        long kvCount = u64("metadata_kv_count");
        // Each tensor info takes at least 24 bytes (name length, n_dims, type, offset); each pair at least 13.
        if (tensorCount < 0 || tensorCount > (size - pos) / 24) {
            throw error("tensor_count", countAt, "tensor count " + Long.toUnsignedString(tensorCount) + " cannot fit in a file of " + size + " bytes");
        }
        if (kvCount < 0 || kvCount > (size - pos) / 13) {
            throw error("metadata_kv_count", kvAt, "metadata count " + Long.toUnsignedString(kvCount) + " cannot fit in a file of " + size + " bytes");
        }

        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = pos;
            String key = string("metadata key #" + i);
            if (values.containsKey(key)) throw error("metadata key '" + key + "'", keyAt, "duplicate key");
            long typeAt = pos;
            int typeId = u32("type of '" + key + "'");
            GgufValueType type = GgufValueType.byId(Integer.toUnsignedLong(typeId));
            if (type == null) throw error("type of '" + key + "'", typeAt, "unknown metadata value type " + Integer.toUnsignedString(typeId));
            values.put(key, value(type, "'" + key + "'", 0));
            types.put(key, type);
        }
        GgufMetadata metadata = new GgufMetadata(values, types);

        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.has("general.alignment")) {
            Object a = metadata.get("general.alignment");
            GgufValueType at = metadata.type("general.alignment");
            if (!(a instanceof Long l) || !at.isInteger() || l <= 0 || l > (1 << 30) || Long.bitCount(l) != 1) {
                throw error("general.alignment", 0, "alignment must be a positive power of two, found " + a + " (" + at + ")");
            }
            alignment = (int) (long) l;
        }

        record Info(String name, GgmlType type, long[] dims, long offset, long bytes, long at) {}
        List<Info> infos = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = pos;
            String name = string("tensor #" + i + " name");
            if (!names.add(name)) throw error("tensor '" + name + "'", at, "duplicate tensor name");
            String field = "tensor '" + name + "'";
            long dimsAt = pos;
            int nDims = u32(field + " n_dims");
            if (nDims < 0 || nDims > MAX_DIMS) throw error(field + " n_dims", dimsAt, "n_dims " + Integer.toUnsignedString(nDims) + " is not in 0.." + MAX_DIMS);
            long[] dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long dAt = pos;
                dims[d] = u64(field + " dim " + d);
                if (dims[d] < 0) throw error(field + " dim " + d, dAt, "dimension " + Long.toUnsignedString(dims[d]) + " is out of range");
                if (dims[d] != 0 && elements > Long.MAX_VALUE / dims[d]) throw error(field + " dims", dAt, "element count overflows 64 bits");
                elements *= dims[d];
            }
            long typeAt = pos;
            int typeId = u32(field + " type");
            GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId));
            if (type == null) throw error(field + " type", typeAt, "unknown ggml type id " + Integer.toUnsignedString(typeId));
            long rowLen = nDims == 0 ? 1 : dims[0];
            if (rowLen % type.blockSize() != 0) {
                throw error(field + " dim 0", dimsAt + 4, "row length " + rowLen + " is not a multiple of " + type + "'s block size " + type.blockSize());
            }
            long blocks = elements / type.blockSize();
            if (blocks > Long.MAX_VALUE / type.blockBytes()) throw error(field + " dims", dimsAt, "byte size overflows 64 bits");
            long bytes = blocks * type.blockBytes();
            long offAt = pos;
            long offset = u64(field + " offset");
            if (offset < 0 || offset % alignment != 0) {
                throw error(field + " offset", offAt, "data offset " + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
            }
            infos.add(new Info(name, type, dims, offset, bytes, offAt));
        }
        long dataOffset = (pos + alignment - 1) / alignment * alignment;
        long dataSize = size - dataOffset;
        if (!infos.isEmpty() && dataOffset > size) {
            throw error("data section", pos, "the data section would start at byte " + dataOffset + ", past the end of the file (" + size + " bytes)");
        }
        List<GgufTensor> tensors = new ArrayList<>(infos.size());
        for (Info in : infos) {
            if (in.offset > dataSize || in.bytes > dataSize - in.offset) {
                throw error("tensor '" + in.name + "' offset", in.at, "data [" + in.offset + ", " + (in.offset + in.bytes) + ") of the data section runs past the end of the file (data section holds " + Math.max(0, dataSize) + " bytes)");
            }
            MemorySegment data = seg.asSlice(dataOffset + in.offset, in.bytes);
            tensors.add(new GgufTensor(in.name, in.type, in.dims, in.offset, data));
        }
        return new Parsed(version, metadata, tensors, new GgufFile.Shard(path, seg, dataOffset, alignment));
    }

    private Object value(GgufValueType type, String field, int depth) throws GgufFormatException {
        return switch (type) {
            case UINT8 -> { need(field, 1); long v = Byte.toUnsignedLong(seg.get(ValueLayout.JAVA_BYTE, pos)); pos += 1; yield v; }
            case INT8 -> { need(field, 1); long v = seg.get(ValueLayout.JAVA_BYTE, pos); pos += 1; yield v; }
            case UINT16 -> { need(field, 2); long v = Short.toUnsignedLong(seg.get(U16, pos)); pos += 2; yield v; }
            case INT16 -> { need(field, 2); long v = seg.get(U16, pos); pos += 2; yield v; }
            case UINT32 -> Integer.toUnsignedLong(u32(field));
            case INT32 -> (long) u32(field);
            case UINT64, INT64 -> u64(field);
            case FLOAT32 -> { need(field, 4); float v = seg.get(F32, pos); pos += 4; yield v; }
            case FLOAT64 -> { need(field, 8); double v = seg.get(F64, pos); pos += 8; yield v; }
            case BOOL -> {
                need(field, 1);
                byte b = seg.get(ValueLayout.JAVA_BYTE, pos);
                if (b != 0 && b != 1) throw error(field, pos, "bool value " + (b & 0xff) + " is neither 0 nor 1");
                pos += 1;
                yield b == 1;
            }
            case STRING -> string(field);
            case ARRAY -> {
                if (depth >= MAX_ARRAY_DEPTH) throw error(field, pos, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
                long typeAt = pos;
                int elemId = u32(field + " element type");
                GgufValueType elem = GgufValueType.byId(Integer.toUnsignedLong(elemId));
                if (elem == null) throw error(field + " element type", typeAt, "unknown array element type " + Integer.toUnsignedString(elemId));
                long countAt = pos;
                long count = u64(field + " array length");
                if (count < 0 || count > (size - pos) / elem.minEncodedSize() || count > Integer.MAX_VALUE - 8) {
                    throw error(field + " array length", countAt, "array of " + Long.toUnsignedString(count) + " " + elem + " values runs past the end of the file (" + size + " bytes)");
                }
                List<Object> list = new ArrayList<>((int) count);
                for (long i = 0; i < count; i++) list.add(value(elem, field + "[" + i + "]", depth + 1));
                yield new GgufArray(elem, list);
            }
        };
    }
}
