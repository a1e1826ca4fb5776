package dev.flash4j.runtime;

import dev.flash4j.core.WeightMatrix;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufTensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The interleaved copies of a model's K-quant, Q8_0, Q4_0 and IQ4 matrices ({@link Repack}), made or mapped at load
 * time, and handed to the weight loader as a function from a matrix to the same matrix reading its
 * copy. Holds the memory or the cache-file mapping: close it after the model's last use.
 *
 * <p>Which tensors: every tensor of an interleaved type with at least 16 rows, except the token
 * embedding when the model has its own output head (the embedding is only read a row at a time).
 *
 * <p>Cache file: a text header (what the copy was made from, the layout version and every tensor's
 * name, offset and size) padded to a page, then each tensor's packed groups at a page-aligned
 * offset. A cache is used only if its header equals the one this load would write, so a changed
 * model file, layout or tensor set never reads a stale copy. It is written to a temporary file
 * with ordinary writes (a full disk is then an exception, not a crash in a mapped store) and
 * renamed when complete. A new cache file replaces those made earlier from the same model path
 * ({@link #removeSuperseded}).
 */
public final class RepackedWeights implements UnaryOperator<WeightMatrix>, AutoCloseable {
    /**
     * Bumped whenever an interleaved byte layout changes: old cache files then stop matching. 2: the
     * Q4_0/IQ4_NL copies with each 64-column chunk's scales before its indexes; 3: the Q8_0 copy with
     * each 32-column sub-block's d before its quants.
     */
    static final int LAYOUT_VERSION = 3;
    private static final String MAGIC = "FLASH4J-REPACK";
    private static final long PAGE = 4096;
    /** Copies smaller than this stay in memory even with a cache directory (tests, tiny models). */
    static final long FILE_MIN_BYTES = 64L << 20;
    private static final long MEMORY_HEADROOM = 1L << 30, DISK_HEADROOM = 1L << 30;
    /** Rows packed per write into the cache file: bounds the staging buffer. */
    private static final long STAGING_BYTES = 256L << 20;

    /** How the copy was obtained, for the user ({@link #describe()}). */
    public enum Kind { NONE, MEMORY, FILE_MADE, FILE_REUSED }

    private final Map<String, MemorySegment> packed;
    private final Arena arena;
    private final Kind kind;
    private final long bytes;
    private final Path cacheFile;
    private final double seconds;
    private final String note;

    private RepackedWeights(Map<String, MemorySegment> packed, Arena arena, Kind kind, long bytes, Path cacheFile, double seconds, String note) {
        this.packed = packed;
        this.arena = arena;
        this.kind = kind;
        this.bytes = bytes;
        this.cacheFile = cacheFile;
        this.seconds = seconds;
        this.note = note;
    }

    /** One tensor of the copy: its matrix in the file and its packed bytes' place in the copy. */
    private record Entry(WeightMatrix matrix, long offset, long bytes) {}

    /** Makes or maps the copies {@code options} ask for; {@code pool} packs in parallel. */
    public static RepackedWeights prepare(GgufFile file, ModelOptions options, WorkerPool pool) throws IOException {
        Repack mode = options.repack();
        if (mode == Repack.OFF) return none("off");
        List<Entry> plan = plan(file);
        if (plan.isEmpty()) return none("no K-quant or Q8_0 matrices");
        long total = end(plan.getLast());
        Path dir = options.repackCache();
        boolean fileWanted = mode == Repack.FILE || (mode == Repack.AUTO && dir != null && total >= FILE_MIN_BYTES);
        if (fileWanted) {
            if (dir == null) throw new IllegalArgumentException("repack FILE needs a cache directory (ModelOptions.withRepackCache)");
            String header = header(file, plan);
            Path target = dir.resolve(file.path().getFileName() + "." + Long.toHexString(fnv(header)) + ".f4jrepack");
            RepackedWeights mapped = mapIfValid(target, header, plan);
            if (mapped != null) return mapped;
            try {
                if (mode == Repack.AUTO && !diskHasRoom(dir, total)) throw new IOException("not enough free disk space in " + dir);
                long t0 = System.nanoTime();
                write(target, header, plan, pool);
                RepackedWeights made = mapIfValid(target, header, plan);
                if (made == null) throw new IOException("the cache file " + target + " did not read back");
                removeSuperseded(dir, file, target, header);
                return new RepackedWeights(made.packed, made.arena, Kind.FILE_MADE, total, target, (System.nanoTime() - t0) / 1e9, null);
            } catch (IOException | UncheckedIOException e) {
                if (mode == Repack.FILE) throw new IOException("cannot write the repacked-weight cache file in " + dir + ": " + e.getMessage(), e);
                // AUTO: fall back to a copy in memory
                return inMemory(plan, total, pool, mode, "cache file not written (" + e.getMessage() + ")");
            }
        }
        return inMemory(plan, total, pool, mode, null);
    }

    private static RepackedWeights none(String why) {
        return new RepackedWeights(Map.of(), null, Kind.NONE, 0, null, 0, why);
    }

    private static RepackedWeights inMemory(List<Entry> plan, long total, WorkerPool pool, Repack mode, String note) {
        if (mode == Repack.AUTO && !memoryHasRoom(total)) {
            return none("an interleaved copy of " + gb(total) + " does not fit in the available memory" + (note == null ? "" : "; " + note));
        }
        long t0 = System.nanoTime();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment all = arena.allocate(total, PAGE);
            Map<String, MemorySegment> packed = new LinkedHashMap<>();
            for (Entry e : plan) {
                MemorySegment dst = all.asSlice(e.offset, e.bytes);
                e.matrix.interleaveInto(dst, pool);
                packed.put(e.matrix.name(), dst);
            }
            return new RepackedWeights(packed, arena, Kind.MEMORY, total, null, (System.nanoTime() - t0) / 1e9, note);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The tensors to copy, in file order, at page-aligned offsets from 0. */
    private static List<Entry> plan(GgufFile file) {
        boolean ownHead = file.tensor("output.weight") != null;
        List<Entry> plan = new ArrayList<>();
        long offset = 0;
        for (GgufTensor t : file.tensors().values()) {
            if (ownHead && t.name().equals("token_embd.weight")) continue;
            if (t.rowCount() > Integer.MAX_VALUE || t.rowLength() > Integer.MAX_VALUE) continue;
            WeightMatrix w = WeightMatrix.of(t);
            long n = w.interleavedBytes();
            if (n <= 0) continue;
            plan.add(new Entry(w, offset, n));
            offset = align(offset + n);
        }
        return plan;
    }

    private static long end(Entry e) {
        return align(e.offset + e.bytes);
    }

    private static long align(long n) {
        return (n + PAGE - 1) / PAGE * PAGE;
    }

    /** What the copy is made of: equal headers mean an equal copy. */
    private static String header(GgufFile file, List<Entry> plan) throws IOException {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("layout ").append(LAYOUT_VERSION).append('\n');
        for (GgufFile.Shard s : file.shards()) {
            Path p = s.path();
            sb.append(sourceLine(p)).append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis()).append('\n');
        }
        for (Entry e : plan) {
            WeightMatrix w = e.matrix;
            sb.append("tensor ").append(w.name()).append(' ').append(w.type()).append(' ').append(w.rows()).append('x').append(w.cols())
                    .append(' ').append(e.offset).append(' ').append(e.bytes).append('\n');
        }
        return sb.append("end\n").toString();
    }

    private static long headerBytes(String header) {
        return align(header.getBytes(StandardCharsets.UTF_8).length);
    }

    /** The cache file mapped, if it exists and was made from exactly this plan; null otherwise. */
    private static RepackedWeights mapIfValid(Path target, String header, List<Entry> plan) throws IOException {
        if (!Files.isRegularFile(target)) return null;
        byte[] want = header.getBytes(StandardCharsets.UTF_8);
        long dataStart = headerBytes(header), total = end(plan.getLast());
        if (Files.size(target) != dataStart + total) return null;
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
            ByteBuffer got = ByteBuffer.allocate(want.length);
            while (got.hasRemaining() && ch.read(got) >= 0) { }
            if (!java.util.Arrays.equals(got.array(), want)) {
                arena.close();
                return null;
            }
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, total, arena);
            Map<String, MemorySegment> packed = new LinkedHashMap<>();
            for (Entry e : plan) packed.put(e.matrix.name(), data.asSlice(e.offset, e.bytes));
            return new RepackedWeights(packed, arena, Kind.FILE_REUSED, total, target, 0, null);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Deletes the other cache files in {@code dir} made from the same model path that no load
     * would read again: made from an earlier version of the file (another size or time stamp), or
     * by a build with another byte layout. Each is as large as the model's K-quant, Q8_0, Q4_0
     * and IQ4 matrices (about 100 GB for the real model). Kept: files of other model paths, and
     * files of this model version and layout with another tensor set, which a JVM with other
     * vector widths makes and reads (IQ4_XS, IQ4_NL and Q4_0 have an interleaved copy on 512-bit
     * vectors only);
     * deleting those made every switch of width rewrite the cache. A process that still maps a
     * deleted file keeps reading it (POSIX); a file that cannot be deleted is left. {@code header}
     * is the one just written to {@code keep} ({@link #header}), compared without reading it back.
     */
    static void removeSuperseded(Path dir, GgufFile file, Path keep, String header) {
        List<String> ours = List.of(header.split("\n"));
        String prefix = file.path().getFileName() + ".", source = sourcePath(ours);
        List<String> version = modelAndLayout(ours);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (p.equals(keep) || !name.startsWith(prefix) || !name.endsWith(".f4jrepack")) continue;
                List<String> theirs = headerLines(p);
                if (theirs == null || !source.equals(sourcePath(theirs)) || version.equals(modelAndLayout(theirs))) continue;
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // in use where open files cannot be deleted: a later load removes it
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a cache directory that cannot be listed keeps its files
        }
    }

    /** A model file's {@code source} line of {@link #header} up to its size and time stamp. */
    private static String sourceLine(Path shard) {
        return "source " + shard.toAbsolutePath().normalize();
    }

    /** The {@code layout} and {@code source} lines of a header: what a model version and build layout are. */
    private static List<String> modelAndLayout(List<String> header) {
        return header.stream().filter(l -> l.startsWith("layout ") || l.startsWith("source ")).toList();
    }

    /** The first {@code source} line of a header without its size and time stamp (the model's path), or "" if none. */
    private static String sourcePath(List<String> header) {
        for (String line : header) {
            if (!line.startsWith("source ")) continue;
            // "source PATH SIZE MILLIS": the path may hold spaces, the two numbers do not
            int millis = line.lastIndexOf(' '), size = millis < 0 ? -1 : line.lastIndexOf(' ', millis - 1);
            return size < 0 ? "" : line.substring(0, size);
        }
        return "";
    }

    /**
     * A cache file's header lines up to {@code end} within its first 64 KB (enough for the
     * {@code layout} and {@code source} lines, which come before the tensors), or null if the file
     * does not start as a cache.
     */
    private static List<String> headerLines(Path cache) {
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 16));
            while (b.hasRemaining() && ch.read(b) >= 0) { }
            String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
            if (!text.startsWith(MAGIC + "\n")) return null;
            int end = text.indexOf("\nend\n");
            return List.of((end < 0 ? text : text.substring(0, end)).split("\n"));
        } catch (IOException e) {
            return null;
        }
    }

    /** Packs every tensor of the plan into a temporary file next to {@code target}, then renames it. */
    private static void write(Path target, String header, List<Entry> plan, WorkerPool pool) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            long dataStart = headerBytes(header);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 Arena staging = Arena.ofShared()) { // shared: the pool's threads pack into it
                writeFully(ch, ByteBuffer.wrap(header.getBytes(StandardCharsets.UTF_8)), 0);
                long largest = plan.stream().mapToLong(e -> e.bytes).max().orElse(0);
                long perGroupMax = plan.stream().mapToLong(e -> e.bytes / (e.matrix.rows() / 16)).max().orElse(0);
                MemorySegment buffer = staging.allocate(Math.min(largest, STAGING_BYTES + perGroupMax), PAGE);
                for (Entry e : plan) writeTensor(ch, dataStart + e.offset, e, buffer, pool);
                long size = dataStart + end(plan.getLast());
                if (ch.size() < size) writeFully(ch, ByteBuffer.allocate(1), size - 1); // the last tensor's padding
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** One tensor's groups, packed a slice of rows at a time into {@code buffer} and written at {@code pos}. */
    private static void writeTensor(FileChannel ch, long pos, Entry e, MemorySegment buffer, WorkerPool pool) throws IOException {
        WeightMatrix w = e.matrix;
        long perGroup = e.bytes / (w.rows() / 16);
        int groupsPerWrite = (int) Math.max(1, Math.min(w.rows() / 16, STAGING_BYTES / perGroup));
        for (int g = 0; g < w.rows() / 16; g += groupsPerWrite) {
            int n = Math.min(groupsPerWrite, w.rows() / 16 - g);
            MemorySegment dst = buffer.asSlice(0, n * perGroup);
            w.slice(g * 16, n * 16).interleaveInto(dst, pool);
            writeFully(ch, dst.asByteBuffer(), pos + g * perGroup);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) pos += ch.write(b, pos);
    }

    private static boolean diskHasRoom(Path dir, long bytes) throws IOException {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return false;
        return Files.getFileStore(existing).getUsableSpace() >= bytes + DISK_HEADROOM;
    }

    /** Whether {@code bytes} more fit in the memory the system has available (MemAvailable on Linux). */
    static boolean memoryHasRoom(long bytes) {
        return bytes + MEMORY_HEADROOM <= availableMemory();
    }

    static long availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the JVM below
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getFreeMemorySize() : 0;
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static String gb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    /** {@code w} reading its interleaved copy, or {@code w} itself when it has none. */
    @Override
    public WeightMatrix apply(WeightMatrix w) {
        MemorySegment s = packed.get(w.name());
        return s == null || w.interleaved() != null ? w : w.interleavedFrom(s);
    }

    public Kind kind() {
        return kind;
    }

    /** Bytes of the interleaved copy (0 when there is none). */
    public long bytes() {
        return bytes;
    }

    /** The cache file, or null when the copy is in memory or absent. */
    public Path cacheFile() {
        return cacheFile;
    }

    /** One line for the user: where the weights are read from and what that costs. */
    public String describe() {
        return switch (kind) {
            case NONE -> "weights: read in place from the mapped file (repack " + note + ")";
            case MEMORY -> String.format(java.util.Locale.ROOT, "weights: interleaved copy of the K-quant, Q8_0, Q4_0 and IQ4 matrices in memory, %s (made in %.1f s)%s",
                    gb(bytes), seconds, note == null ? "" : "; " + note);
            case FILE_MADE -> String.format(java.util.Locale.ROOT, "weights: interleaved copy of the K-quant, Q8_0, Q4_0 and IQ4 matrices written to %s, %s (made once, in %.1f s)",
                    cacheFile, gb(bytes), seconds);
            case FILE_REUSED -> "weights: interleaved copy of the K-quant, Q8_0, Q4_0 and IQ4 matrices mapped from " + cacheFile + ", " + gb(bytes);
        };
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}
