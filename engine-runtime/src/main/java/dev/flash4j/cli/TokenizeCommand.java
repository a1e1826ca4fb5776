package dev.flash4j.cli;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufMetadata;
import dev.flash4j.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tokenize --model|--vocab F (--file T | --text S)}: prints the token ids of the text on
 * one line, space separated, without BOS/EOS and with special tokens not parsed (the convention
 * of llama.cpp's tokenizer tests), so the output can be compared with reference ids directly.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text (no BOS, special tokens not parsed), space separated on one line.")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = {"--model", "--vocab", "-m"}, required = true, paramLabel = "GGUF",
            description = "model or vocab-only GGUF file whose tokenizer.ggml.* keys define the tokenizer")
    Path model;

    @Option(names = "--file", paramLabel = "FILE", description = "text file to tokenize (UTF-8)")
    Path file;

    @Option(names = "--text", paramLabel = "TEXT", description = "text to tokenize")
    String text;

    @Override
    public Integer call() throws Exception {
        if ((file == null) == (text == null)) throw new UserError("tokenize needs exactly one of --file or --text");
        String input = text != null ? text : new String(CliFiles.read("--file", file), StandardCharsets.UTF_8);
        Tokenizer tokenizer = load(model);
        int[] ids = tokenizer.encode(input, false, false);
        print(ids, System.out);
        return 0;
    }

    private static Tokenizer load(Path model) throws java.io.IOException {
        GgufMetadata metadata;
        try (GgufFile f = GgufFile.open(model)) {
            metadata = f.metadata();
        }
        try {
            return Tokenizer.fromMetadata(metadata);
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            throw new UserError(model + ": " + e.getMessage());
        }
    }

    private static void print(int[] ids, PrintStream out) throws java.io.IOException {
        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) w.write(' ');
            w.write(Integer.toString(ids[i]));
        }
        w.write('\n');
        w.flush();
    }
}
