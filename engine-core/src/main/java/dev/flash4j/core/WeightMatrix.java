package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import dev.flash4j.gguf.GgufTensor;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix read in place from the mapped file: {@code rows} rows of {@code cols} values in
 * one ggml block format, row {@code r} starting at byte {@code r * rowBytes} of {@code data}.
 * In ggml order a tensor {@code {cols, rows}} multiplies a vector of {@code cols} values into
 * {@code rows} outputs. A 3-D expert tensor {@code {cols, rows, experts}} is viewed as
 * {@code rows * experts} rows; {@link #slice} picks one expert.
 */
public record WeightMatrix(String name, BlockFormat format, MemorySegment data, int rows, int cols, long rowBytes, InterleavedRows interleaved) {

    /** A matrix read only from {@code data} (no interleaved copy). */
    public WeightMatrix(String name, BlockFormat format, MemorySegment data, int rows, int cols, long rowBytes) {
        this(name, format, data, rows, cols, rowBytes, null);
    }

    public static WeightMatrix of(GgufTensor t) {
        long rows = t.rowCount();
        if (rows > Integer.MAX_VALUE || t.rowLength() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + t.name() + " is too large: " + rows + " rows of " + t.rowLength());
        }
        return new WeightMatrix(t.name(), BlockFormats.of(t.type()), t.data(), (int) rows, (int) t.rowLength(), t.rowBytes());
    }

    /**
     * This matrix with an interleaved copy of its rows ({@link InterleavedRows}) that
     * {@link MatMul} uses for matrix-vector products (Q4_K: about 2.5x faster). The copy takes
     * memory of the matrix's size (5% more) outside the mapped file; types without interleaved
     * kernels return this matrix unchanged.
     */
    public WeightMatrix interleave() {
        return interleave(null);
    }

    /** {@link #interleave()} with the copying spread over the threads of {@code pool} (null: the calling thread). */
    public WeightMatrix interleave(WorkerPool pool) {
        if (interleaved != null) return this;
        InterleavedRows i = InterleavedRows.of(this, pool);
        return i == null ? this : new WeightMatrix(name, format, data, rows, cols, rowBytes, i);
    }

    /** This matrix read through {@code i}, an interleaved copy of its rows (see {@link InterleavedRows}). */
    public WeightMatrix withInterleaved(InterleavedRows i) {
        return new WeightMatrix(name, format, data, rows, cols, rowBytes, i);
    }

    /** Bytes of this matrix's interleaved copy, or -1 if its type has none or it has fewer than 16 rows. */
    public long interleavedBytes() {
        return InterleavedRows.bytes(this);
    }

    /** Writes this matrix's interleaved copy into {@code dst} ({@link #interleavedBytes} long) on {@code pool}'s threads and returns the matrix reading it. */
    public WeightMatrix interleaveInto(MemorySegment dst, WorkerPool pool) {
        return withInterleaved(InterleavedRows.pack(this, dst, pool));
    }

    /** This matrix reading an interleaved copy written earlier by {@link #interleaveInto} (e.g. into a cache file now mapped). */
    public WeightMatrix interleavedFrom(MemorySegment packed) {
        return withInterleaved(InterleavedRows.view(this, packed));
    }

    public GgmlType type() {
        return format.type();
    }

    /** Rows {@code [first, first + count)} as a matrix of their own (e.g. one expert of a 3-D tensor). */
    public WeightMatrix slice(int first, int count) {
        InterleavedRows i = null;
        int g = InterleavedRows.GROUP;
        if (interleaved != null && first % g == 0 && count >= g && (first + count) / g <= interleaved.groups()) {
            i = interleaved.slice(first / g, count / g);
        }
        return new WeightMatrix(name, format, data.asSlice(first * rowBytes, count * rowBytes), count, cols, rowBytes, i);
    }

    /** Dot product of row {@code r} with {@code x[xOff .. xOff+cols)}. */
    public float dotRow(int r, float[] x, int xOff) {
        return format.dot(data, r * rowBytes, x, xOff, cols);
    }

    /** Row {@code r} as floats into {@code dst[dstOff ..]}. */
    public void dequantizeRow(int r, float[] dst, int dstOff) {
        format.dequantize(data, r * rowBytes, dst, dstOff, cols);
    }

    /** Bytes of this matrix in the file's layout. */
    public long byteSize() {
        return rows * rowBytes;
    }

    /**
     * Bytes one matrix-vector product reads: the interleaved copy of the whole groups plus the
     * remaining rows when there is a copy (Q5_K/Q6_K copies are larger than the file's rows),
     * else {@link #byteSize()}.
     */
    public long readBytes() {
        if (interleaved == null) return byteSize();
        return InterleavedRows.bytes(this) + (long) (rows % InterleavedRows.GROUP) * rowBytes;
    }
}
