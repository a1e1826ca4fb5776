package dev.flash4j.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a benchmark result was measured on: the processor's name and the vector width the kernels
 * use. The same "2-core VM" has been an AMD EPYC at over 3 GHz one day and an Intel Xeon at 2.1 GHz
 * the next, with decode speeds that differ by 2x; a figure without its processor cannot be
 * compared with another.
 *
 * @param model     the processor's name ({@code model name} in {@code /proc/cpuinfo}, with its
 *                  family and model numbers), or the architecture when the system does not say
 * @param processors available processors
 * @param vectorBits the width of the widest float vector the kernels use (Vector API preferred shape)
 */
public record CpuInfo(String model, int processors, int vectorBits) {

    /** This machine. */
    public static CpuInfo current() {
        return new CpuInfo(modelName(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(), Wide.F.vectorBitSize());
    }

    /**
     * The first processor's {@code model name} in a {@code /proc/cpuinfo}-style file, followed by
     * its {@code cpu family} and {@code model} numbers where the file gives them (a VM may call
     * both a Zen 4 and a Zen 5 "AMD EPYC"; family 25 and 26 tell them apart); else {@code os.arch}.
     */
    static String modelName(Path cpuinfo) {
        try {
            String name = null, family = null, model = null;
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon <= 0) continue;
                String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim().replaceAll("\\s+", " ");
                if (key.equals("processor") && name != null) break; // the first processor's lines only
                if (key.equals("model name") && !value.isEmpty()) name = value;
                else if (key.equals("cpu family")) family = value;
                else if (key.equals("model")) model = value;
            }
            if (name != null) return family != null && model != null ? name + " (family " + family + ", model " + model + ")" : name;
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: fall through to the architecture
        }
        return System.getProperty("os.arch", "unknown");
    }

    /** One line for a report, e.g. {@code Intel(R) Xeon(R) Processor, 2 processors, 512-bit vectors}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s, %d processors, %d-bit vectors", model, processors, vectorBits);
    }
}
