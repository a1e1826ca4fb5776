package dev.flash4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes float arrays as float32 little-endian files. */
final class FloatFiles {
    private FloatFiles() {}

    static void write(Path out, float[] values) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        Files.write(out, bb.array());
    }
}
