package dev.flash4j.cli;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The command-line contract of DEVELOPERS' promise, for every command and every kind of bad input:
 * a non-zero exit, exactly one non-empty line on stderr, no exception name or stack trace, and no
 * hang. The table crosses each command with the inputs that apply to it; one dynamic test a row.
 */
class CliContractTest {
    /** Generous: only a hang (or a run that does real work on bad input) should ever reach it. */
    private static final Duration HANG = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    /** A step35 model without MTP layers, one with two, and the bad files made from them (bare: a GGUF of one key). */
    static Path model, kQuantModel, mtpModel, missing, folder, truncated, garbage, vocabOnly, noTensors, longContext, shortContext, bare, missingDir;

    @BeforeAll
    static void writeFiles() throws Exception {
        model = CliRun.model("step35-tiny-a-q8_0.gguf");
        kQuantModel = CliRun.model("step35-tiny-a-q4_k_s.gguf");
        mtpModel = CliRun.model("step35-tiny-a-mtp-f16.gguf");
        missing = dir.resolve("missing.gguf");
        folder = Files.createDirectory(dir.resolve("folder.gguf"));
        byte[] bytes = Files.readAllBytes(model);
        truncated = Files.write(dir.resolve("truncated.gguf"), Arrays.copyOf(bytes, bytes.length / 3));
        byte[] noise = new byte[4096];
        new java.util.Random(1).nextBytes(noise);
        System.arraycopy("GGUF".getBytes(StandardCharsets.US_ASCII), 0, noise, 0, 4); // right magic, garbage after it
        garbage = Files.write(dir.resolve("garbage.gguf"), noise);
        try (GgufFile f = GgufFile.open(model)) {
            // the vocabulary alone, declared as another architecture: a valid GGUF that is no step35 model
            GgufWriter vocab = new GgufWriter();
            for (String key : f.metadata().keys()) {
                if (key.startsWith("tokenizer.")) vocab.put(key, f.metadata().type(key), f.metadata().get(key));
            }
            vocabOnly = dir.resolve("vocab-only.gguf");
            vocab.putString("general.architecture", "llama").write(vocabOnly);
            // all of step35's metadata but not one tensor
            noTensors = dir.resolve("no-tensors.gguf");
            new GgufWriter().putAll(f.metadata()).write(noTensors);
            // a context length no KV cache array can hold, so that --ctx is refused by the cache, not the model's limit
            longContext = dir.resolve("long-context.gguf");
            GgufWriter.copyOf(f).putUInt32("step35.context_length", Integer.MAX_VALUE).write(longContext);
            shortContext = dir.resolve("short-context.gguf");
            GgufWriter.copyOf(f).putUInt32("step35.context_length", 64).write(shortContext);
        }
        bare = dir.resolve("bare.gguf");
        new GgufWriter().putString("general.architecture", "llama").write(bare);
        missingDir = dir.resolve("no-such-dir");
    }

    /** A command line to be refused, named for the report. */
    record Case(String name, List<String> args) {
        @Override
        public String toString() {
            return name + ": flash4j " + String.join(" ", args);
        }
    }

    /** The commands that take a model file, each as a valid command line for the file it is given (extra flags go after). */
    private static final List<Command> FILE_COMMANDS = List.of(
            new Command("inspect", f -> List.of("inspect", f.toString())),
            new Command("logits", f -> List.of("logits", "--model", f.toString(), "--ids", "1 2 3", "--out", dir.resolve("l.f32").toString())),
            new Command("generate", f -> List.of("generate", "--model", f.toString(), "--ids", "1 2 3", "--max-tokens", "2")),
            new Command("chat", f -> List.of("chat", "--model", f.toString(), "--max-tokens", "2")),
            new Command("mtp-logits", f -> List.of("mtp-logits", "--model", f.toString(), "--ids", "1 2 3", "--out-prefix", dir.resolve("m").toString())),
            new Command("tokenize", f -> List.of("tokenize", "--model", f.toString(), "--text", "hello")),
            new Command("template", f -> List.of("template", "--model", f.toString(), "--messages", "[{\"role\":\"user\",\"content\":\"hi\"}]")),
            new Command("bench", f -> List.of("bench", "--model", f.toString(), "--prompt-tokens", "4", "--gen-tokens", "2",
                    "--reps", "1", "--warmup", "0", "--bandwidth", "10")));

    /** The commands that load the model's weights (the mixin {@link RunOptions}). */
    private static final List<String> RUNNERS = List.of("logits", "generate", "chat", "mtp-logits", "bench");

    record Command(String name, Function<Path, List<String>> line) {
        List<String> with(Path file, String... extra) {
            List<String> all = new ArrayList<>(line.apply(file));
            all.addAll(List.of(extra));
            return all;
        }
    }

    private static Command command(String name) {
        return FILE_COMMANDS.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // every file-taking command x every bad file
        for (Command c : FILE_COMMANDS) {
            cases.add(new Case(c.name + " missing file", c.with(missing)));
            cases.add(new Case(c.name + " directory", c.with(folder)));
            cases.add(new Case(c.name + " truncated GGUF", c.with(truncated)));
            cases.add(new Case(c.name + " garbage GGUF", c.with(garbage)));
            cases.add(new Case(c.name + " unknown flag", c.with(model, "--bogus")));
        }
        for (String name : RUNNERS) {
            Command c = command(name);
            cases.add(new Case(name + " not a step35 model", c.with(vocabOnly)));
            cases.add(new Case(name + " step35 without tensors", c.with(noTensors)));
            cases.add(new Case(name + " --threads 0", c.with(model, "--threads", "0")));
            cases.add(new Case(name + " --threads -3", c.with(model, "--threads", "-3")));
            cases.add(new Case(name + " --threads many", c.with(model, "--threads", "many")));
            cases.add(new Case(name + " --ctx 0", c.with(model, "--ctx", "0")));
            cases.add(new Case(name + " --ctx 1", c.with(model, "--ctx", "1")));
            cases.add(new Case(name + " --ctx huge", c.with(model, "--ctx", "2000000000")));
            cases.add(new Case(name + " --ctx beyond a KV cache array", c.with(longContext, "--ctx", "2000000000")));
            cases.add(new Case(name + " --ctx 99999999999", c.with(model, "--ctx", "99999999999")));
            cases.add(new Case(name + " --batch 0", c.with(model, "--batch", "0")));
            cases.add(new Case(name + " --kv bogus", c.with(model, "--kv", "bogus")));
            cases.add(new Case(name + " --activations bogus", c.with(model, "--activations", "bogus")));
            cases.add(new Case(name + " --repack bogus", c.with(model, "--repack=bogus")));
            cases.add(new Case(name + " --repack file into a file", c.with(kQuantModel, "--repack=file", "--repack-cache", kQuantModel.resolve("cache").toString())));
        }
        cases.add(new Case("template vocab-only GGUF has no chat template", command("template").with(vocabOnly)));
        cases.add(new Case("tokenize GGUF without a vocabulary", command("tokenize").with(bare)));
        cases.add(new Case("template GGUF without a vocabulary", command("template").with(bare)));

        // missing required options
        cases.add(new Case("no command", List.of("frobnicate")));
        cases.add(new Case("top-level unknown flag", List.of("--bogus")));
        cases.add(new Case("help of an unknown command", List.of("help", "frobnicate")));
        cases.add(new Case("inspect without a file", List.of("inspect")));
        cases.add(new Case("logits without --ids", List.of("logits", "--model", model.toString(), "--out", dir.resolve("x").toString())));
        cases.add(new Case("logits without --out", List.of("logits", "--model", model.toString(), "--ids", "1")));
        cases.add(new Case("generate without --model", List.of("generate", "--ids", "1", "--max-tokens", "1")));
        cases.add(new Case("generate without --max-tokens", List.of("generate", "--model", model.toString(), "--ids", "1")));
        cases.add(new Case("generate without a prompt", List.of("generate", "--model", model.toString(), "--max-tokens", "1")));
        cases.add(new Case("generate --ids and --prompt", command("generate").with(model, "--prompt", "x")));
        cases.add(new Case("chat without --model", List.of("chat")));
        cases.add(new Case("mtp-logits without --out-prefix", List.of("mtp-logits", "--model", mtpModel.toString(), "--ids", "1 2")));
        cases.add(new Case("tokenize without --model", List.of("tokenize", "--text", "x")));
        cases.add(new Case("tokenize without text", List.of("tokenize", "--model", model.toString())));
        cases.add(new Case("tokenize --file and --text", command("tokenize").with(model, "--file", missing.toString())));
        cases.add(new Case("template without --messages", List.of("template", "--model", model.toString())));
        cases.add(new Case("template without a source", List.of("template", "--messages", "[]")));
        cases.add(new Case("bench without --model", List.of("bench")));
        cases.add(new Case("synth without --out", List.of("synth")));
        cases.add(new Case("option without its value", List.of("generate", "--model", model.toString(), "--ids", "1", "--max-tokens")));
        cases.add(new Case("option given twice", command("generate").with(model, "--max-tokens", "3")));

        // numbers
        for (String name : List.of("generate", "chat")) {
            Command c = command(name);
            cases.add(new Case(name + " --max-tokens -1", swap(c.with(model), "--max-tokens", "-1")));
            cases.add(new Case(name + " --max-tokens lots", swap(c.with(model), "--max-tokens", "lots")));
            cases.add(new Case(name + " --temperature -1", c.with(model, "--temperature", "-1")));
            cases.add(new Case(name + " --temperature NaN", c.with(model, "--temperature", "NaN")));
            cases.add(new Case(name + " --temperature warm", c.with(model, "--temperature", "warm")));
            cases.add(new Case(name + " --top-p 2", c.with(model, "--top-p", "2")));
            cases.add(new Case(name + " --top-p 0", c.with(model, "--top-p", "0")));
            cases.add(new Case(name + " --top-k -1", c.with(model, "--top-k", "-1")));
            cases.add(new Case(name + " --min-p 1", c.with(model, "--min-p", "1")));
            cases.add(new Case(name + " --repeat-penalty 0", c.with(model, "--repeat-penalty", "0")));
            cases.add(new Case(name + " --repeat-last-n -1", c.with(model, "--repeat-last-n", "-1")));
            cases.add(new Case(name + " --seed x", c.with(model, "--seed", "x")));
            cases.add(new Case(name + " empty --stop", name.equals("chat") ? c.with(model, "--stop", "")
                    : List.of("generate", "--model", model.toString(), "--prompt", "hi", "--max-tokens", "1", "--stop", "")));
        }
        cases.add(new Case("chat --max-tokens 0", swap(command("chat").with(model), "--max-tokens", "0")));
        cases.add(new Case("chat --ctx below --max-tokens", command("chat").with(model, "--ctx", "2")));
        cases.add(new Case("chat model without a chat template", command("chat").with(model)));
        cases.add(new Case("generate --chat without a template", List.of("generate", "--model", model.toString(), "--prompt", "hi", "--chat", "--max-tokens", "1")));
        cases.add(new Case("generate --chat with --ids", command("generate").with(model, "--chat")));
        cases.add(new Case("generate --stop with --ids", command("generate").with(model, "--stop", "x")));

        // token ids
        for (String name : List.of("logits", "generate", "mtp-logits")) {
            Command c = command(name);
            Path m = name.equals("mtp-logits") ? mtpModel : model;
            cases.add(new Case(name + " --ids out of range", swap(c.with(m), "--ids", "1 2 1024")));
            cases.add(new Case(name + " --ids negative", swap(c.with(m), "--ids", "1 -2")));
            cases.add(new Case(name + " --ids huge", swap(c.with(m), "--ids", "1 99999999999999999999")));
            cases.add(new Case(name + " --ids empty", swap(c.with(m), "--ids", "")));
            cases.add(new Case(name + " --ids blank", swap(c.with(m), "--ids", "  ")));
            cases.add(new Case(name + " --ids garbage", swap(c.with(m), "--ids", "one two")));
            cases.add(new Case(name + " --ctx below the prompt", swap(c.with(m), "--ids", "1 2 3 4 5 6 7 8", "--ctx", "4")));
        }
        cases.add(new Case("mtp-logits on a model without MTP layers", command("mtp-logits").with(model)));
        cases.add(new Case("mtp-logits one id", swap(command("mtp-logits").with(mtpModel), "--ids", "5")));
        cases.add(new Case("generate --max-tokens beyond the model's context length", swap(command("generate").with(shortContext), "--max-tokens", "100")));
        cases.add(new Case("generate --ctx beyond the model's context length", command("generate").with(shortContext, "--ctx", "65")));
        cases.add(new Case("generate prompt + max-tokens over --ctx", command("generate").with(model, "--ctx", "4")));
        cases.add(new Case("generate text prompt longer than --ctx",
                List.of("generate", "--model", model.toString(), "--prompt", "word ".repeat(200), "--max-tokens", "1", "--ctx", "16")));

        // speculative decoding
        cases.add(new Case("generate --draft without MTP layers", command("generate").with(model, "--draft", "1")));
        cases.add(new Case("generate --draft above the MTP layers", command("generate").with(mtpModel, "--draft", "3")));
        cases.add(new Case("generate --draft -1", command("generate").with(mtpModel, "--draft", "-1")));
        cases.add(new Case("bench --draft without MTP layers", command("bench").with(model, "--draft", "1")));
        cases.add(new Case("bench --draft above the MTP layers", command("bench").with(mtpModel, "--draft", "3")));
        cases.add(new Case("bench --draft -1", command("bench").with(mtpModel, "--draft", "-1")));

        // output files
        cases.add(new Case("logits --out into a missing directory", swap(command("logits").with(model), "--out", missingDir.resolve("x.f32").toString())));
        cases.add(new Case("logits --out is a directory", swap(command("logits").with(model), "--out", folder.toString())));
        cases.add(new Case("mtp-logits --out-prefix into a missing directory",
                swap(command("mtp-logits").with(mtpModel), "--out-prefix", missingDir.resolve("p").toString())));
        cases.add(new Case("inspect --dump into a missing directory",
                command("inspect").with(model, "--dump", "token_embd.weight", "--out", missingDir.resolve("t.f32").toString())));
        cases.add(new Case("inspect --dump of no tensor", command("inspect").with(model, "--dump", "nope", "--out", dir.resolve("t.f32").toString())));
        cases.add(new Case("synth --out into a missing directory", List.of("synth", "--out", missingDir.resolve("s.gguf").toString())));
        cases.add(new Case("synth --out is a directory", List.of("synth", "--out", folder.toString())));

        // tokenize
        cases.add(new Case("tokenize --file missing", List.of("tokenize", "--model", model.toString(), "--file", missing.toString())));
        cases.add(new Case("inspect --dump into a directory", command("inspect").with(model, "--dump", "token_embd.weight", "--out", folder.toString())));
        cases.add(new Case("tokenize --file is a directory", List.of("tokenize", "--model", model.toString(), "--file", folder.toString())));

        // template
        Path raising = write("raise.jinja", "{{ raise_exception('only user messages, please') }}");
        Path broken = write("broken.jinja", "{% if messages %}never closed");
        Path failing = write("failing.jinja", "{{ messages[0].content.nope() }}");
        String hi = "[{\"role\":\"user\",\"content\":\"hi\"}]";
        cases.add(new Case("template bad JSON", List.of("template", "--template", raising.toString(), "--messages", "[{\"role\": ")));
        cases.add(new Case("template messages not objects", List.of("template", "--template", raising.toString(), "--messages", "[1, 2]")));
        cases.add(new Case("template messages file missing", List.of("template", "--template", raising.toString(), "--messages", "@" + missing)));
        cases.add(new Case("template --vars not an object", List.of("template", "--template", raising.toString(), "--messages", hi, "--vars", "[]")));
        cases.add(new Case("template --tools bad JSON", List.of("template", "--template", raising.toString(), "--messages", hi, "--tools", "{")));
        cases.add(new Case("template raise_exception", List.of("template", "--template", raising.toString(), "--messages", hi)));
        cases.add(new Case("template syntax error", List.of("template", "--template", broken.toString(), "--messages", hi)));
        cases.add(new Case("template runtime error", List.of("template", "--template", failing.toString(), "--messages", hi)));
        cases.add(new Case("template file missing", List.of("template", "--template", missing.toString(), "--messages", hi)));
        cases.add(new Case("template file is a directory", List.of("template", "--template", folder.toString(), "--messages", hi)));
        cases.add(new Case("template --model and --template", List.of("template", "--template", raising.toString(), "--model", model.toString(), "--messages", hi)));

        // synth
        Path out = dir.resolve("synth.gguf");
        cases.add(new Case("synth --config bogus", List.of("synth", "--out", out.toString(), "--config", "bogus")));
        cases.add(new Case("synth --config bad JSON", List.of("synth", "--out", out.toString(), "--config", "{\"layers\": ")));
        cases.add(new Case("synth --config unknown field", List.of("synth", "--out", out.toString(), "--config", "{\"wings\": 2}")));
        cases.add(new Case("synth --config bad value", List.of("synth", "--out", out.toString(), "--config", "{\"layers\": 0}")));
        cases.add(new Case("synth --config wrong type", List.of("synth", "--out", out.toString(), "--config", "{\"layers\": \"many\"}")));
        cases.add(new Case("synth --type bogus", List.of("synth", "--out", out.toString(), "--type", "q3_xyz")));
        cases.add(new Case("synth --mtp -1", List.of("synth", "--out", out.toString(), "--mtp", "-1")));
        cases.add(new Case("synth --threads 0", List.of("synth", "--out", out.toString(), "--threads", "0")));
        cases.add(new Case("synth unknown flag", List.of("synth", "--out", out.toString(), "--bogus")));

        // bench
        Command bench = command("bench");
        cases.add(new Case("bench --prompt-tokens -1", swap(bench.with(model), "--prompt-tokens", "-1")));
        cases.add(new Case("bench --gen-tokens -1", swap(bench.with(model), "--gen-tokens", "-1")));
        cases.add(new Case("bench nothing to measure", swap(swap(bench.with(model), "--prompt-tokens", "0"), "--gen-tokens", "0")));
        cases.add(new Case("bench --reps 0", swap(bench.with(model), "--reps", "0")));
        cases.add(new Case("bench --warmup -1", swap(bench.with(model), "--warmup", "-1")));
        cases.add(new Case("bench --depth -1", bench.with(model, "--depth", "-1")));
        cases.add(new Case("bench --batch-sizes 0", bench.with(model, "--batch-sizes", "4,0")));
        cases.add(new Case("bench --bandwidth -1", swap(bench.with(model), "--bandwidth", "-1")));
        cases.add(new Case("bench --ctx below --prompt-tokens", bench.with(model, "--ctx", "3")));
        cases.add(new Case("bench --depth beyond any context", bench.with(model, "--depth", "2147483647")));
        cases.add(new Case("bench --membw with --model", bench.with(model, "--membw")));
        cases.add(new Case("bench --membw-mib 0", List.of("bench", "--membw", "--membw-mib", "0")));
        cases.add(new Case("bench --membw --threads 0", List.of("bench", "--membw", "--threads", "0")));

        // demo: every value is checked before the demo model is made
        cases.add(new Case("demo unknown flag", List.of("demo", "--bogus")));
        cases.add(new Case("demo --max-tokens -1", List.of("demo", "--max-tokens", "-1")));
        cases.add(new Case("demo --threads 0", List.of("demo", "--threads", "0")));
        cases.add(new Case("demo --threads 5000", List.of("demo", "--threads", "5000")));
        cases.add(new Case("demo --temperature -1", List.of("demo", "--temperature", "-1")));
        cases.add(new Case("demo --temperature hot", List.of("demo", "--temperature", "hot")));
        return cases;
    }

    /** {@code line} with the value of {@code option} replaced (or appended), and any further option/value pairs applied the same way. */
    private static List<String> swap(List<String> line, String... optionValues) {
        List<String> out = new ArrayList<>(line);
        for (int i = 0; i < optionValues.length; i += 2) {
            int at = out.indexOf(optionValues[i]);
            if (at >= 0) {
                out.set(at + 1, optionValues[i + 1]);
            } else {
                out.add(optionValues[i]);
                out.add(optionValues[i + 1]);
            }
        }
        return out;
    }

    private static Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputFailsWithOneLineOnStderr() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            assertTimeoutPreemptively(HANG, () -> run(c.args()), "hung: " + c).assertOneLineError(c.toString());
        }));
    }

    /** Runs with a one-line stdin, so that a {@code chat} which got as far as reading does not wait for a terminal. */
    private static CliRun run(List<String> args) {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("hi\n".getBytes(StandardCharsets.UTF_8)));
            return CliRun.of(args.toArray(String[]::new));
        } finally {
            System.setIn(saved);
        }
    }

    /** Without --ctx the context is the model's own length when that is below 4096 (the model refuses more). */
    @Test
    void aShortContextModelRunsWithoutCtx() {
        CliRun r = run(List.of("generate", "--model", shortContext.toString(), "--ids", "1 2 3", "--max-tokens", "4", "--threads", "1"));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(4, r.out().strip().split(" ").length, r.out());
    }

    @Test
    void anUnknownCommandIsNamed() {
        CliRun r = run(List.of("frobnicate", "--model", "x"));
        assertEquals(2, r.exitCode());
        assertEquals("flash4j: unknown command 'frobnicate' (see 'flash4j --help')", r.err().strip());
    }

    @Test
    void helpAndVersionSucceedQuietly() {
        for (List<String> args : List.of(List.of("--help"), List.of("--version"), List.of("help"), List.of("help", "generate"),
                List.of("inspect", "--help"), List.of("logits", "--help"), List.of("generate", "--help"), List.of("chat", "--help"),
                List.of("mtp-logits", "--help"), List.of("tokenize", "--help"), List.of("template", "--help"),
                List.of("bench", "--help"), List.of("synth", "--help"), List.of("demo", "--help"))) {
            CliRun r = run(args);
            assertEquals(0, r.exitCode(), args + ": " + r.err());
            assertEquals("", r.err(), args.toString());
            assertFalse(r.out().isBlank(), args.toString());
        }
    }

    @Test
    void helpOfEveryModelRunnerListsTheActivationPrecisions() {
        for (String name : List.of("logits", "generate", "chat", "mtp-logits", "bench")) {
            String help = run(List.of(name, "--help")).out();
            assertTrue(help.contains("--activations=f32|q8"), name + " --help:\n" + help);
            assertTrue(help.contains("--kv=f32|f16|q8"), name + " --help:\n" + help);
        }
    }
}
