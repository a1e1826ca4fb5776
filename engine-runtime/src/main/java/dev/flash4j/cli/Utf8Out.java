package dev.flash4j.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Generated text goes to stdout as UTF-8 whatever the platform encoding, flushed piece by piece. */
final class Utf8Out {
    private Utf8Out() {}

    static PrintStream stdout() {
        return new PrintStream(System.out, true, StandardCharsets.UTF_8);
    }
}
