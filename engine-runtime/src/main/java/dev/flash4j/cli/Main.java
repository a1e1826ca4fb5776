package dev.flash4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;

/**
 * The {@code flash4j} command line. Each subcommand is its own class; this one only wires them up
 * and turns every failure into one clear line on stderr and a non-zero exit code.
 */
@Command(name = "flash4j", mixinStandardHelpOptions = true, version = "flash4j 0.1.0",
        description = "Pure-Java CPU inference for Step 3.5 Flash GGUF models.",
        subcommands = {
                InspectCommand.class,
                LogitsCommand.class,
                GenerateCommand.class,
                ChatCommand.class,
                MtpLogitsCommand.class,
                BenchCommand.class,
                TokenizeCommand.class,
                TemplateCommand.class,
                SynthCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this directly). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // '@FILE' is ours to interpret (e.g. template --messages @chat.json), not picocli's argument files
        cl.setExpandAtFiles(false);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // picocli starts some messages (argument groups) with "Error: "; the "flash4j: " prefix says as much
            String msg = ex.getMessage().startsWith("Error: ") ? ex.getMessage().substring("Error: ".length()) : ex.getMessage();
            if (ex instanceof CommandLine.UnmatchedArgumentException u && ex.getCommandLine().getParent() == null
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                msg = "unknown command '" + u.getUnmatched().get(0) + "'";
            }
            err.println("flash4j: " + msg + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            err.println("flash4j: " + describe(ex));
            err.flush();
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("flash4j: out of memory (" + e.getMessage() + "); raise -Xmx through FLASH4J_JAVA_OPTS or use a smaller context");
            return 1;
        }
    }

    /** One line that says what went wrong, without a stack trace. */
    static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException nsf) return "no such file: " + nsf.getFile();
        if (ex instanceof java.nio.file.AccessDeniedException ade) return "cannot read " + ade.getFile() + ": permission denied";
        if (ex instanceof OutOfMemoryError) return "out of memory: " + ex.getMessage();
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) msg = ex.getClass().getSimpleName();
        if (ex instanceof UserError || ex instanceof dev.flash4j.gguf.GgufFormatException) return msg;
        if (ex instanceof java.io.IOException) return "I/O error: " + msg;
        if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException || ex instanceof UnsupportedOperationException) return msg;
        // a size computed from the options overflowed 32 bits (a buffer of batch x width, say)
        if (ex instanceof ArithmeticException || ex instanceof NegativeArraySizeException) return "a size overflows (" + msg + "); lower --ctx or --batch";
        return ex.getClass().getSimpleName() + ": " + msg;
    }
}
