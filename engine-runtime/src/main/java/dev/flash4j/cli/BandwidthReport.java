package dev.flash4j.cli;

import dev.flash4j.core.CpuInfo;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flash4j.core.MemoryBandwidth;

import java.util.Locale;

/** What {@code bench --membw} measured, as text or JSON (GB are 10^9 bytes). */
record BandwidthReport(MemoryBandwidth.Result result) {
    String text() {
        return String.format(Locale.ROOT, "memory read bandwidth: %.2f GB/s (best of %d reads of %s on %s; all runs: %s GB/s)%nmachine: %s",
                result.best(), result.gbps().length, BenchReport.bytes(result.bytes()), BenchReport.threads(result.threads()), BenchReport.list(result.gbps()), CpuInfo.current().describe());
    }

    ObjectNode json() {
        ObjectNode o = BenchJson.object();
        o.put("memory_bandwidth_gbps", result.best());
        o.put("buffer_bytes", result.bytes());
        o.put("threads", result.threads());
        var runs = o.putArray("runs_gbps");
        for (double g : result.gbps()) runs.add(g);
        return o;
    }
}
