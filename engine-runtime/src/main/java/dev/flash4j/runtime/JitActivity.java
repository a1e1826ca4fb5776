package dev.flash4j.runtime;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * How long the JIT compilers have worked so far, from the JVM's {@link CompilationMXBean}: a
 * benchmark keeps warming up while this still grows, because until C2 has compiled the kernels
 * a run measures the interpreter and the compiler threads competing with the workers.
 */
final class JitActivity {
    private JitActivity() {}

    /** Milliseconds the JIT compilers have spent compiling since the JVM started, or -1 where the JVM does not report it. */
    static long compileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) return -1;
        return jit.getTotalCompilationTime();
    }
}
