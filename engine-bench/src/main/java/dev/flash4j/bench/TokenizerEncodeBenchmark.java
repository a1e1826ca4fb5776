package dev.flash4j.bench;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * JMH: encoding 1 MB of {@link MixedText} with the tokenizer of the GGUF named by the
 * {@code vocab} parameter ({@code -p vocab=/path/to/file.gguf}). {@code coldCache} builds a fresh
 * tokenizer per call (every word goes through BPE); {@code warmCache} reuses one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class TokenizerEncodeBenchmark {
    @Param("testdata/models/step35-tiny-a-q4_k_s.gguf")
    public String vocab;

    private dev.flash4j.gguf.GgufMetadata metadata;
    private Tokenizer shared;
    private String text;

    @Setup
    public void setup() throws Exception {
        try (GgufFile f = GgufFile.open(Path.of(vocab))) {
            metadata = f.metadata();
        }
        shared = Tokenizer.fromMetadata(metadata);
        text = MixedText.generate(1 << 20, 1234);
    }

    @Benchmark
    public int[] warmCache() {
        return shared.encode(text, false, false);
    }

    @Benchmark
    public int[] coldCache() {
        // includes building the tokenizer (vocabulary index, merge table)
        return Tokenizer.fromMetadata(metadata).encode(text, false, false);
    }
}
