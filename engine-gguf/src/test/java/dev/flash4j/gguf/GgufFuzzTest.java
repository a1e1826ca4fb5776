package dev.flash4j.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Mutates valid GGUF files thousands of times (truncation, byte flips, forged counts, lengths, type
 * ids, dimensions and offsets) and requires that each parse either succeeds with every tensor inside
 * the file or fails with a {@link GgufFormatException} that names the file and a byte offset inside
 * it: no other exception, no OutOfMemoryError, and no parse that takes a second of CPU.
 *
 * <p>Most mutations are parsed from memory (a native copy of the file, restored after each one);
 * a second series writes mutated shards of a split model to disk and opens them with
 * {@link GgufFile#open}, which also checks the split keys. Seeds are fixed: a failure prints the
 * iteration, and the run is reproducible.
 */
class GgufFuzzTest {
    private static final int ITERATIONS_PER_FILE = 1500;
    private static final long MAX_NANOS_PER_OPEN = 1_000_000_000L;

    @TempDir
    Path dir;

    private record Outcome(int ok, int formatErrors, OpenTimes times) {}

    /**
     * The time of every open: each one's CPU time is bounded (a blow-up fails the test), the
     * maxima and the wall total are reported. CPU time of this thread, since the bound is on the
     * parser's own work, which wall time on a machine shared with other builds does not measure
     * (waiting for a core, GC threads).
     */
    private static final class OpenTimes {
        long maxNanos, maxCpuNanos, totalNanos;
        private long wallStart, cpuStart;

        void start() {
            wallStart = System.nanoTime();
            cpuStart = cpuNanos();
        }

        void stop(String what) {
            long nanos = System.nanoTime() - wallStart, cpu = cpuNanos() - cpuStart;
            assertTrue(cpu < MAX_NANOS_PER_OPEN, what + " took " + cpu / 1e6 + " ms of CPU");
            maxNanos = Math.max(maxNanos, nanos);
            maxCpuNanos = Math.max(maxCpuNanos, cpu);
            totalNanos += nanos;
        }

        void add(OpenTimes o) {
            maxNanos = Math.max(maxNanos, o.maxNanos);
            maxCpuNanos = Math.max(maxCpuNanos, o.maxCpuNanos);
            totalNanos += o.totalNanos;
        }

        private static long cpuNanos() {
            return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }
    }

    @Test
    void mutatedFilesFailOnlyWithFormatErrors() throws Exception {
        List<Path> corpus = new ArrayList<>(TestData.models());
        Path synthetic = dir.resolve("synthetic.gguf");
        GgufWriterTest.allValueTypes().putUInt32("general.alignment", 64)
                .addTensor("a", GgmlType.Q4_K, new long[] {256, 2}, MemorySegment.ofArray(new byte[288]))
                .addTensor("b", GgmlType.F16, new long[] {3, 1, 2}, MemorySegment.ofArray(new byte[12]))
                .addTensor("c", GgmlType.I32, new long[] {}, MemorySegment.ofArray(new byte[4]))
                .write(synthetic);
        corpus.add(synthetic);

        int total = 0, ok = 0, errors = 0;
        OpenTimes times = new OpenTimes();
        long t0 = System.nanoTime();
        for (int f = 0; f < corpus.size(); f++) {
            Outcome o = fuzzInMemory(corpus.get(f), 1000L + f);
            total += ITERATIONS_PER_FILE;
            ok += o.ok;
            errors += o.formatErrors;
            times.add(o.times);
        }
        System.out.printf("GGUF fuzz (memory): %d mutations of %d files in %.1f s: %d parsed, %d GgufFormatException; per parse max %.1f ms wall, %.1f ms CPU, mean %.3f ms wall%n",
                total, corpus.size(), (System.nanoTime() - t0) / 1e9, ok, errors, times.maxNanos / 1e6, times.maxCpuNanos / 1e6, times.totalNanos / 1e6 / total);
        assertEquals(total, ok + errors);
        assertTrue(errors > total / 2, "most mutations should be caught, only " + errors + " of " + total);
    }

    private Outcome fuzzInMemory(Path path, long seed) throws Exception {
        byte[] pristine = Files.readAllBytes(path);
        HeaderMap map = new HeaderMap(pristine);
        int header = Math.min(pristine.length, map.headerEnd + 256);
        Random rnd = new Random(seed);
        int ok = 0, errors = 0;
        OpenTimes times = new OpenTimes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(pristine.length, 4096);
            MemorySegment.copy(pristine, 0, seg, ValueLayout.JAVA_BYTE, 0, pristine.length);
            for (int it = 0; it < ITERATIONS_PER_FILE; it++) {
                long length = mutate(seg, pristine.length, header, map, rnd);
                MemorySegment view = seg.asSlice(0, length);
                String what = path.getFileName() + " mutation #" + it + " (seed " + seed + ")";
                times.start();
                try {
                    GgufParser.Parsed parsed = new GgufParser(path.toString(), view).parse(path);
                    for (GgufTensor t : parsed.tensors()) {
                        // bounds were checked: a tensor is inside the view
                        assertTrue(t.data().address() >= view.address() && t.data().address() + t.byteSize() <= view.address() + length, what);
                        if (t.byteSize() > 0) t.data().get(ValueLayout.JAVA_BYTE, t.byteSize() - 1);
                    }
                    ok++;
                } catch (GgufFormatException e) {
                    assertEquals(path.toString(), e.file(), what);
                    assertTrue(e.offset() >= 0 && e.offset() <= length, what + ": offset " + e.offset() + " outside the file: " + e.getMessage());
                    assertFalse(e.getMessage().contains("\n"), what + ": one line");
                    errors++;
                } catch (Throwable t) {
                    fail(what + ": " + t, t);
                }
                times.stop(what);
                MemorySegment.copy(pristine, 0, seg, ValueLayout.JAVA_BYTE, 0, header); // restore
            }
        }
        return new Outcome(ok, errors, times);
    }

    /** Applies one random mutation in place (within the first {@code header} bytes) and returns the file length to parse. */
    static long mutate(MemorySegment seg, long size, int header, HeaderMap map, Random rnd) {
        long length = size;
        int kind = rnd.nextInt(10);
        switch (kind) {
            case 0 -> length = rnd.nextInt(header + 1); // truncated inside the header
            case 1 -> length = rnd.nextLong(size + 1); // truncated anywhere, mostly inside tensor data
            case 2, 3 -> { // a few random bytes
                int n = 1 + rnd.nextInt(8);
                for (int i = 0; i < n; i++) seg.set(ValueLayout.JAVA_BYTE, rnd.nextInt(header), (byte) rnd.nextInt(256));
            }
            case 4 -> { // one bit
                int at = rnd.nextInt(header);
                seg.set(ValueLayout.JAVA_BYTE, at, (byte) (seg.get(ValueLayout.JAVA_BYTE, at) ^ (1 << rnd.nextInt(8))));
            }
            default -> { // a forged count, length, type id, dimension or offset; sometimes two
                int n = kind == 9 ? 2 : 1;
                for (int i = 0; i < n; i++) {
                    HeaderMap.Field f = map.fields.get(rnd.nextInt(map.fields.size()));
                    long old = f.width() == 4 ? Integer.toUnsignedLong(seg.get(LE32, f.offset())) : seg.get(LE64, f.offset());
                    long v = forged(old, size, f.offset(), rnd);
                    if (f.width() == 4) seg.set(LE32, f.offset(), (int) v);
                    else seg.set(LE64, f.offset(), v);
                }
            }
        }
        return length;
    }

    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static long forged(long old, long size, long at, Random rnd) {
        return switch (rnd.nextInt(14)) {
            case 0 -> 0;
            case 1 -> 1L << 60;
            case 2 -> -1L;
            case 3 -> Long.MAX_VALUE;
            case 4 -> Long.MIN_VALUE;
            case 5 -> size;
            case 6 -> size - at;
            case 7 -> size - at - 8;
            case 8 -> old + 1;
            case 9 -> old - 1;
            case 10 -> old * 2 + 32;
            case 11 -> 1L << 32;
            case 12 -> 0x7fff_ffffL;
            default -> rnd.nextLong();
        };
    }

    /** Mutated shards of a split model, written to disk and opened from the first shard. */
    @Test
    void mutatedSplitShardsOnDiskFailOnlyWithFormatErrors() throws Exception {
        GgufWriter w = GgufWriterTest.allValueTypes();
        for (int i = 0; i < 6; i++) w.addTensor("t" + i, GgmlType.Q8_0, new long[] {32, i + 1}, MemorySegment.ofArray(new byte[34 * (i + 1)]));
        Path src = Files.createDirectories(dir.resolve("src"));
        List<Path> shards = w.writeSplit(src.resolve("m"), 2, Long.MAX_VALUE);
        assertEquals(3, shards.size());
        Path work = Files.createDirectories(dir.resolve("work"));
        List<byte[]> pristine = new ArrayList<>();
        List<HeaderMap> maps = new ArrayList<>();
        for (Path s : shards) {
            pristine.add(Files.readAllBytes(s));
            maps.add(new HeaderMap(pristine.getLast()));
        }
        Random rnd = new Random(77);
        int iterations = 600, ok = 0, errors = 0, missing = 0;
        OpenTimes times = new OpenTimes();
        long t0All = System.nanoTime();
        for (int it = 0; it < iterations; it++) {
            int victim = rnd.nextInt(shards.size());
            for (int s = 0; s < shards.size(); s++) {
                byte[] bytes = pristine.get(s);
                Path out = work.resolve(shards.get(s).getFileName());
                if (s == victim) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment seg = arena.allocate(bytes.length);
                        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
                        long len = mutate(seg, bytes.length, bytes.length, maps.get(s), rnd);
                        Files.write(out, seg.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));
                    }
                } else {
                    Files.write(out, bytes);
                }
            }
            String what = "split mutation #" + it + " of shard " + (victim + 1);
            times.start();
            try (GgufFile f = GgufFile.open(work.resolve(shards.getFirst().getFileName()))) {
                for (GgufTensor t : f.tensors().values()) if (t.byteSize() > 0) t.data().get(ValueLayout.JAVA_BYTE, t.byteSize() - 1);
                ok++;
            } catch (GgufFormatException e) {
                assertTrue(e.getMessage().startsWith(work.toString()), what + ": names the file: " + e.getMessage());
                errors++;
            } catch (java.nio.file.NoSuchFileException e) {
                missing++; // a forged split.count asks for a shard that does not exist: reported as a missing file
            } catch (Throwable t) {
                fail(what + ": " + t, t);
            }
            times.stop(what);
        }
        System.out.printf("GGUF fuzz (split on disk): %d mutations in %.1f s: %d opened, %d GgufFormatException, %d missing shard; per open max %.1f ms wall, %.1f ms CPU%n",
                iterations, (System.nanoTime() - t0All) / 1e9, ok, errors, missing, times.maxNanos / 1e6, times.maxCpuNanos / 1e6);
        assertEquals(iterations, ok + errors + missing);
    }
}
