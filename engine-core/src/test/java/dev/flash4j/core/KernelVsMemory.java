package dev.flash4j.core;

import dev.flash4j.gguf.GgufFile;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A standalone measurement (not a unit test): how fast the float matrix-vector kernel consumes one
 * real K-quant matrix's interleaved copy, next to plain reads of the same memory on the same worker
 * pool, so the gap between the kernel and the memory can be seen on the machine at hand.
 *
 * <p>Three reads, repeated round after round so that a VM's swings in speed hit them all alike:
 * the kernel ({@link MatMul#matmul}, one token, float activations); the vector loads of
 * {@code bench --membw} ({@link MemoryBandwidth#sumRange}: what the memory gives); 16-byte loads each widened to 16 ints and summed (the kernel's first
 * step alone). Use a matrix larger than the caches, e.g. the output matrix of
 * {@code flash4j synth --config slice-4l --type q4_k_s} (Q6_K, 569 MB interleaved) or its
 * {@code token_embd.weight} (Q4_K).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp <core classes>:<core test-classes>:<gguf classes>
 * dev.flash4j.core.KernelVsMemory MODEL.gguf [TENSOR=output.weight] [THREADS=2] [ROUNDS=8]}
 */
public final class KernelVsMemory {
    private static final VectorSpecies<Byte> BYTES16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: KernelVsMemory MODEL.gguf [TENSOR] [THREADS] [ROUNDS]");
            System.exit(2);
        }
        String tensor = args.length > 1 ? args[1] : "output.weight";
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        try (GgufFile file = GgufFile.open(Path.of(args[0])); WorkerPool pool = new WorkerPool(threads)) {
            WeightMatrix w = WeightMatrix.of(file.tensor(tensor)).interleave(pool);
            if (!(w.interleaved() instanceof InterleavedKQuant copy)) throw new IllegalArgumentException(tensor + " is not a K-quant matrix");
            MemorySegment data = copy.data;
            long n = data.byteSize();
            int chunks = 4 * threads;
            long per = n / chunks / MemoryBandwidth.RANGE_MULTIPLE * MemoryBandwidth.RANGE_MULTIPLE;
            float[] x = new float[w.cols()], out = new float[w.rows()];
            for (int i = 0; i < x.length; i++) x[i] = 0.01f * (i % 13 - 6);
            long[] sums = new long[chunks];
            System.out.printf("%s: %s, %d x %d, interleaved copy %.1f MB, %d threads%n", tensor, w.type(), w.rows(), w.cols(), n / 1e6, threads);
            for (int round = 0; round <= rounds; round++) {
                long t0 = System.nanoTime();
                MatMul.matmul(pool, w, x, 1, out, 0, ActivationPrecision.F32);
                long t1 = System.nanoTime();
                pool.parallelFor(chunks, 1, (c0, c1) -> {
                    for (int c = c0; c < c1; c++) sums[c] = MemoryBandwidth.sumRange(data, c * per, per);
                });
                long t2 = System.nanoTime();
                pool.parallelFor(chunks, 1, (c0, c1) -> {
                    for (int c = c0; c < c1; c++) sums[c] += widen16(data, c * per, per);
                });
                long t3 = System.nanoTime();
                if (round == 0) continue; // the first round compiles
                System.out.printf("kernel %5.1f GB/s   plain reads %5.1f GB/s   16-byte reads widened %5.1f GB/s%s%n",
                        n / (double) (t1 - t0), chunks * per / (double) (t2 - t1), chunks * per / (double) (t3 - t2),
                        sums[0] == 42 ? " " : ""); // uses the sums, so the reads cannot be dropped
            }
        }
    }

    private static long widen16(MemorySegment s, long from, long bytes) {
        IntVector acc = IntVector.zero(INTS);
        for (long p = from, end = from + bytes; p < end; p += 16) {
            acc = acc.add((IntVector) ByteVector.fromMemorySegment(BYTES16, s, p, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, INTS, 0));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
