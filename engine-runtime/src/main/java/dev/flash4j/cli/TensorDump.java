package dev.flash4j.cli;

import dev.flash4j.core.BlockFormat;
import dev.flash4j.core.BlockFormats;
import dev.flash4j.gguf.GgmlType;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufTensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes one tensor dequantized to float32 little-endian, in ggml order (row by row, each row
 * {@code dims[0]} values), through the engine's own {@link BlockFormat} kernels. Only one row is
 * ever held on the heap.
 */
final class TensorDump {
    record Result(GgmlType type, long rows, long rowLength, long values) {}

    private TensorDump() {}

    static Result write(GgufFile f, String name, Path out) throws IOException {
        GgufTensor t = f.tensor(name);
        if (t == null) throw new UserError("no tensor '" + name + "' in " + f.path() + " (" + f.tensors().size() + " tensors; 'flash4j inspect " + f.path() + "' lists them)");
        if (!BlockFormats.supports(t.type())) {
            throw new UserError("cannot dump '" + name + "': tensor type " + t.type() + " has no dequantizer in this build ("
                    + Arrays.stream(GgmlType.values()).filter(BlockFormats::supports).map(Enum::name).toList() + " do)");
        }
        long rowLength = t.rowLength();
        if (rowLength > (Integer.MAX_VALUE - 8) / 4) throw new UserError("cannot dump '" + name + "': rows of " + rowLength + " values are too long");
        long rows = t.rowCount();
        BlockFormat format = BlockFormats.of(t.type());
        int n = (int) rowLength;
        float[] row = new float[n];
        ByteBuffer buf = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (long r = 0; r < rows && n > 0; r++) {
                format.dequantize(t.data(), r * t.rowBytes(), row, 0, n);
                buf.clear();
                buf.asFloatBuffer().put(row);
                while (buf.hasRemaining()) ch.write(buf);
            }
        }
        return new Result(t.type(), rows, rowLength, rows * rowLength);
    }
}
