package dev.flash4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.*;

/** {@code bench}: the report's fields and their arithmetic (never the speeds themselves), and one-line errors. */
class BenchCommandTest {
    private static final Path MODEL = CliRun.model("step35-tiny-a-q4_k_s.gguf");

    private static JsonNode json(String... args) throws Exception {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
        return new ObjectMapper().readTree(run.out());
    }

    @Test
    void jsonReportHasEveryField() throws Exception {
        JsonNode r = json("bench", "--model", MODEL.toString(), "--prompt-tokens", "8", "--gen-tokens", "4", "--reps", "1",
                "--threads", "2", "--membw-mib", "8", "--json");
        assertEquals(MODEL.toString(), r.get("model").asText());
        assertEquals(Runtime.getRuntime().availableProcessors(), r.get("available_processors").asInt());
        assertTrue(r.get("java_version").asText().startsWith(String.valueOf(Runtime.version().feature())));
        assertFalse(r.get("cpu_model").asText().isBlank());
        assertTrue(List.of(256, 512).contains(r.get("vector_bits").asInt()), r.toString());
        assertEquals(2, r.get("threads").asInt());
        assertEquals("f16", r.get("kv_type").asText());
        assertEquals("f32", r.get("activations").asText());
        assertEquals(0, r.get("depth").asInt());
        assertEquals(1, r.get("reps").asInt());
        assertEquals(4096, r.get("context_size").asInt());
        assertEquals("measured", r.get("memory_bandwidth_source").asText());

        long weights = r.get("weight_bytes_per_token").asLong();
        assertTrue(weights > 0 && weights < Files.size(MODEL), "weights per token " + weights + " vs file " + Files.size(MODEL));
        // the same count in the file's layout: smaller where interleaved copies are read (f32 scales, expanded quants)
        long fileWeights = r.get("file_weight_bytes_per_token").asLong();
        if (r.get("repacked_bytes").asLong() > 0) assertTrue(fileWeights > 0 && fileWeights < weights, fileWeights + " vs " + weights);
        else assertEquals(weights, fileWeights);
        assertTrue(r.get("kv_cache_bytes").asLong() > 0);
        double bandwidth = r.get("memory_bandwidth_gbps").asDouble();
        assertTrue(bandwidth > 0);
        // measured before and after the tests; the higher counts
        JsonNode measured = r.get("memory_bandwidth_measurements_gbps");
        assertEquals(2, measured.size(), r.toString());
        assertTrue(measured.get(0).asDouble() > 0 && measured.get(1).asDouble() > 0, measured.toString());
        assertEquals(Math.max(measured.get(0).asDouble(), measured.get(1).asDouble()), bandwidth);

        List<JsonNode> tests = StreamSupport.stream(r.get("tests").spliterator(), false).toList();
        assertEquals(List.of("pp8", "tg4"), tests.stream().map(t -> t.get("name").asText()).toList());
        assertEquals(List.of("prompt", "decode"), tests.stream().map(t -> t.get("kind").asText()).toList());
        assertEquals(1, r.get("warmup").asInt());
        assertEquals(20, r.get("max_warmup").asInt());
        for (JsonNode t : tests) {
            int warmups = t.get("warmup_runs").asInt();
            assertTrue(warmups >= 1 && warmups <= 20, t.toString());
            assertEquals(1, t.get("samples_tokens_per_second").size());
            assertEquals(t.get("samples_tokens_per_second").get(0).asDouble(), t.get("tokens_per_second").asDouble());
            assertEquals(0.0, t.get("tokens_per_second_stddev").asDouble()); // one sample
            assertTrue(t.get("tokens_per_second").asDouble() > 0);
        }
        double decodeRate = tests.get(1).get("tokens_per_second").asDouble();
        double gbps = r.get("decode_gbps").asDouble();
        assertEquals(weights * decodeRate / 1e9, gbps, 1e-9 * gbps);
        assertEquals(gbps / bandwidth, r.get("decode_bandwidth_fraction").asDouble(), 1e-9);
    }

    @Test
    void givenBandwidthDepthBatchSizesAndKvType() throws Exception {
        JsonNode r = json("bench", "--model", MODEL.toString(), "--prompt-tokens", "0", "--gen-tokens", "2", "--depth", "5",
                "--batch-sizes", "1,3", "--reps", "2", "--warmup", "0", "--kv", "q8", "--ctx", "64", "--bandwidth", "12.5",
                "--activations", "q8", "--json");
        assertEquals("given", r.get("memory_bandwidth_source").asText());
        assertEquals("q8", r.get("activations").asText());
        assertEquals(12.5, r.get("memory_bandwidth_gbps").asDouble());
        assertEquals(0, r.get("memory_bandwidth_measurements_gbps").size()); // given: nothing measured
        assertEquals("q8", r.get("kv_type").asText());
        assertEquals(64, r.get("context_size").asInt());
        assertEquals(List.of("tg2", "pp1", "pp3"), StreamSupport.stream(r.get("tests").spliterator(), false).map(t -> t.get("name").asText()).toList());
        double stepMs = 1e3 / r.get("tests").get(0).get("tokens_per_second").asDouble();
        for (JsonNode t : r.get("tests")) {
            assertEquals(5, t.get("depth").asInt());
            assertEquals(0, t.get("warmup_runs").asInt(), "--warmup 0: no untimed runs");
            assertEquals(2, t.get("samples_tokens_per_second").size());
            boolean batch = t.get("kind").asText().equals("batch");
            assertEquals(batch, t.has("decode_steps_per_pass"), t.toString());
            // a pass of N tokens against one decode step: N tokens / (tokens/s) over the step's milliseconds
            if (batch) assertEquals(t.get("tokens").asInt() * 1e3 / t.get("tokens_per_second").asDouble() / stepMs,
                    t.get("decode_steps_per_pass").asDouble(), 1e-9);
        }
        // a q8 cache of 64 positions is far smaller than the default f16 one of 4096
        JsonNode f16 = json("bench", "--model", MODEL.toString(), "--prompt-tokens", "0", "--gen-tokens", "1", "--reps", "1",
                "--bandwidth", "1", "--json");
        assertTrue(r.get("kv_cache_bytes").asLong() * 10 < f16.get("kv_cache_bytes").asLong());
        assertEquals(r.get("weight_bytes_per_token").asLong(), f16.get("weight_bytes_per_token").asLong());
    }

    @Test
    void promptOnlyHasNoDecodeBandwidth() throws Exception {
        JsonNode r = json("bench", "--model", MODEL.toString(), "--prompt-tokens", "4", "--gen-tokens", "0", "--reps", "1",
                "--bandwidth", "10", "--json");
        assertTrue(r.get("decode_gbps").isNull());
        assertTrue(r.get("decode_bandwidth_fraction").isNull());
    }

    /** A decode rate above the bandwidth given (or measured in a slow minute) says so, and how to fix it. */
    @Test
    void decodeAboveTheBandwidthIsPointedOut() {
        CliRun above = CliRun.of("bench", "--model", MODEL.toString(), "--prompt-tokens", "0", "--gen-tokens", "4", "--reps", "1",
                "--bandwidth", "0.001");
        assertEquals(0, above.exitCode(), above.err());
        assertTrue(above.out().contains("more than the bandwidth: measure it again with `bench --membw`"), above.out());
        CliRun below = CliRun.of("bench", "--model", MODEL.toString(), "--prompt-tokens", "0", "--gen-tokens", "4", "--reps", "1",
                "--bandwidth", "10000");
        assertEquals(0, below.exitCode(), below.err());
        assertFalse(below.out().contains("more than the bandwidth"), below.out());
    }

    @Test
    void textReport() {
        CliRun run = CliRun.of("bench", "--model", MODEL.toString(), "--prompt-tokens", "8", "--gen-tokens", "4", "--reps", "1",
                "--bandwidth", "10");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("pp8") && run.out().contains("tg4") && run.out().contains("weights read per decoded token"), run.out());
        assertTrue(run.out().contains("of the memory bandwidth 10.00 GB/s (given)"), run.out());
        assertTrue(run.out().matches("(?s).*\\bwarm-ups\\R.*\\Rtg4 .* \\d+\\R.*"), "the warm-ups column: " + run.out());
        assertFalse(run.out().contains("one pass vs one decode step"), "no batch tests, no ratio line: " + run.out());
        CliRun passes = CliRun.of("bench", "--model", MODEL.toString(), "--prompt-tokens", "0", "--gen-tokens", "2", "--batch-sizes", "1,4",
                "--reps", "1", "--bandwidth", "10");
        assertEquals(0, passes.exitCode(), passes.err());
        assertTrue(passes.out().matches("(?s).*one pass vs one decode step: 1 token \\d+\\.\\d\\dx, 4 tokens \\d+\\.\\d\\dx\\R.*"), passes.out());
    }

    @Test
    void memoryBandwidthAlone() throws Exception {
        JsonNode r = json("bench", "--membw", "--membw-mib", "8", "--membw-runs", "2", "--threads", "2", "--json");
        assertEquals(8L << 20, r.get("buffer_bytes").asLong());
        assertEquals(2, r.get("threads").asInt());
        assertEquals(2, r.get("runs_gbps").size());
        double best = Math.max(r.get("runs_gbps").get(0).asDouble(), r.get("runs_gbps").get(1).asDouble());
        assertEquals(best, r.get("memory_bandwidth_gbps").asDouble());

        CliRun text = CliRun.of("bench", "--membw", "--membw-mib", "4", "--membw-runs", "1");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().startsWith("memory read bandwidth: "), text.out());
        assertTrue(text.out().contains("\nmachine: " + dev.flash4j.core.CpuInfo.current().describe()), text.out());
    }

    private static String failing(String... args) {
        return CliRun.failing(args).err();
    }

    @Test
    void badFlagsGiveOneLineErrors() {
        String m = MODEL.toString();
        assertTrue(failing("bench").contains("--model"));
        assertTrue(failing("bench", "--model", m, "--reps", "0").contains("--reps"));
        assertTrue(failing("bench", "--model", m, "--warmup", "-1").contains("--warmup"));
        assertTrue(failing("bench", "--model", m, "--max-warmup", "-1").contains("--max-warmup"));
        assertTrue(failing("bench", "--model", m, "--prompt-tokens", "-1").contains("--prompt-tokens"));
        assertTrue(failing("bench", "--model", m, "--gen-tokens", "-2").contains("--gen-tokens"));
        assertTrue(failing("bench", "--model", m, "--depth", "-1").contains("--depth"));
        assertTrue(failing("bench", "--model", m, "--depth", String.valueOf(Integer.MAX_VALUE)).contains("--depth"));
        assertTrue(failing("bench", "--model", m, "--batch-sizes", "4,0").contains("--batch-sizes"));
        assertTrue(failing("bench", "--model", m, "--batch-sizes", "x").contains("x"));
        assertTrue(failing("bench", "--model", m, "--prompt-tokens", "0", "--gen-tokens", "0").contains("nothing to measure"));
        assertTrue(failing("bench", "--model", m, "--kv", "q5").contains("--kv"));
        assertTrue(failing("bench", "--model", m, "--activations", "q4").contains("--activations"));
        assertTrue(failing("bench", "--model", m, "--ctx", "16", "--prompt-tokens", "32").contains("--ctx"));
        assertTrue(failing("bench", "--model", m, "--threads", "0").contains("--threads"));
        assertTrue(failing("bench", "--model", m, "--bandwidth", "-3").contains("--bandwidth"));
        assertTrue(failing("bench", "--model", m, "--bogus").contains("--bogus"));
        assertTrue(failing("bench", "--model", m, "--membw").contains("--membw"));
        assertTrue(failing("bench", "--membw", "--membw-mib", "0").contains("--membw-mib"));
        assertTrue(failing("bench", "--membw", "--membw-runs", "0").contains("--membw-runs"));
        assertTrue(failing("bench", "--model", "/no/such/model.gguf", "--bandwidth", "1").contains("no such file"));
    }
}
