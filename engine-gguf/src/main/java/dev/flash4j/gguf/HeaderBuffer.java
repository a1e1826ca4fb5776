package dev.flash4j.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable little-endian byte buffer for a GGUF header (metadata and tensor infos; never tensor data). */
final class HeaderBuffer {
    private byte[] bytes = new byte[4096];
    private int length;

    private ByteBuffer room(int n) {
        if (length + n > bytes.length) {
            long want = Math.max((long) bytes.length * 2, (long) length + n);
            if (want > Integer.MAX_VALUE - 8) throw new IllegalStateException("GGUF header larger than 2 GB");
            bytes = Arrays.copyOf(bytes, (int) want);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, length, n).order(ByteOrder.LITTLE_ENDIAN);
        length += n;
        return b;
    }

    void u8(int v) { room(1).put((byte) v); }

    void u16(int v) { room(2).putShort((short) v); }

    void u32(int v) { room(4).putInt(v); }

    void u64(long v) { room(8).putLong(v); }

    void f32(float v) { room(4).putFloat(v); }

    void f64(double v) { room(8).putDouble(v); }

    /** A GGUF string: u64 byte length, then the UTF-8 bytes. */
    void string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        u64(utf8.length);
        room(utf8.length).put(utf8);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    void padTo(int alignment) {
        int pad = (int) ((alignment - length % alignment) % alignment);
        room(pad); // new room is zero: the array only grows and was never written past length
    }

    int length() { return length; }

    ByteBuffer contents() { return ByteBuffer.wrap(bytes, 0, length); }
}
