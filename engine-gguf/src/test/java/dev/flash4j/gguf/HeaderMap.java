package dev.flash4j.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The positions of the counts, lengths, type ids and offsets in a valid GGUF header, found by a walk
 * written independently of {@link GgufParser}, so that tests can forge exactly those fields.
 */
final class HeaderMap {
    /** One field: what it is, where it starts, its width in bytes (4 or 8). */
    record Field(String name, int offset, int width) {}

    final List<Field> fields = new ArrayList<>();
    /** End of the tensor infos (before the padding to the data section). */
    int headerEnd;

    HeaderMap(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        b.position(4);
        add("version", b, 4);
        long tensors = add("tensor_count", b, 8);
        long kvs = add("metadata_kv_count", b, 8);
        for (long i = 0; i < kvs; i++) {
            string("key", b);
            int type = (int) add("value type", b, 4);
            value(type, b);
        }
        for (long i = 0; i < tensors; i++) {
            string("tensor name", b);
            int nDims = (int) add("n_dims", b, 4);
            for (int d = 0; d < nDims; d++) add("dim", b, 8);
            add("ggml type", b, 4);
            add("tensor offset", b, 8);
        }
        headerEnd = b.position();
    }

    private long add(String name, ByteBuffer b, int width) {
        fields.add(new Field(name, b.position(), width));
        return width == 4 ? Integer.toUnsignedLong(b.getInt()) : b.getLong();
    }

    private void string(String name, ByteBuffer b) {
        long len = add(name + " length", b, 8);
        b.position(b.position() + (int) len);
    }

    private void value(int type, ByteBuffer b) {
        switch (type) {
            case 0, 1, 7 -> b.position(b.position() + 1);
            case 2, 3 -> b.position(b.position() + 2);
            case 4, 5, 6 -> b.position(b.position() + 4);
            case 10, 11, 12 -> b.position(b.position() + 8);
            case 8 -> string("string", b);
            case 9 -> {
                int elem = (int) add("array element type", b, 4);
                long n = add("array length", b, 8);
                for (long i = 0; i < n; i++) value(elem, b);
            }
            default -> throw new IllegalArgumentException("type " + type);
        }
    }
}
