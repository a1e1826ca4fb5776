package dev.flash4j.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cases of a llama.cpp {@code ggml-vocab-*.gguf.inp/.out} pair: inputs are separated by
 * lines {@code __ggml_vocab_test__} (each separator line ends the case before it, the newline
 * before the separator belongs to it), and the {@code .out} file has one line of ids per case.
 */
record VocabTestCases(List<String> inputs, List<int[]> expected) {
    static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    static VocabTestCases read(Path inp, Path out) throws IOException {
        String all = Files.readString(inp, StandardCharsets.UTF_8);
        List<String> inputs = new ArrayList<>();
        int pos = 0;
        while (pos < all.length()) {
            int sep = all.indexOf(SEPARATOR, pos);
            if (sep < 0) throw new IOException(inp + ": text after the last separator at offset " + pos);
            inputs.add(all.substring(pos, sep));
            pos = sep + SEPARATOR.length();
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        if (lines.size() != inputs.size()) throw new IOException(out + " has " + lines.size() + " lines for " + inputs.size() + " inputs");
        List<int[]> expected = lines.stream()
                .map(l -> l.isBlank() ? new int[0] : Arrays.stream(l.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray())
                .toList();
        return new VocabTestCases(inputs, expected);
    }
}
