package dev.flash4j.cli;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code inspect MODEL [--json]}: metadata and tensor table. (Skeleton; JSON and --dump to come.) */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a GGUF file's metadata and tensor table.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file (first shard of a split model)")
    Path model;

    @Override
    public Integer call() throws Exception {
        try (GgufFile f = GgufFile.open(model)) {
            for (String k : f.metadata().keys()) System.out.println(k + " = " + f.metadata().get(k));
            for (GgufTensor t : f.tensors().values()) System.out.println(t.name() + " " + t.type() + " " + Arrays.toString(t.dims()) + " " + t.offset());
        }
        return 0;
    }
}
