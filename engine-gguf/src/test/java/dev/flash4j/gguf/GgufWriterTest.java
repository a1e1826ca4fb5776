package dev.flash4j.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class GgufWriterTest {
    @TempDir
    Path dir;

    /** Every value type, nested arrays, extremes and odd strings. */
    static GgufWriter allValueTypes() {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "test")
                .putString("s.unicode", "héllo wörld ✓ \uD83D\uDE00 \"quoted\"\nnewline")
                .putString("s.empty", "")
                .putUInt8("u8", 255).putInt8("i8", -128)
                .putUInt16("u16", 65535).putInt16("i16", -32768)
                .putUInt32("u32", 0xffff_ffffL).putInt32("i32", Integer.MIN_VALUE)
                .putUInt64("u64", -1L).putInt64("i64", Long.MIN_VALUE)
                .putFloat32("f32", 1.0e-5f).putFloat32("f32.nan", Float.NaN).putFloat32("f32.inf", Float.NEGATIVE_INFINITY)
                .putFloat64("f64", Math.PI)
                .putBool("b.true", true).putBool("b.false", false)
                .putArray("a.u8", GgufValueType.UINT8, List.of(0, 1, 255))
                .putArray("a.i32", GgufValueType.INT32, List.of(-1, 2, Integer.MAX_VALUE))
                .putArray("a.u64", GgufValueType.UINT64, List.of(-1L, 0L))
                .putArray("a.f32", GgufValueType.FLOAT32, List.of(0.5f, -2.25f, 3))
                .putArray("a.f64", GgufValueType.FLOAT64, List.of(1e300, -0.0))
                .putArray("a.bool", GgufValueType.BOOL, List.of(true, false, true))
                .putArray("a.str", GgufValueType.STRING, List.of("a", "", "ü"))
                .putArray("a.empty", GgufValueType.INT16, List.of())
                .putArray("a.nested", GgufValueType.ARRAY, List.of(
                        new GgufArray(GgufValueType.STRING, List.of("x", "y")),
                        new GgufArray(GgufValueType.ARRAY, List.of(new GgufArray(GgufValueType.UINT16, List.of(7, 8, 9)))),
                        new GgufArray(GgufValueType.FLOAT32, List.of())));
        return w;
    }

    @Test
    void everyValueTypeRoundTripsInOrder(@TempDir Path tmp) throws Exception {
        Path p = tmp.resolve("types.gguf");
        allValueTypes().write(p);
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertEquals(3, f.version());
            assertEquals("héllo wörld ✓ \uD83D\uDE00 \"quoted\"\nnewline", m.getString("s.unicode"));
            assertEquals("", m.getString("s.empty"));
            assertEquals(255, m.getLong("u8"));
            assertEquals(-128, m.getLong("i8"));
            assertEquals(65535, m.getLong("u16"));
            assertEquals(-32768, m.getLong("i16"));
            assertEquals(0xffff_ffffL, m.getLong("u32"));
            assertEquals(Integer.MIN_VALUE, m.getLong("i32"));
            assertEquals(-1L, m.getLong("u64"));
            assertEquals(GgufValueType.UINT64, m.type("u64"));
            assertEquals(Long.MIN_VALUE, m.getLong("i64"));
            assertEquals(1.0e-5f, m.get("f32"));
            assertTrue(Float.isNaN((Float) m.get("f32.nan")));
            assertEquals(Float.NEGATIVE_INFINITY, m.get("f32.inf"));
            assertEquals(Math.PI, m.get("f64"));
            assertEquals(true, m.get("b.true"));
            assertEquals(false, m.get("b.false"));
            assertEquals(List.of(0L, 1L, 255L), m.getArray("a.u8").values());
            assertEquals(List.of(-1L, 2L, (long) Integer.MAX_VALUE), m.getArray("a.i32").values());
            assertEquals(List.of(-1L, 0L), m.getArray("a.u64").values());
            assertEquals(List.of(0.5f, -2.25f, 3f), m.getArray("a.f32").values());
            assertEquals(List.of(1e300, -0.0), m.getArray("a.f64").values());
            assertEquals(List.of(true, false, true), m.getArray("a.bool").values());
            assertEquals(List.of("a", "", "ü"), m.getStrings("a.str"));
            assertEquals(GgufValueType.INT16, m.getArray("a.empty").elementType());
            assertEquals(0, m.getArray("a.empty").size());
            GgufArray nested = m.getArray("a.nested");
            assertEquals(GgufValueType.ARRAY, nested.elementType());
            assertEquals(new GgufArray(GgufValueType.STRING, List.of("x", "y")), nested.get(0));
            GgufArray deep = (GgufArray) ((GgufArray) nested.get(1)).get(0);
            assertEquals(GgufValueType.UINT16, deep.elementType());
            assertEquals(List.of(7L, 8L, 9L), deep.values());
            assertEquals(List.copyOf(allValueTypes().keys()), List.copyOf(m.keys()), "key order is kept");

            // what was read writes back to the same bytes
            Path again = tmp.resolve("again.gguf");
            new GgufWriter().putAll(m).write(again);
            assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(again));
        }
    }

    @Test
    void version2IsWrittenAndRead() throws Exception {
        Path p = dir.resolve("v2.gguf");
        new GgufWriter().version(2).putString("k", "v").addTensor("t", GgmlType.F32, new long[] {2}, floats(1, 2)).write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(2, f.version());
            assertEquals(2f, f.require("t").data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4));
        }
    }

    /** A llama.cpp-written model, read and written again, gives back the identical file. */
    @Test
    void rewritingACommittedModelReproducesItByteForByte() throws Exception {
        for (String name : List.of("step35-tiny-a-q4_k_s.gguf", "step35-tiny-a-iq4_xs.gguf")) {
            Path src = TestData.model(name);
            Path out = dir.resolve(name);
            try (GgufFile f = GgufFile.open(src)) {
                GgufWriter.copyOf(f).write(out);
            }
            assertEquals(-1L, Files.mismatch(src, out), name + " differs from its rewrite");
            assertTrue(Files.getPosixFilePermissions(out).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                    == Files.getPosixFilePermissions(Files.createFile(dir.resolve(name + ".plain"))).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                    "a written model gets the same permissions as any new file");
        }
    }

    @Test
    void aModelCanBeRewrittenOverItsOwnMappedSource() throws Exception {
        Path src = TestData.model("step35-tiny-a-q4_0.gguf");
        Path p = Files.copy(src, dir.resolve("self.gguf"));
        try (GgufFile f = GgufFile.open(p)) {
            GgufWriter.copyOf(f).write(p);
        }
        assertEquals(-1L, Files.mismatch(src, p));
    }

    @Test
    void aFailingSourceLeavesNoFileBehind() throws Exception {
        Path p = dir.resolve("fails.gguf");
        assertThrows(IOException.class, () -> new GgufWriter()
                .addTensor("t", GgmlType.F32, new long[] {4}, out -> { throw new IOException("generator broke"); }).write(p));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void alignmentIsHonoredWithZeroPadding() throws Exception {
        for (int align : new int[] {1, 8, 32, 64, 4096}) {
            Path p = dir.resolve("align" + align + ".gguf");
            new GgufWriter().putUInt32("general.alignment", align)
                    .addTensor("a", GgmlType.F16, new long[] {3}, MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5, 6}))
                    .addTensor("b", GgmlType.I8, new long[] {5, 1}, MemorySegment.ofArray(new byte[] {9, 9, 9, 9, 9}))
                    .addTensor("c", GgmlType.Q8_0, new long[] {32, 2}, MemorySegment.ofArray(filled(68, (byte) 7)))
                    .write(p);
            byte[] all = Files.readAllBytes(p);
            try (GgufFile f = GgufFile.open(p)) {
                GgufFile.Shard s = f.shards().getFirst();
                assertEquals(align, s.alignment());
                assertEquals(0, s.dataOffset() % align);
                long prevEnd = s.dataOffset();
                for (GgufTensor t : f.tensors().values()) {
                    long start = f.fileOffset(t);
                    assertEquals(0, t.offset() % align, "offset of " + t.name());
                    assertEquals(align == 1 ? prevEnd : (prevEnd + align - 1) / align * align, start, "tensors are packed, each aligned");
                    for (long i = prevEnd; i < start; i++) assertEquals(0, all[(int) i], "padding byte " + i);
                    prevEnd = start + t.byteSize();
                }
                assertEquals((prevEnd + align - 1) / align * align, all.length, "the file ends padded");
                assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, f.require("a").data().toArray(ValueLayout.JAVA_BYTE));
                assertArrayEquals(filled(68, (byte) 7), f.require("c").data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void streamingAndFillingSourcesWriteExactBytes() throws Exception {
        Random rnd = new Random(1);
        byte[] big = new byte[3 * 1024 * 1024 + 34 * 5];
        rnd.nextBytes(big);
        Path p = dir.resolve("stream.gguf");
        int rows = big.length / 34;
        new GgufWriter()
                .addTensor("streamed", GgmlType.Q8_0, new long[] {32, rows}, out -> {
                    // in uneven chunks, as a generator would
                    for (int at = 0; at < rows * 34; ) {
                        int n = Math.min(1000 + at % 777, rows * 34 - at);
                        out.write(ByteBuffer.wrap(big, at, n));
                        at += n;
                    }
                })
                .addTensorFilled("filled", GgmlType.F32, new long[] {4, 3}, target -> {
                    for (int i = 0; i < 12; i++) target.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i, i * 0.5f);
                })
                .write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertArrayEquals(Arrays.copyOf(big, rows * 34), f.require("streamed").data().toArray(ValueLayout.JAVA_BYTE));
            MemorySegment filled = f.require("filled").data();
            for (int i = 0; i < 12; i++) assertEquals(i * 0.5f, filled.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i));
        }
    }

    @Test
    void aSourceWritingTheWrongNumberOfBytesFails() {
        IOException tooFew = assertThrows(IOException.class, () -> new GgufWriter()
                .addTensor("t", GgmlType.F32, new long[] {4}, out -> out.write(ByteBuffer.allocate(12))).write(dir.resolve("few.gguf")));
        assertTrue(tooFew.getMessage().contains("12 of 16"), tooFew.getMessage());
        IOException tooMany = assertThrows(IOException.class, () -> new GgufWriter()
                .addTensor("t", GgmlType.F32, new long[] {4}, out -> out.write(ByteBuffer.allocate(20))).write(dir.resolve("many.gguf")));
        assertTrue(tooMany.getMessage().contains("more than its 16 bytes"), tooMany.getMessage());
    }

    @Test
    void badValuesAndTensorsAreRefusedWhenAdded() {
        GgufWriter w = new GgufWriter();
        assertThrows(IllegalArgumentException.class, () -> w.put("x", GgufValueType.UINT8, 256));
        assertThrows(IllegalArgumentException.class, () -> w.put("x", GgufValueType.INT32, 1L << 40));
        assertThrows(IllegalArgumentException.class, () -> w.put("x", GgufValueType.UINT32, -1));
        assertThrows(IllegalArgumentException.class, () -> w.put("x", GgufValueType.STRING, 3));
        assertThrows(IllegalArgumentException.class, () -> w.putArray("x", GgufValueType.BOOL, List.of(1)));
        assertThrows(IllegalArgumentException.class, () -> w.putUInt32("general.alignment", 48));
        assertThrows(IllegalArgumentException.class, () -> w.putUInt64("general.alignment", 64)); // llama.cpp reads it as u32 only
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("n".repeat(64), GgmlType.F32, new long[] {1}, floats(1)));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("t", GgmlType.Q4_K, new long[] {100, 2}, out -> {}));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("t", GgmlType.F32, new long[] {1L << 40, 1L << 40}, out -> {}));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("t", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, out -> {}));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("t", GgmlType.F32, new long[] {2}, MemorySegment.ofArray(new byte[4])));
        w.addTensor("t", GgmlType.F32, new long[] {1}, floats(1));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("t", GgmlType.F32, new long[] {1}, floats(1)));
    }

    /** A sparse 5 GB file: tensor offsets and slices beyond 2 and 4 GB, one mapping. */
    @Test
    void filesFarAbove2GbAreMappedWhole() throws Exception {
        Path p = dir.resolve("big.gguf");
        long n = 3L << 30; // 3 GiB of I8
        ValueLayout.OfLong le = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        new GgufWriter()
                .addTensorFilled("first", GgmlType.I8, new long[] {n}, t -> t.set(le, n - 8, 0x1122334455667788L))
                .addTensorFilled("second", GgmlType.F32, new long[] {1L << 28, 2}, t -> {
                    t.set(le, 0, 42L);
                    t.set(le, t.byteSize() - 8, -7L);
                })
                .write(p);
        assertTrue(Files.size(p) > 5L << 30);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(1, f.shards().size());
            assertTrue(f.shards().getFirst().mapping().byteSize() > 5L << 30);
            GgufTensor second = f.require("second");
            assertTrue(f.fileOffset(second) > 3L << 30);
            assertEquals(0x1122334455667788L, f.require("first").data().get(le, n - 8));
            assertEquals(42L, second.data().get(le, 0));
            assertEquals(-7L, second.data().get(le, second.byteSize() - 8));
            assertEquals(1L << 31, second.byteSize());
        }
    }

    static MemorySegment floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return MemorySegment.ofArray(b.array());
    }

    static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        Arrays.fill(b, v);
        return b;
    }
}
