package dev.flash4j.bench;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Encoding speed over 1 MB of mixed text ({@link MixedText}), for each GGUF given on the command
 * line (a model or a vocab-only file). Each run builds a fresh tokenizer so the per-word cache
 * starts cold, as it does for a new prompt; the best of several runs is reported.
 *
 * <pre>java -cp ... dev.flash4j.bench.TokenizerBench vocab.gguf [more.gguf ...]</pre>
 */
public final class TokenizerBench {
    private TokenizerBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: TokenizerBench FILE.gguf [FILE.gguf ...]");
            System.exit(2);
        }
        String text = MixedText.generate(1 << 20, 1234);
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        for (String arg : args) {
            var metadata = loadMetadata(Path.of(arg));
            double best = Double.MAX_VALUE;
            int tokens = 0;
            for (int run = 0; run < 8; run++) {
                Tokenizer t = Tokenizer.fromMetadata(metadata);
                long t0 = System.nanoTime();
                tokens = t.encode(text, false, false).length;
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            Tokenizer t = Tokenizer.fromMetadata(metadata);
            t.encode(text, false, false);
            long t0 = System.nanoTime();
            t.encode(text, false, false); // same text again: every word is in the cache
            double warm = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%-34s %-9s %.2f MB -> %,d tokens: cold cache %.3f s (%.1f MB/s), warm cache %.3f s (%.1f MB/s)%n",
                    Path.of(arg).getFileName(), t.model() + (t.preTokenizer() != null ? "/" + t.preTokenizer() : ""), mb, tokens, best, mb / best, warm, mb / warm);
        }
    }

    private static dev.flash4j.gguf.GgufMetadata loadMetadata(Path p) throws Exception {
        try (GgufFile f = GgufFile.open(p)) {
            return f.metadata();
        }
    }
}
