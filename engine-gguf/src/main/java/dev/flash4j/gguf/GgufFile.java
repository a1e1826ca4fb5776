package dev.flash4j.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GGUF model opened for reading: metadata, tensor infos, and every tensor's bytes as a zero-copy
 * slice of the file's read-only memory mapping.
 *
 * <p>A split model ({@code name-00001-of-0000N.gguf}) is opened from its first shard: every shard
 * is mapped and the tensors of all shards form one model; metadata comes from the first shard.
 * The mappings live until {@link #close()}; touching a tensor's segment afterwards throws
 * {@link IllegalStateException}.
 */
public final class GgufFile implements AutoCloseable {
    /** llama.cpp's shard names: {@code PREFIX-%05d-of-%05d.gguf}, numbered from 1. */
    private static final Pattern SPLIT_NAME = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf");
    /** The split keys llama.cpp's gguf-split writes into every shard (split.no counts from 0). */
    public static final String SPLIT_NO = "split.no", SPLIT_COUNT = "split.count", SPLIT_TENSORS_COUNT = "split.tensors.count";
    private static final int MAX_SHARDS = 99_999;

    private final Path path;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensor> tensors;
    private final Map<String, Integer> shardOf;
    private final List<Shard> shards;
    private final Arena arena;

    /** One mapped file of a (possibly split) model. */
    public record Shard(Path path, MemorySegment mapping, long dataOffset, int alignment) {}

    private GgufFile(Path path, int version, GgufMetadata metadata, Map<String, GgufTensor> tensors, Map<String, Integer> shardOf, List<Shard> shards, Arena arena) {
        this.shardOf = Map.copyOf(shardOf);
        this.path = path;
        this.version = version;
        this.metadata = metadata;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.shards = List.copyOf(shards);
        this.arena = arena;
    }

    /**
     * Opens and validates a GGUF file (and, for the first shard of a split model, its sibling shards).
     *
     * @throws GgufFormatException when the file is not valid GGUF; the message names file, field and offset
     * @throws NoSuchFileException when a file (or a shard of a split model) is missing
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            GgufParser.Parsed first = parseShard(path, arena);
            List<GgufParser.Parsed> parts = new ArrayList<>();
            parts.add(first);
            int splitCount = splitKey(first, path, SPLIT_COUNT, 1, MAX_SHARDS, 1);
            if (splitCount > 1) {
                Matcher m = SPLIT_NAME.matcher(path.getFileName().toString());
                int splitNo = splitKey(first, path, SPLIT_NO, 0, splitCount - 1, 0);
                if (splitNo != 0 || !m.matches() || Integer.parseInt(m.group(2)) != 1) {
                    throw new GgufFormatException(path.toString(), SPLIT_COUNT, first.valueOffsets().get(SPLIT_COUNT),
                            "file is shard " + (splitNo + 1) + " of " + splitCount + " of a split model; open its first shard (NAME-00001-of-" + String.format("%05d", splitCount) + ".gguf)");
                }
                if (Integer.parseInt(m.group(3)) != splitCount) {
                    throw new GgufFormatException(path.toString(), SPLIT_COUNT, first.valueOffsets().get(SPLIT_COUNT),
                            "declares " + splitCount + " shards but the file name says " + Integer.parseInt(m.group(3)));
                }
                for (int i = 2; i <= splitCount; i++) {
                    Path shardPath = path.resolveSibling(String.format("%s-%05d-of-%05d.gguf", m.group(1), i, splitCount));
                    if (!Files.exists(shardPath)) {
                        throw new NoSuchFileException(shardPath.toString(), null, "shard " + i + " of " + splitCount + " is missing");
                    }
                    GgufParser.Parsed part = parseShard(shardPath, arena);
                    int count = splitKey(part, shardPath, SPLIT_COUNT, 1, MAX_SHARDS, -1);
                    if (count != splitCount) {
                        throw new GgufFormatException(shardPath.toString(), SPLIT_COUNT, offsetOf(part, SPLIT_COUNT),
                                (count < 0 ? "is missing" : "is " + count) + " but the first shard declares " + splitCount);
                    }
                    int no = splitKey(part, shardPath, SPLIT_NO, 0, MAX_SHARDS, -1);
                    if (no != i - 1) {
                        throw new GgufFormatException(shardPath.toString(), SPLIT_NO, offsetOf(part, SPLIT_NO),
                                (no < 0 ? "is missing" : "is " + no) + " but this file's name makes it shard number " + (i - 1) + " (counting from 0)");
                    }
                    parts.add(part);
                }
            }
            Map<String, GgufTensor> all = new LinkedHashMap<>();
            Map<String, Integer> shardOf = new HashMap<>();
            List<Shard> shards = new ArrayList<>();
            for (GgufParser.Parsed p : parts) {
                shards.add(p.shard());
                for (GgufTensor t : p.tensors()) {
                    if (all.putIfAbsent(t.name(), t) != null) {
                        throw new GgufFormatException(p.shard().path().toString(), "tensor '" + t.name() + "'", 0, "the tensor also appears in an earlier shard");
                    }
                    shardOf.put(t.name(), shards.size() - 1);
                }
            }
            if (first.metadata().has(SPLIT_TENSORS_COUNT)) {
                long expected = splitKey(first, path, SPLIT_TENSORS_COUNT, 0, Integer.MAX_VALUE, 0);
                if (expected != all.size()) {
                    throw new GgufFormatException(path.toString(), SPLIT_TENSORS_COUNT, offsetOf(first, SPLIT_TENSORS_COUNT),
                            "declares " + expected + " tensors but the " + parts.size() + " shard(s) hold " + all.size());
                }
            }
            return new GgufFile(path, first.version(), first.metadata(), all, shardOf, shards, arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static long offsetOf(GgufParser.Parsed p, String key) {
        return p.valueOffsets().getOrDefault(key, 0L);
    }

    /** An integer split.* value in [min, max], or {@code absent} when the key is missing. */
    private static int splitKey(GgufParser.Parsed p, Path path, String key, int min, int max, int absent) throws GgufFormatException {
        GgufMetadata md = p.metadata();
        if (!md.has(key)) return absent;
        Object v = md.get(key);
        if (!md.type(key).isInteger() || !(v instanceof Long l) || l < min || l > max) {
            throw new GgufFormatException(path.toString(), key, offsetOf(p, key), "must be an integer in " + min + ".." + max + ", found " + v + " (" + md.type(key) + ")");
        }
        return (int) (long) l;
    }

    private static GgufParser.Parsed parseShard(Path path, Arena arena) throws IOException {
        if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "no such file");
        if (Files.isDirectory(path)) throw new GgufFormatException(path.toString(), "file", 0, "is a directory, not a GGUF file");
        MemorySegment mapping;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            mapping = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        }
        return new GgufParser(path.toString(), mapping).parse(path);
    }

    public Path path() { return path; }

    public int version() { return version; }

    public GgufMetadata metadata() { return metadata; }

    /** Tensors in file order (shard by shard). */
    public Map<String, GgufTensor> tensors() { return tensors; }

    public GgufTensor tensor(String name) { return tensors.get(name); }

    /** The tensor, or an exception naming the missing tensor and the file. */
    public GgufTensor require(String name) {
        GgufTensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(path + ": missing tensor '" + name + "'");
        return t;
    }

    /** The mapped files, the first shard first (one for an unsplit model). */
    public List<Shard> shards() { return shards; }

    /** Index in {@link #shards()} of the shard that holds {@code tensor}. */
    public int shardOf(GgufTensor tensor) {
        Integer i = shardOf.get(tensor.name());
        if (i == null || tensors.get(tensor.name()) != tensor) throw new IllegalArgumentException("tensor '" + tensor.name() + "' is not from " + path);
        return i;
    }

    /** Offset of the tensor's first byte in its shard's file. */
    public long fileOffset(GgufTensor tensor) {
        return shards.get(shardOf(tensor)).dataOffset() + tensor.offset();
    }

    /** Total bytes of all tensor data. */
    public long tensorBytes() {
        long n = 0;
        for (GgufTensor t : tensors.values()) n += t.byteSize();
        return n;
    }

    /** Unmaps every shard. Segments obtained from this file become inaccessible. */
    @Override
    public void close() {
        arena.close();
    }
}
