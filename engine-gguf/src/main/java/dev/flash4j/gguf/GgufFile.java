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
    private static final Pattern SPLIT_NAME = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf");

    private final Path path;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensor> tensors;
    private final List<Shard> shards;
    private final Arena arena;

    /** One mapped file of a (possibly split) model. */
    public record Shard(Path path, MemorySegment mapping, long dataOffset, int alignment) {}

    private GgufFile(Path path, int version, GgufMetadata metadata, Map<String, GgufTensor> tensors, List<Shard> shards, Arena arena) {
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
     * @throws NoSuchFileException when a file is missing
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            GgufParser.Parsed first = parseShard(path, arena);
            List<GgufParser.Parsed> parts = new ArrayList<>();
            parts.add(first);
            int splitCount = first.metadata().has("split.count") ? (int) first.metadata().getLong("split.count") : 1;
            if (splitCount > 1) {
                Matcher m = SPLIT_NAME.matcher(path.getFileName().toString());
                if (!m.matches() || Integer.parseInt(m.group(2)) != 1) {
                    throw new GgufFormatException(path.toString(), "split.count", 0,
                            "file is one shard of " + splitCount + "; open the first shard (*-00001-of-" + String.format("%05d", splitCount) + ".gguf)");
                }
                for (int i = 2; i <= splitCount; i++) {
                    Path shard = path.resolveSibling(String.format("%s-%05d-of-%05d.gguf", m.group(1), i, splitCount));
                    parts.add(parseShard(shard, arena));
                }
            }
            Map<String, GgufTensor> all = new LinkedHashMap<>();
            List<Shard> shards = new ArrayList<>();
            for (GgufParser.Parsed p : parts) {
                shards.add(p.shard());
                for (GgufTensor t : p.tensors()) {
                    if (all.putIfAbsent(t.name(), t) != null) {
                        throw new GgufFormatException(p.shard().path().toString(), "tensor name", 0, "tensor '" + t.name() + "' appears in more than one shard");
                    }
                }
            }
            if (first.metadata().has("split.tensors.count")) {
                long expected = first.metadata().getLong("split.tensors.count");
                if (expected != all.size()) {
                    throw new GgufFormatException(path.toString(), "split.tensors.count", 0,
                            "declares " + expected + " tensors but the shards hold " + all.size());
                }
            }
            return new GgufFile(path, first.version(), first.metadata(), all, shards, arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static GgufParser.Parsed parseShard(Path path, Arena arena) throws IOException {
        if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "no such file");
        if (Files.isDirectory(path)) throw new GgufFormatException(path.toString(), "file", 0, "is a directory");
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

    public List<Shard> shards() { return shards; }

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
