package dev.flash4j.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files named by options, checked so that a wrong path is one line naming the option, and an
 * output path is checked before any work is done (not after a long prompt pass).
 */
final class CliFiles {
    private CliFiles() {}

    /** Fails unless {@code out} can be created or replaced: its directory exists and it is not itself a directory. */
    static void checkOutput(String option, Path out) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new UserError(option + ": no such directory: " + parent);
        if (Files.isDirectory(out)) throw new UserError(option + ": " + out + " is a directory");
    }

    /** The bytes of the file {@code option} names. */
    static byte[] read(String option, Path in) throws IOException {
        if (Files.isDirectory(in)) throw new UserError(option + ": " + in + " is a directory, not a file");
        try {
            return Files.readAllBytes(in);
        } catch (NoSuchFileException e) {
            throw new UserError(option + ": no such file: " + in);
        } catch (AccessDeniedException e) {
            throw new UserError(option + ": cannot read " + in + ": permission denied");
        }
    }
}
