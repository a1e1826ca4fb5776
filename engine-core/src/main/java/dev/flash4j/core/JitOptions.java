package dev.flash4j.core;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Two HotSpot limits that the Vector API kernels need raised, and a check that they are.
 *
 * <p>C2 speculates on the class of each vector when it inlines a Vector API call: a class check
 * that traps to the interpreter if it ever fails, so the vector stays in a register. It stops
 * speculating, and compiles a virtual call as the fallback instead (whose merged result must be a
 * heap object: an allocation per vector operation), once either limit is reached:
 * <ul>
 *   <li>{@code PerMethodRecompilationCutoff} (default 400): C2 gives up speculating in a method
 *       once it has been recompiled half that many times. The Vector API's shared methods
 *       ({@code AbstractVector.convert}, {@code FloatVector.fma}, ...) are inlined into every
 *       kernel, and every deoptimization of any kernel counts against them: after a few minutes of
 *       mixed formats, one measured 203 decompilations and 640 class-check traps, and every kernel
 *       compiled from then on boxed its vectors.</li>
 *   <li>{@code PerMethodTrapLimit} (default 100): the limit on traps of one kind, summed over a
 *       compilation's inlined methods. A kernel that inlines a few hundred Vector API calls adds up
 *       those shared methods' trap counts and crossed it (134 measured) halfway through its
 *       compilation.</li>
 * </ul>
 * Which kernels lose depends on the order in which the JIT compiles them, so the effect is
 * intermittent: in {@code DecodeAllocationTest} under a slowed JIT, 7 runs in 14 allocated 15-190 KB
 * per token with the defaults, none of 14 with both limits at {@value #LIMIT}. The per-bytecode
 * limits ({@code PerBytecodeTrapLimit}, {@code PerBytecodeRecompilationCutoff}) still stop a single
 * call site that really does see several classes from trapping again and again.
 *
 * <p>These are JVM start-up options: the {@code flash4j} launcher, the tests and the benchmarks pass
 * them; an application that embeds the engine should too ({@code docs/usage.md}). {@code Model.load}
 * warns when they are missing.
 */
public final class JitOptions {
    /** The value both options get. */
    public static final long LIMIT = 100_000;
    /** The two options as they go on a command line (constants, so that JMH's {@code @Fork} can name them). */
    public static final String TRAP_LIMIT = "-XX:PerMethodTrapLimit=" + LIMIT,
            RECOMPILATION_CUTOFF = "-XX:PerMethodRecompilationCutoff=" + LIMIT;
    private static final String[] NAMES = {"PerMethodTrapLimit", "PerMethodRecompilationCutoff"};

    private JitOptions() {}

    /** The options to add to the command line: {@link #TRAP_LIMIT} and {@link #RECOMPILATION_CUTOFF}. */
    public static List<String> recommended() {
        return List.of(TRAP_LIMIT, RECOMPILATION_CUTOFF);
    }

    /**
     * The recommended options this JVM runs without (empty when both are set at least as high, or
     * when the JVM is not HotSpot and has no such options).
     */
    public static List<String> missing() {
        List<String> missing = new ArrayList<>();
        HotSpotDiagnosticMXBean hotspot;
        try {
            hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            return missing;
        }
        if (hotspot == null) return missing;
        for (int i = 0; i < NAMES.length; i++) {
            try {
                long value = Long.parseLong(hotspot.getVMOption(NAMES[i]).getValue());
                if (value >= 0 && value < LIMIT) missing.add(recommended().get(i));
            } catch (IllegalArgumentException e) {
                // not a HotSpot option on this JVM (or not a number): nothing to recommend
            }
        }
        return missing;
    }
}
