package dev.flash4j.cli;

import dev.flash4j.gguf.GgufFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code inspect MODEL [--json] [--full] [--dump TENSOR --out FILE]}: a GGUF file's metadata and
 * tensor table, as text or JSON, or one tensor dequantized to float32.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Print a GGUF file's metadata and tensor table, or dump one tensor as float32.",
                "A split model is opened from its first shard (NAME-00001-of-0000N.gguf)."},
        footer = {"", "JSON: {\"metadata\": {key: value}, \"tensors\": [{\"name\", \"type\", \"dims\", \"offset\", \"bytes\", \"shard\", \"file_offset\"}]}.",
                "dims are in ggml order (fastest-varying first); offset is relative to the data section of its shard (shards numbered from 1, like their files).",
                "UINT64 values print unsigned; float NaN and infinities, which JSON cannot hold, print as the strings \"NaN\", \"Infinity\", \"-Infinity\"."})
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file (first shard of a split model)")
    Path model;

    @Option(names = "--json", description = "print JSON instead of text (arrays complete)")
    boolean json;

    @Option(names = "--full", description = "text mode: print arrays and long strings complete")
    boolean full;

    @Option(names = "--dump", paramLabel = "TENSOR", description = "write this tensor dequantized to float32 little-endian, in ggml order")
    String dump;

    @Option(names = "--out", paramLabel = "FILE", description = "where --dump writes")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (dump != null && out == null) throw new UserError("--dump needs --out FILE");
        if (out != null && dump == null) throw new UserError("--out is only used with --dump TENSOR");
        if (dump != null && json) throw new UserError("--dump and --json cannot be combined");
        if (out != null) CliFiles.checkOutput("--out", out);
        PrintWriter w = spec.commandLine().getOut();
        try (GgufFile f = GgufFile.open(model)) {
            if (dump != null) {
                TensorDump.Result r = TensorDump.write(f, dump, out);
                w.println("wrote " + r.values() + " float32 values of '" + dump + "' (" + r.type() + ", " + r.rows() + " rows of " + r.rowLength() + ") to " + out);
            } else if (json) {
                InspectJson.write(f, w);
            } else {
                new InspectText(full ? Integer.MAX_VALUE : InspectText.ARRAY_PREVIEW, full ? Integer.MAX_VALUE : InspectText.STRING_PREVIEW).write(f, w);
            }
        }
        w.flush();
        return 0;
    }
}
