package dev.flash4j.gguf;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Each kind of damage is reported as one GgufFormatException naming the file, the field and its byte offset. */
class GgufBadFileTest {
    @TempDir
    Path dir;
    byte[] good;
    HeaderMap map;

    @BeforeEach
    void writeGoodFile() throws Exception {
        Path p = dir.resolve("good.gguf");
        new GgufWriter().putString("general.architecture", "x")
                .putArray("arr", GgufValueType.INT32, List.of(1, 2, 3))
                .addTensor("w", GgmlType.Q8_0, new long[] {32, 2}, MemorySegment.ofArray(new byte[68]))
                .addTensor("v", GgmlType.F32, new long[] {4}, MemorySegment.ofArray(new byte[16]))
                .write(p);
        good = Files.readAllBytes(p);
        map = new HeaderMap(good);
    }

    private HeaderMap.Field field(String name, int nth) {
        return map.fields.stream().filter(f -> f.name().equals(name)).skip(nth).findFirst().orElseThrow();
    }

    private GgufFormatException open(byte[] bytes) throws Exception {
        Path p = dir.resolve("bad.gguf");
        Files.write(p, bytes);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p).close());
        assertEquals(p.toString(), e.file());
        assertTrue(e.getMessage().startsWith(p + ": " + e.field() + " at byte " + e.offset() + ": "), e.getMessage());
        return e;
    }

    private Path write(byte[] bytes) throws Exception {
        return Files.write(dir.resolve("cut.gguf"), bytes);
    }

    private byte[] with(HeaderMap.Field f, long value) {
        byte[] b = good.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (f.width() == 4) bb.putInt(f.offset(), (int) value);
        else bb.putLong(f.offset(), value);
        return b;
    }

    private static void expect(GgufFormatException e, String field, long offset, String problem) {
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void wrongMagic() throws Exception {
        byte[] b = good.clone();
        b[0] = 'G'; b[1] = 'G'; b[2] = 'M'; b[3] = 'L';
        expect(open(b), "magic", 0, "expected \"GGUF\"");
    }

    @Test
    void wrongVersions() throws Exception {
        expect(open(with(field("version", 0), 1)), "version", 4, "GGUF v1");
        expect(open(with(field("version", 0), 4)), "version", 4, "unsupported GGUF version 4");
        expect(open(with(field("version", 0), 0x0300_0000)), "version", 4, "big-endian");
    }

    @Test
    void absurdCounts() throws Exception {
        expect(open(with(field("tensor_count", 0), 1L << 60)), "tensor_count", 8, "tensor count 1152921504606846976 cannot fit");
        expect(open(with(field("metadata_kv_count", 0), -1L)), "metadata_kv_count", 16, "18446744073709551615");
    }

    @Test
    void lengthsPastTheEnd() throws Exception {
        HeaderMap.Field key = field("key length", 1);
        expect(open(with(key, good.length)), "metadata key #1", key.offset(), "runs past the end");
        HeaderMap.Field arr = field("array length", 0);
        expect(open(with(arr, 1L << 40)), "'arr' array length", arr.offset(), "array of 1099511627776 INT32 values runs past the end");
        HeaderMap.Field name = field("tensor name length", 1);
        expect(open(with(name, 1L << 62)), "tensor #1 name", name.offset(), "runs past the end");
    }

    @Test
    void truncatedFiles() throws Exception {
        // inside the header
        HeaderMap.Field dim = field("dim", 0);
        expect(open(Arrays.copyOf(good, dim.offset() + 3)), "tensor 'w' dim 0", dim.offset(), "truncated");
        // inside the last tensor's data (16 bytes, then 16 of padding, which may be missing)
        HeaderMap.Field off = field("tensor offset", 1);
        try (GgufFile f = GgufFile.open(write(Arrays.copyOf(good, good.length - 16)))) {
            assertEquals(16, f.require("v").byteSize());
        }
        expect(open(Arrays.copyOf(good, good.length - 17)), "tensor 'v' offset", off.offset(), "runs past the end of the file");
        // nothing but the magic
        expect(open(Arrays.copyOf(good, 6)), "version", 4, "truncated");
    }

    @Test
    void tensorDataOutOfBoundsOrMisaligned() throws Exception {
        HeaderMap.Field off = field("tensor offset", 0);
        expect(open(with(off, 1L << 40)), "tensor 'w' offset", off.offset(), "runs past the end");
        expect(open(with(off, 31)), "tensor 'w' offset", off.offset(), "not a multiple of the alignment 32");
        expect(open(with(off, -32)), "tensor 'w' offset", off.offset(), "18446744073709551584");
    }

    @Test
    void unknownTypeIds() throws Exception {
        HeaderMap.Field t = field("ggml type", 1);
        expect(open(with(t, 99)), "tensor 'v' type", t.offset(), "unknown ggml type id 99");
        expect(open(with(t, 4)), "tensor 'v' type", t.offset(), "unknown ggml type id 4"); // Q4_2, removed from ggml
        HeaderMap.Field vt = field("value type", 0);
        expect(open(with(vt, 13)), "type of 'general.architecture'", vt.offset(), "unknown metadata value type 13");
        HeaderMap.Field et = field("array element type", 0);
        expect(open(with(et, 0xffff_ffffL)), "'arr' element type", et.offset(), "4294967295");
    }

    @Test
    void dimensionsThatOverflowOrDoNotFit() throws Exception {
        byte[] b = with(field("dim", 1), 1L << 40);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(field("dim", 0).offset(), 1L << 40);
        expect(open(b), "tensor 'w' dims", field("dim", 1).offset(), "overflows 64 bits");
        expect(open(with(field("dim", 0), 33)), "tensor 'w' dim 0", field("dim", 0).offset(), "not a multiple of Q8_0's block size 32");
        expect(open(with(field("n_dims", 0), 5)), "tensor 'w' n_dims", field("n_dims", 0).offset(), "not in 0..4");
        expect(open(with(field("dim", 2), -5)), "tensor 'v' dim 0", field("dim", 2).offset(), "out of range");
    }

    @Test
    void duplicatesAndBadAlignment() throws Exception {
        // rename key 'arr' to 'general.architecture'-length twin: craft a header by hand
        HeaderBuffer h = new HeaderBuffer();
        h.u32(GgufParser.MAGIC); h.u32(3); h.u64(0); h.u64(2);
        h.string("k"); h.u32(GgufValueType.BOOL.id()); h.u8(1);
        int second = h.length();
        h.string("k"); h.u32(GgufValueType.BOOL.id()); h.u8(0);
        expect(open(bytes(h)), "metadata key 'k'", second, "duplicate key");

        h = new HeaderBuffer();
        h.u32(GgufParser.MAGIC); h.u32(3); h.u64(0); h.u64(1);
        h.string("general.alignment"); h.u32(GgufValueType.UINT32.id());
        int value = h.length();
        h.u32(48);
        expect(open(bytes(h)), "general.alignment", value, "power of two");

        h = new HeaderBuffer();
        h.u32(GgufParser.MAGIC); h.u32(3); h.u64(2); h.u64(0);
        h.string("t"); h.u32(1); h.u64(1); h.u32(0); h.u64(0);
        int dup = h.length();
        h.string("t"); h.u32(1); h.u64(1); h.u32(0); h.u64(32);
        h.padTo(32); h.u64(0); h.u64(0); h.u64(0); h.u64(0); h.u64(0);
        expect(open(bytes(h)), "tensor 't'", dup, "duplicate tensor name");

        h = new HeaderBuffer();
        h.u32(GgufParser.MAGIC); h.u32(3); h.u64(1); h.u64(0);
        h.string("n".repeat(64)); h.u32(1); h.u64(1); h.u32(0); h.u64(0);
        expect(open(bytes(h)), "tensor #0 name", 24, "over the limit of 63 bytes");
    }

    /** A header that needs more heap than the budget (a quarter of -Xmx by default) is refused, not an OutOfMemoryError. */
    @Test
    void headerHeapIsBounded() throws Exception {
        Path model = TestData.model("step35-tiny-a-q8_0.gguf");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(model);
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment seg = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> new GgufParser(model.toString(), seg, 50_000).parse(model));
            assertTrue(e.getMessage().contains("would need more than 50000 bytes of heap"), e.getMessage());
            assertTrue(e.field().startsWith("'tokenizer.ggml.tokens'["), e.field());
            assertEquals(5, new GgufParser(model.toString(), seg, 10_000_000).parse(model).metadata().getArray("step35.attention.head_count").size(), "a budget the header fits in");
        }
    }

    private static byte[] bytes(HeaderBuffer h) {
        ByteBuffer c = h.contents();
        byte[] b = new byte[c.remaining()];
        c.get(b);
        return b;
    }
}
