package dev.flash4j.bench;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.model.Step35Config;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.ModelOptions;
import dev.flash4j.runtime.SamplingOptions;
import dev.flash4j.runtime.Session;
import dev.flash4j.runtime.SpeculativeDecoder;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;

/**
 * Heap soak: decodes a long greedy generation and, every {@code --every} tokens, prints the heap in
 * use after a full GC and the bytes the decoding thread allocated per token since the last report.
 * A flat heap and a small per-token figure mean the decode loop allocates nothing that lives, and
 * little that dies (issue 6: "heap flat over 10,000 tokens"). See {@code docs/performance-memory.md}.
 *
 * <pre>java --add-modules jdk.incubator.vector -XX:PerMethodTrapLimit=100000 -XX:PerMethodRecompilationCutoff=100000 \
 *     -cp ... dev.flash4j.bench.HeapSoak MODEL.gguf
 *     [--tokens 10000] [--every 1000] [--threads N] [--draft LEVELS] [--repack] [--q8]</pre>
 *
 * With {@code --draft} the generation runs through {@link SpeculativeDecoder} (the model needs MTP
 * layers). {@code --repack} interleaves the weights as the CLI's {@code --repack} does, {@code --q8}
 * quantizes activations to 8 bits. The context is sized to the prompt plus the tokens, at most the
 * model's context length; past it the generation goes on in segments, the session reset between
 * them (the tiny test models hold 4096 positions, the soak 10,000 tokens).
 */
public final class HeapSoak {
    private HeapSoak() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: HeapSoak MODEL.gguf [--tokens 10000] [--every 1000] [--threads N] [--draft LEVELS] [--repack] [--q8]");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        int tokens = 10_000, every = 1_000, threads = Math.min(2, Runtime.getRuntime().availableProcessors()), draft = 0;
        boolean repack = false, q8 = false;
        for (int i = 1; i < args.length; i += 2) {
            if (args[i].equals("--repack") || args[i].equals("--q8")) { // flags: no value
                if (args[i].equals("--repack")) repack = true;
                else q8 = true;
                i--;
                continue;
            }
            if (i + 1 >= args.length) fail("missing value for " + args[i]);
            int v = 0;
            try {
                v = Integer.parseInt(args[i + 1]);
            } catch (NumberFormatException e) {
                fail("not a number for " + args[i] + ": " + args[i + 1]);
            }
            if (v < 1) fail(args[i] + " must be at least 1");
            switch (args[i]) {
                case "--tokens" -> tokens = v;
                case "--every" -> every = v;
                case "--threads" -> threads = v;
                case "--draft" -> draft = v;
                default -> fail("unknown option " + args[i]);
            }
        }
        int[] prompt = {1, 334, 973, 157, 407, 669, 52, 77};
        var threadBean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threadBean.setThreadAllocatedMemoryEnabled(true);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int contextLength;
        try (GgufFile file = GgufFile.open(path)) {
            contextLength = Step35Config.from(file).contextLength();
        }
        int margin = 16 + draft; // speculative decoding verifies up to draft + 1 positions past the last token
        int context = (int) Math.min((long) prompt.length + tokens + margin, contextLength);
        int perSegment = context - prompt.length - margin;
        if (perSegment < every) fail("the model's context (" + contextLength + " positions) holds fewer than --every tokens");
        ModelOptions options = ModelOptions.defaults().withThreads(threads).withKvCacheType(KvCacheType.F16)
                .withContextSize(context).withRepackWeights(repack)
                .withActivations(q8 ? ActivationPrecision.Q8 : ActivationPrecision.F32);
        try (Model model = Model.load(path, options); Session session = model.newSession()) {
            Report report = new Report(threadBean, memory, every);
            System.out.printf("%s: %d tokens in segments of up to %d, %d threads%s%s%s%n", path.getFileName(), tokens, perSegment, threads,
                    draft > 0 ? ", draft " + draft : "", repack ? ", repacked" : "", q8 ? ", q8 activations" : "");
            System.out.printf("%8s %14s %16s %10s%n", "tokens", "heap used MB", "alloc B/token", "tok/s");
            report.start();
            int generated = 0, segments = 0;
            Session.Result r = null;
            while (generated < tokens) {
                int n = Math.min(perSegment, tokens - generated);
                if (draft > 0) {
                    r = new SpeculativeDecoder(session, draft).generate(prompt, n, SamplingOptions.greedy(), null, report::onToken,
                            SpeculativeDecoder.Options.defaults()).generation();
                } else {
                    r = session.generate(prompt, n, SamplingOptions.greedy(), null, report::onToken);
                }
                generated += r.tokens().length;
                segments++;
                session.reset();
                if (r.tokens().length < n) break; // the model stopped (end of text)
            }
            System.out.printf("done: %d tokens in %d segment(s) (last: %s), heap used at the first and last report: %.2f MB, %.2f MB%n",
                    generated, segments, r.stopReason(), report.firstHeap / 1e6, report.lastHeap / 1e6);
        }
    }

    private static void fail(String message) {
        System.err.println("HeapSoak: " + message);
        System.exit(2);
    }

    /** Called for every token on the decoding thread; reports every {@code every} tokens. */
    private static final class Report {
        private final com.sun.management.ThreadMXBean threads;
        private final MemoryMXBean memory;
        private final int every;
        private final long tid = Thread.currentThread().threadId();
        private int count;
        private long allocatedAtLast, nanosAtLast;
        long firstHeap = -1, lastHeap;

        Report(com.sun.management.ThreadMXBean threads, MemoryMXBean memory, int every) {
            this.threads = threads;
            this.memory = memory;
            this.every = every;
        }

        void start() {
            allocatedAtLast = threads.getThreadAllocatedBytes(tid);
            nanosAtLast = System.nanoTime();
        }

        boolean onToken(int id) {
            if (++count % every != 0) return true;
            // measure allocation and time before the report's own work (GC, formatting)
            long allocated = threads.getThreadAllocatedBytes(tid), now = System.nanoTime();
            double perToken = (double) (allocated - allocatedAtLast) / every;
            double rate = every * 1e9 / (now - nanosAtLast);
            System.gc();
            long heap = memory.getHeapMemoryUsage().getUsed();
            if (firstHeap < 0) firstHeap = heap;
            lastHeap = heap;
            System.out.printf("%8d %14.2f %16.1f %10.1f%n", count, heap / 1e6, perToken, rate);
            allocatedAtLast = threads.getThreadAllocatedBytes(tid);
            nanosAtLast = System.nanoTime();
            return true;
        }
    }
}
