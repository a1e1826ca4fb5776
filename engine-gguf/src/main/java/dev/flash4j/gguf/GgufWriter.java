package dev.flash4j.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes GGUF files the way llama.cpp's own writer lays them out, so llama.cpp (and this reader)
 * read them: header, metadata in insertion order, tensor infos in insertion order, zero padding to
 * the alignment, then each tensor's data at an aligned offset, zero-padded to the alignment.
 *
 * <p>Tensor data is never gathered on the heap: each tensor has a source that streams its bytes into
 * the output channel ({@link StreamSource}) or fills a memory-mapped window of the output file
 * ({@link FillSource}), so a multi-GB model is written in constant heap. Metadata values are checked
 * and normalized when put (every integer becomes a {@code Long}, as the reader returns them), so a
 * written file reads back equal to what was put.
 *
 * <p>The alignment is 32 unless {@code general.alignment} is set (a power of two). The version is 3
 * unless {@link #version(int)} says 2 (the two differ only for big-endian files, which this writer
 * does not produce). {@link #writeSplit} writes llama.cpp-style shards.
 */
public final class GgufWriter {
    /** Streams exactly the tensor's byte size into {@code out} (which refuses more). */
    @FunctionalInterface
    public interface StreamSource {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /** Fills {@code target}, a writable window of the output file exactly the tensor's byte size long (shared: other threads may fill parts of it). */
    @FunctionalInterface
    public interface FillSource {
        void fill(MemorySegment target) throws IOException;
    }

    private record Value(GgufValueType type, Object value) {}

    private record Tensor(String name, GgmlType type, long[] dims, long bytes, StreamSource stream, FillSource fill) {}

    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();
    private int version = 3;

    /**
     * A writer holding all of {@code file}: its metadata ({@link #putAll}) and its tensors in their
     * order, to be written again as it is or changed first. The tensors' bytes are read from
     * {@code file} when written, so it must stay open until then.
     */
    public static GgufWriter copyOf(GgufFile file) {
        GgufWriter w = new GgufWriter().putAll(file.metadata());
        for (GgufTensor t : file.tensors().values()) w.addTensor(t);
        return w;
    }

    /** GGUF version to write: 3 (default) or 2. */
    public GgufWriter version(int version) {
        if (version != 2 && version != 3) throw new IllegalArgumentException("GGUF version must be 2 or 3, not " + version);
        this.version = version;
        return this;
    }

    // ---- metadata ----

    public GgufWriter putString(String key, String value) { return put(key, GgufValueType.STRING, value); }

    public GgufWriter putUInt8(String key, int value) { return put(key, GgufValueType.UINT8, value); }

    public GgufWriter putInt8(String key, int value) { return put(key, GgufValueType.INT8, value); }

    public GgufWriter putUInt16(String key, int value) { return put(key, GgufValueType.UINT16, value); }

    public GgufWriter putInt16(String key, int value) { return put(key, GgufValueType.INT16, value); }

    public GgufWriter putUInt32(String key, long value) { return put(key, GgufValueType.UINT32, value); }

    public GgufWriter putInt32(String key, int value) { return put(key, GgufValueType.INT32, value); }

    /** A UINT64; values above {@code Long.MAX_VALUE} are passed in two's complement. */
    public GgufWriter putUInt64(String key, long value) { return put(key, GgufValueType.UINT64, value); }

    public GgufWriter putInt64(String key, long value) { return put(key, GgufValueType.INT64, value); }

    public GgufWriter putFloat32(String key, float value) { return put(key, GgufValueType.FLOAT32, value); }

    public GgufWriter putFloat64(String key, double value) { return put(key, GgufValueType.FLOAT64, value); }

    public GgufWriter putBool(String key, boolean value) { return put(key, GgufValueType.BOOL, value); }

    /** An array of {@code elementType} values (for nested arrays: {@code ARRAY} and {@link GgufArray} elements). */
    public GgufWriter putArray(String key, GgufValueType elementType, List<?> values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(elementType, values));
    }

    /**
     * Sets {@code key} to {@code value} of {@code type}, replacing an earlier value in place (the key
     * keeps its position). Integers may be any {@link Number} without a fraction that fits the type;
     * floats any {@link Number}; arrays a {@link GgufArray}.
     *
     * @throws IllegalArgumentException when the value does not fit the type
     */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) throw new IllegalArgumentException("empty metadata key");
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > GgufParser.MAX_KEY_BYTES) throw new IllegalArgumentException("metadata key longer than " + GgufParser.MAX_KEY_BYTES + " bytes");
        Object v = MetadataValues.normalize(key, type, value, 0);
        if (key.equals("general.alignment")) MetadataValues.alignment(type, v);
        metadata.put(key, new Value(type, v));
        return this;
    }

    /** Removes {@code key} if present. */
    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /**
     * Copies every key of {@code source} with its type, in its order, except the {@code split.*} keys
     * (they describe the file it was read from; {@link #writeSplit} writes its own).
     */
    public GgufWriter putAll(GgufMetadata source) {
        for (String k : source.keys()) {
            if (k.equals(GgufFile.SPLIT_NO) || k.equals(GgufFile.SPLIT_COUNT) || k.equals(GgufFile.SPLIT_TENSORS_COUNT)) continue;
            put(k, source.type(k), source.get(k));
        }
        return this;
    }

    /** The metadata keys set so far, in the order they will be written. */
    public Set<String> keys() { return java.util.Collections.unmodifiableSet(metadata.keySet()); }

    /** The alignment the data section will use. */
    public int alignment() {
        Value a = metadata.get("general.alignment");
        return a == null ? GgufParser.DEFAULT_ALIGNMENT : MetadataValues.alignment(a.type(), a.value());
    }

    // ---- tensors ----

    /** Adds a tensor whose bytes {@code data} streams into the output channel. */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, StreamSource data) {
        Objects.requireNonNull(data, "data");
        add(checkedTensor(name, type, dims, data, null));
        return this;
    }

    /** Adds a tensor whose bytes {@code data} writes into a mapped window of the output file. */
    public GgufWriter addTensorFilled(String name, GgmlType type, long[] dims, FillSource data) {
        Objects.requireNonNull(data, "data");
        add(checkedTensor(name, type, dims, null, data));
        return this;
    }

    /** Adds a tensor whose bytes are {@code data} (for example a tensor of a mapped file); not copied until written. */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, MemorySegment data) {
        Tensor t = checkedTensor(name, type, dims, null, target -> target.copyFrom(data));
        if (data.byteSize() != t.bytes) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.byteSize() + " bytes given, " + type + " " + java.util.Arrays.toString(dims) + " needs " + t.bytes);
        }
        add(t);
        return this;
    }

    /** Adds a copy of a tensor read from a GGUF file (name, type, dims, bytes). */
    public GgufWriter addTensor(GgufTensor tensor) {
        return addTensor(tensor.name(), tensor.type(), tensor.dims(), tensor.data());
    }

    private void add(Tensor t) {
        tensorNames.add(t.name);
        tensors.add(t);
    }

    private Tensor checkedTensor(String name, GgmlType type, long[] dims, StreamSource stream, FillSource fill) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > GgufParser.MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' is longer than llama.cpp's " + GgufParser.MAX_TENSOR_NAME_BYTES + " bytes");
        }
        if (dims.length > GgufParser.MAX_DIMS) throw new IllegalArgumentException("tensor '" + name + "': " + dims.length + " dimensions, at most " + GgufParser.MAX_DIMS);
        long elements = 1;
        for (long d : dims) {
            if (d < 0) throw new IllegalArgumentException("tensor '" + name + "': negative dimension " + d);
            if (d != 0 && elements > Long.MAX_VALUE / d) throw new IllegalArgumentException("tensor '" + name + "': element count overflows");
            elements *= d;
        }
        long row = dims.length == 0 ? 1 : dims[0];
        if (row % type.blockSize() != 0) throw new IllegalArgumentException("tensor '" + name + "': row length " + row + " is not a multiple of " + type + "'s block size " + type.blockSize());
        if (elements / type.blockSize() > Long.MAX_VALUE / type.blockBytes() / 2) throw new IllegalArgumentException("tensor '" + name + "': byte size overflows");
        if (tensorNames.contains(name)) throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        return new Tensor(name, type, dims.clone(), elements / type.blockSize() * type.blockBytes(), stream, fill);
    }

    /** Number of tensors added so far. */
    public int tensorCount() { return tensors.size(); }

    // ---- writing ----

    /** Writes one GGUF file holding all metadata and tensors. */
    public void write(Path path) throws IOException {
        writeFile(path, metadata, tensors);
    }

    /**
     * Writes a split model as llama.cpp's gguf-split does: files {@code PREFIX-00001-of-0000N.gguf}
     * ({@code PREFIX} is {@code prefix} as a string), each holding the keys {@code split.no} (UINT16,
     * from 0), {@code split.count} (UINT16) and {@code split.tensors.count} (INT32) first; the first
     * shard also holds all other metadata, the others only {@code general.alignment} when set.
     * A shard takes tensors in order until it holds {@code maxTensors} tensors or one more would
     * bring its (padded) data past {@code maxBytes}; every shard holds at least one tensor.
     *
     * @return the shard paths, the first first
     */
    public List<Path> writeSplit(Path prefix, int maxTensors, long maxBytes) throws IOException {
        if (maxTensors < 1 || maxBytes < 1) throw new IllegalArgumentException("maxTensors and maxBytes must be positive");
        int align = alignment();
        List<List<Tensor>> groups = new ArrayList<>();
        List<Tensor> current = new ArrayList<>();
        long bytes = 0;
        for (Tensor t : tensors) {
            long padded = pad(t.bytes, align);
            if (!current.isEmpty() && (current.size() >= maxTensors || bytes + padded > maxBytes)) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(t);
            bytes += padded;
        }
        if (!current.isEmpty() || groups.isEmpty()) groups.add(current);
        int n = groups.size();
        if (n > 0xffff) throw new IllegalArgumentException("a split into " + n + " shards exceeds split.count's UINT16");
        List<Path> paths = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Value> md = new LinkedHashMap<>();
            md.put(GgufFile.SPLIT_NO, new Value(GgufValueType.UINT16, (long) i));
            md.put(GgufFile.SPLIT_COUNT, new Value(GgufValueType.UINT16, (long) n));
            md.put(GgufFile.SPLIT_TENSORS_COUNT, new Value(GgufValueType.INT32, (long) tensors.size()));
            for (Map.Entry<String, Value> e : metadata.entrySet()) {
                if (md.containsKey(e.getKey())) continue;
                if (i == 0 || e.getKey().equals("general.alignment")) md.put(e.getKey(), e.getValue());
            }
            Path p = Path.of(String.format("%s-%05d-of-%05d.gguf", prefix, i + 1, n));
            writeFile(p, md, groups.get(i));
            paths.add(p);
        }
        return paths;
    }

    private static long pad(long n, int align) {
        return (n + align - 1) / align * align;
    }

    private void writeFile(Path path, Map<String, Value> md, List<Tensor> ts) throws IOException {
        int align = md.containsKey("general.alignment") ? MetadataValues.alignment(md.get("general.alignment").type(), md.get("general.alignment").value()) : GgufParser.DEFAULT_ALIGNMENT;
        HeaderBuffer h = new HeaderBuffer();
        h.u32(GgufParser.MAGIC);
        h.u32(version);
        h.u64(ts.size());
        h.u64(md.size());
        for (Map.Entry<String, Value> e : md.entrySet()) {
            h.string(e.getKey());
            h.u32(e.getValue().type().id());
            MetadataValues.encode(h, e.getValue().type(), e.getValue().value());
        }
        long offset = 0;
        long[] offsets = new long[ts.size()];
        for (int i = 0; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            h.string(t.name);
            h.u32(t.dims.length);
            for (long d : t.dims) h.u64(d);
            h.u32(t.type.id());
            h.u64(offset);
            offsets[i] = offset;
            offset += pad(t.bytes, align);
        }
        h.padTo(align);
        long dataStart = h.length();
        // Written to a temporary file and moved into place: a failure leaves no half-written model,
        // and a model rewritten over its own (mapped) source keeps reading the old file until done.
        Path target = path.toAbsolutePath();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        // not Files.createTempFile: its owner-only permissions would stay on the model
        Path tmp = parent.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".part");
        boolean done = false;
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                writeFully(out, h.contents(), 0);
                for (int i = 0; i < ts.size(); i++) {
                    Tensor t = ts.get(i);
                    long at = dataStart + offsets[i];
                    if (t.bytes > 0) {
                        if (t.stream != null) {
                            out.position(at);
                            BoundedChannel bounded = new BoundedChannel(out, t.bytes, t.name);
                            t.stream.writeTo(bounded);
                            if (bounded.written() != t.bytes) {
                                throw new IOException("tensor '" + t.name + "': its source wrote " + bounded.written() + " of " + t.bytes + " bytes");
                            }
                        } else {
                            try (Arena arena = Arena.ofShared()) {
                                MemorySegment window = out.map(FileChannel.MapMode.READ_WRITE, at, t.bytes, arena);
                                t.fill.fill(window);
                            }
                        }
                    }
                    long padding = pad(t.bytes, align) - t.bytes;
                    if (padding > 0) writeFully(out, ByteBuffer.allocate((int) padding), at + t.bytes);
                }
                out.truncate(dataStart + offset);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) at += out.write(b, at);
    }

    /** Passes writes through to the file at its position, refusing bytes past the tensor's size. */
    private static final class BoundedChannel implements WritableByteChannel {
        private final FileChannel out;
        private final long limit;
        private final String name;
        private long written;

        BoundedChannel(FileChannel out, long limit, String name) {
            this.out = out;
            this.limit = limit;
            this.name = name;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (src.remaining() > limit - written) {
                throw new IOException("tensor '" + name + "': its source writes more than its " + limit + " bytes");
            }
            int n = 0;
            while (src.hasRemaining()) n += out.write(src);
            written += n;
            return n;
        }

        long written() { return written; }

        @Override public boolean isOpen() { return out.isOpen(); }

        @Override public void close() {} // the writer closes the file
    }
}
