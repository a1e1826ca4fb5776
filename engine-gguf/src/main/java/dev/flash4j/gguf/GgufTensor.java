package dev.flash4j.gguf;

import java.lang.foreign.MemorySegment;

/**
 * One tensor of a GGUF file: its name, type, dimensions in ggml order (fastest-varying first),
 * its offset inside its file's data section, and a zero-copy view of its bytes in the mapping.
 */
public record GgufTensor(String name, GgmlType type, long[] dims, long offset, MemorySegment data) {
    public GgufTensor {
        dims = dims.clone();
    }

    /** The dimensions in ggml order (a copy). */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Number of elements. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** Elements in one row: the first ggml dimension. */
    public long rowLength() {
        return dims.length == 0 ? 1 : dims[0];
    }

    /** Number of rows: the product of all dimensions but the first. */
    public long rowCount() {
        return rowLength() == 0 ? 0 : elementCount() / rowLength();
    }

    /** Bytes in one row. */
    public long rowBytes() {
        return type.rowBytes(rowLength());
    }

    /** Dimension {@code i}, or 1 past the stored ones. */
    public long dim(int i) {
        return i < dims.length ? dims[i] : 1;
    }

    public long byteSize() {
        return data.byteSize();
    }
}
