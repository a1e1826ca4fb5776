package dev.flash4j.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Split models written by {@link GgufWriter#writeSplit} and opened from their first shard. */
class GgufSplitTest {
    @TempDir
    Path dir;

    @Test
    void aSplitModelOpensAsTheSameModel() throws Exception {
        try (GgufFile whole = GgufFile.open(TestData.model("step35-tiny-a-q4_k_s.gguf"))) {
            List<Path> shards = GgufWriter.copyOf(whole).writeSplit(dir.resolve("m"), 10, Long.MAX_VALUE);
            int n = (whole.tensors().size() + 9) / 10;
            assertEquals(n, shards.size());
            assertEquals(dir.resolve(String.format("m-00001-of-%05d.gguf", n)), shards.getFirst());
            try (GgufFile split = GgufFile.open(shards.getFirst())) {
                assertEquals(n, split.shards().size());
                assertEquals(List.copyOf(whole.tensors().keySet()), List.copyOf(split.tensors().keySet()), "tensors in order");
                for (GgufTensor t : whole.tensors().values()) {
                    GgufTensor s = split.require(t.name());
                    assertEquals(t.type(), s.type());
                    assertArrayEquals(t.dims(), s.dims());
                    assertEquals(-1L, t.data().mismatch(s.data()), t.name());
                    int shard = split.shardOf(s);
                    assertEquals(List.copyOf(split.tensors().keySet()).indexOf(t.name()) / 10, shard);
                    assertEquals(split.shards().get(shard).mapping().address() + split.fileOffset(s), s.data().address(), "zero copy");
                }
                for (String k : whole.metadata().keys()) assertEquals(whole.metadata().get(k), split.metadata().get(k), k);
                assertEquals(0L, split.metadata().getLong(GgufFile.SPLIT_NO));
                assertEquals(n, split.metadata().getLong(GgufFile.SPLIT_COUNT));
                assertEquals(GgufValueType.UINT16, split.metadata().type(GgufFile.SPLIT_COUNT));
                assertEquals(whole.tensors().size(), split.metadata().getLong(GgufFile.SPLIT_TENSORS_COUNT));
            }
            // a later shard holds only the split keys, as gguf-split writes it
            GgufParser.Parsed second = parseAlone(shards.get(1));
            assertEquals(List.of(GgufFile.SPLIT_NO, GgufFile.SPLIT_COUNT, GgufFile.SPLIT_TENSORS_COUNT), List.copyOf(second.metadata().keys()));
            assertEquals(1L, second.metadata().getLong(GgufFile.SPLIT_NO));
        }
    }

    @Test
    void maxBytesBoundsEveryShard() throws Exception {
        long limit = 1 << 20;
        try (GgufFile whole = GgufFile.open(TestData.model("step35-tiny-a-q8_0.gguf"))) {
            List<Path> shards = GgufWriter.copyOf(whole).writeSplit(dir.resolve("b"), Integer.MAX_VALUE, limit);
            assertTrue(shards.size() > 2);
            try (GgufFile split = GgufFile.open(shards.getFirst())) {
                assertEquals(whole.tensors().size(), split.tensors().size());
                for (GgufFile.Shard s : split.shards()) {
                    long data = s.mapping().byteSize() - s.dataOffset();
                    boolean single = split.tensors().values().stream().filter(t -> split.shards().get(split.shardOf(t)) == s).count() == 1;
                    assertTrue(data <= limit || single, s.path() + " holds " + data + " bytes of data");
                }
                float a = whole.require("output_norm.weight").data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 8);
                assertEquals(a, split.require("output_norm.weight").data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 8));
            }
        }
    }

    @Test
    void brokenSplitsAreReportedNamingTheShard() throws Exception {
        GgufWriter w = new GgufWriter().putString("general.architecture", "x");
        for (int i = 0; i < 3; i++) w.addTensor("t" + i, GgmlType.F32, new long[] {2}, GgufWriterTest.floats(i, i));
        List<Path> shards = w.writeSplit(dir.resolve("s"), 1, Long.MAX_VALUE);
        assertEquals(3, shards.size());

        GgufFormatException notFirst = assertThrows(GgufFormatException.class, () -> GgufFile.open(shards.get(1)));
        assertTrue(notFirst.getMessage().contains("open its first shard"), notFirst.getMessage());

        // a shard from another split in place of shard 3
        Path other = new GgufWriter().addTensor("t2", GgmlType.F32, new long[] {2}, GgufWriterTest.floats(0, 0))
                .addTensor("t3", GgmlType.F32, new long[] {2}, GgufWriterTest.floats(0, 0))
                .writeSplit(dir.resolve("o"), 1, Long.MAX_VALUE).get(1);
        Files.move(other, shards.get(2), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        GgufFormatException wrongCount = assertThrows(GgufFormatException.class, () -> GgufFile.open(shards.getFirst()));
        assertEquals(shards.get(2).toString(), wrongCount.file());
        assertEquals(GgufFile.SPLIT_COUNT, wrongCount.field());
        assertTrue(wrongCount.offset() > 24, "names the value's byte offset");

        Files.delete(shards.get(2));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> GgufFile.open(shards.getFirst()));
        assertEquals(shards.get(2).toString(), missing.getFile());

        // a first shard renamed so that its name no longer says 1 of 3
        Path renamed = Files.copy(shards.getFirst(), dir.resolve("plain.gguf"));
        assertThrows(GgufFormatException.class, () -> GgufFile.open(renamed));
    }

    @Test
    void splitCountOfWrongTypeIsAFormatError() throws Exception {
        Path p = dir.resolve("m-00001-of-00002.gguf");
        new GgufWriter().putString(GgufFile.SPLIT_COUNT, "two").write(p);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertEquals(GgufFile.SPLIT_COUNT, e.field());
        new GgufWriter().putUInt64(GgufFile.SPLIT_COUNT, -1L).write(p);
        assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        new GgufWriter().putUInt16(GgufFile.SPLIT_COUNT, 2).putInt32(GgufFile.SPLIT_TENSORS_COUNT, 5).write(p);
        new GgufWriter().putUInt16(GgufFile.SPLIT_NO, 1).putUInt16(GgufFile.SPLIT_COUNT, 2).write(dir.resolve("m-00002-of-00002.gguf"));
        GgufFormatException count = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertEquals(GgufFile.SPLIT_TENSORS_COUNT, count.field());
    }

    /** Parses one shard on its own (GgufFile.open refuses a shard other than the first). */
    private static GgufParser.Parsed parseAlone(Path shard) throws Exception {
        try (FileChannel ch = FileChannel.open(shard)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
            return new GgufParser(shard.toString(), seg).parse(shard);
        }
    }
}
