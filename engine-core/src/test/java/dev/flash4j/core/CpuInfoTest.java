package dev.flash4j.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuInfoTest {
    @Test
    void readsTheFirstModelName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, """
                processor\t: 0
                vendor_id\t: GenuineIntel
                cpu family\t: 6
                model\t\t: 143
                model name\t: Intel(R) Xeon(R)   Platinum 8481C CPU @ 2.70GHz
                processor\t: 1
                cpu family\t: 7
                model\t\t: 1
                model name\t: something else
                """);
        assertEquals("Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz (family 6, model 143)", CpuInfo.modelName(f));
    }

    @Test
    void givesTheNameAloneWithoutFamilyAndModel(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nmodel name\t: AMD EPYC\nprocessor\t: 1\ncpu family\t: 26\nmodel\t\t: 2\n");
        assertEquals("AMD EPYC", CpuInfo.modelName(f));
    }

    @Test
    void fallsBackToTheArchitecture(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nmodel\t\t: 143\n");
        assertEquals(System.getProperty("os.arch"), CpuInfo.modelName(f));
        assertEquals(System.getProperty("os.arch"), CpuInfo.modelName(dir.resolve("missing")));
    }

    @Test
    void describesThisMachine() {
        CpuInfo cpu = CpuInfo.current();
        assertEquals(Runtime.getRuntime().availableProcessors(), cpu.processors());
        assertTrue(cpu.vectorBits() == 256 || cpu.vectorBits() == 512, cpu.toString());
        assertTrue(cpu.describe().startsWith(cpu.model() + ", "), cpu.describe());
    }
}
