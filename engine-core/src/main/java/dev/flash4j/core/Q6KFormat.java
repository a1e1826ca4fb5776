package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q6_K, 256 values in 210 bytes: {@code ql[128]} (low 4 bits), {@code qh[64]} (high 2 bits),
 * {@code scales[16]} (signed 8-bit, one per 16 values), {@code d} (f16). Value = {@code d * sc * (q - 32)}.
 * Each half of 128 values uses 64 bytes of {@code ql} and 32 of {@code qh}: for {@code l < 32},
 * values {@code l, l+32, l+64, l+96} take the low nibble of {@code ql[l]}, of {@code ql[l+32]}, the
 * high nibble of {@code ql[l]}, of {@code ql[l+32]}, and bits 0-1, 2-3, 4-5, 6-7 of {@code qh[l]}.
 */
final class Q6KFormat implements BlockFormat {
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
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p + 208);
            for (int half = 0; half < 2; half++) {
                long ql = p + 64 * half, qh = p + 128 + 32 * half, sc = p + 192 + 8 * half;
                int xo = xOff + b * BLOCK + 128 * half;
                for (int k = 0; k < 4; k++) {
                    int is = k / 2;
                    ByteVector a = Vec.bytes8(src, ql + 8 * k), c = Vec.bytes8(src, ql + 32 + 8 * k);
                    ByteVector h = Vec.bytes8(src, qh + 8 * k);
                    ByteVector q1 = a.and((byte) 0xF).or(h.and((byte) 3).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
                    ByteVector q2 = c.and((byte) 0xF).or(h.and((byte) 0x0C).lanewise(VectorOperators.LSHL, 2)).sub((byte) 32);
                    ByteVector q3 = a.lanewise(VectorOperators.LSHR, 4).or(h.and((byte) 0x30)).sub((byte) 32);
                    ByteVector q4 = c.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 6).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
                    int xl = xo + 8 * k;
                    a0 = Vec.toFloat(q1).mul(d * Le.s8(src, sc + is)).fma(Vec.x(x, xl), a0);
                    a1 = Vec.toFloat(q2).mul(d * Le.s8(src, sc + is + 2)).fma(Vec.x(x, xl + 32), a1);
                    a2 = Vec.toFloat(q3).mul(d * Le.s8(src, sc + is + 4)).fma(Vec.x(x, xl + 64), a2);
                    a3 = Vec.toFloat(q4).mul(d * Le.s8(src, sc + is + 6)).fma(Vec.x(x, xl + 96), a3);
                }
            }
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }
}
