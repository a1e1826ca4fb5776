package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q6_K, 256 values in 210 bytes: {@code ql[128]} (low 4 bits), {@code qh[64]} (high 2 bits),
 * {@code scales[16]} (signed 8-bit, one per 16 values), {@code d} (f16). Value = {@code d * sc * (q - 32)}.
 * Each half of 128 values uses 64 bytes of {@code ql} and 32 of {@code qh}: for {@code l < 32},
 * values {@code l, l+32, l+64, l+96} take the low nibble of {@code ql[l]}, of {@code ql[l+32]}, the
 * high nibble of {@code ql[l]}, of {@code ql[l+32]}, and bits 0-1, 2-3, 4-5, 6-7 of {@code qh[l]}.
 */
final class Q6KFormat implements Q8DotFormat {
    static final int BLOCK = 256, BYTES = 210;

    @Override
    public GgmlType type() { return GgmlType.Q6_K; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p + 208);
            for (int half = 0; half < 2; half++) {
                long ql = p + 64 * half, qh = p + 128 + 32 * half, sc = p + 192 + 8 * half;
                int o = dstOff + b * BLOCK + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int a = Le.u8(src, ql + l), c = Le.u8(src, ql + l + 32), h = Le.u8(src, qh + l);
                    int q1 = ((a & 0xF) | ((h & 3) << 4)) - 32;
                    int q2 = ((c & 0xF) | (((h >> 2) & 3) << 4)) - 32;
                    int q3 = ((a >> 4) | (((h >> 4) & 3) << 4)) - 32;
                    int q4 = ((c >> 4) | (((h >> 6) & 3) << 4)) - 32;
                    dst[o + l] = d * Le.s8(src, sc + is) * q1;
                    dst[o + l + 32] = d * Le.s8(src, sc + is + 2) * q2;
                    dst[o + l + 64] = d * Le.s8(src, sc + is + 4) * q3;
                    dst[o + l + 96] = d * Le.s8(src, sc + is + 6) * q4;
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        float sum = 0;
        for (int b = 0; b < n / BLOCK; b++) sum += blockDot(src, off + (long) b * BYTES, x, xOff + b * BLOCK);
        return sum;
    }

    /**
     * One block in 8 steps of 8 positions l (2 halves x 4 runs); within a step, pass {@code j = 0}
     * takes the low nibbles of {@code ql[l]} / {@code ql[l+32]} with bits 0-1 / 2-3 of {@code qh[l]}
     * (values l and l+32), pass {@code j = 1} the high nibbles with bits 4-5 / 6-7 (values l+64 and
     * l+96). The passes are a loop rather than unrolled code on purpose: C2 stops inlining Vector
     * API calls once a method's parsed size passes a node limit (the result runs boxed, 5x slower).
     */
    private static float blockDot(MemorySegment src, long p, float[] x, int xo) {
        float d = Le.f16(src, p + 208);
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = acc0;
        for (int i = 0; i < 8; i++) {
            int half = i >> 2, k = i & 3;
            long ql = p + 64 * half + 8 * k, qh = p + 128 + 32 * half + 8 * k;
            long s8 = Le.i64(src, p + 192 + 8 * half); // the half's 8 scales, scale j in byte j
            int is = k >> 1;
            int xl = xo + 128 * half + 8 * k;
            for (int j = 0; j < 2; j++) {
                IntVector h = Vec.toInt(Vec.bytes8(src, qh)).lanewise(VectorOperators.LSHR, 4 * j);
                IntVector qa = Vec.nibbles(src, ql, 4 * j).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                IntVector qc = Vec.nibbles(src, ql + 32, 4 * j).or(h.and(0x0C).lanewise(VectorOperators.LSHL, 2)).sub(32);
                float sa = d * (byte) (s8 >>> (8 * (is + 4 * j))), sc = d * (byte) (s8 >>> (8 * (is + 2 + 4 * j)));
                acc0 = Vec.toFloat(qa).mul(sa).fma(Vec.x(x, xl + 64 * j), acc0);
                acc1 = Vec.toFloat(qc).mul(sc).fma(Vec.x(x, xl + 32 + 64 * j), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float dotQ8(MemorySegment src, long off, Q8Activations x, int xOff, int n) {
        Q8Checks.check(x, xOff, n);
        float sum = 0;
        for (int b = 0; b < n / BLOCK; b++) sum += blockDotQ8(src, off + (long) b * BYTES, x, xOff + b * BLOCK);
        return sum;
    }

    /**
     * One block against 8-bit activations, in the step order of {@link #blockDot}: each run of 8
     * products {@code (q-32)*qx} is summed in ints, then scaled by {@code d*sc} and the activation
     * block's scale (the quarter t of a half is activation block 4*half + t).
     */
    private static float blockDotQ8(MemorySegment src, long p, Q8Activations x, int xi) {
        float d = Le.f16(src, p + 208);
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = acc0;
        for (int i = 0; i < 8; i++) {
            int half = i >> 2, k = i & 3;
            long ql = p + 64 * half + 8 * k, qh = p + 128 + 32 * half + 8 * k;
            long s8 = Le.i64(src, p + 192 + 8 * half);
            int is = k >> 1;
            int xl = xi + 128 * half + 8 * k;
            for (int j = 0; j < 2; j++) {
                IntVector h = Vec.toInt(Vec.bytes8(src, qh)).lanewise(VectorOperators.LSHR, 4 * j);
                IntVector qa = Vec.nibbles(src, ql, 4 * j).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                IntVector qc = Vec.nibbles(src, ql + 32, 4 * j).or(h.and(0x0C).lanewise(VectorOperators.LSHL, 2)).sub(32);
                int xa = xl + 64 * j, xc = xl + 32 + 64 * j;
                float sa = d * (byte) (s8 >>> (8 * (is + 4 * j))) * x.d[xa / Q8Activations.BLOCK];
                float sc = d * (byte) (s8 >>> (8 * (is + 2 + 4 * j))) * x.d[xc / Q8Activations.BLOCK];
                acc0 = Vec.toFloat(qa.mul(Vec.q8(x.q, xa))).fma(FloatVector.broadcast(Vec.F, sa), acc0);
                acc1 = Vec.toFloat(qc.mul(Vec.q8(x.q, xc))).fma(FloatVector.broadcast(Vec.F, sc), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
