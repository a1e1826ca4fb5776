package dev.flash4j.attention;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each cache type's dot and accumulate agree with a scalar reference over what it stored. */
class KvCacheTest {
    static float roundTrip(KvCacheType type, float[] block, int i, int blockStart, int len) {
        return switch (type) {
            case F32 -> block[i];
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(block[i]));
            case Q8 -> {
                float amax = 0;
                for (int j = blockStart; j < blockStart + len; j++) amax = Math.max(amax, Math.abs(block[j]));
                float d = amax / 127f, id = d != 0 ? 1 / d : 0;
                yield Q8KvCache.roundHalfAway(block[i] * id) * Float.float16ToFloat(Float.floatToFloat16(d));
            }
        };
    }

    @ParameterizedTest
    @CsvSource({"F32,64", "F16,64", "Q8,64", "F16,20", "Q8,40", "F32,128", "Q8,128", "F16,128"})
    void dotAndAccumulateMatchAScalarReference(KvCacheType type, int headDim) {
        SplittableRandom r = new SplittableRandom(headDim * 31L + type.ordinal());
        int heads = 3, cap = 5;
        LayerKvCache c = LayerKvCache.create(type, heads, headDim, cap);
        float[] k = new float[heads * headDim], v = new float[heads * headDim], q = new float[headDim];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) r.nextGaussian() * 3;
            v[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < headDim; i++) q[i] = (float) r.nextGaussian();
        int pos = 7; // wraps the ring of 5
        c.store(pos, k, 0, v, 0);
        for (int h = 0; h < heads; h++) {
            double dot = 0;
            float[] acc = new float[headDim], ref = new float[headDim];
            for (int i = 0; i < headDim; i++) {
                int blockStart = h * headDim + (i / 32) * 32, len = Math.min(32, headDim - (i / 32) * 32);
                dot += roundTrip(type, k, h * headDim + i, blockStart, len) * q[i];
                ref[i] = 0.5f * roundTrip(type, v, h * headDim + i, blockStart, len);
            }
            assertEquals(dot, c.dotKey(pos, h, q, 0), 1e-4 * Math.max(1, Math.abs(dot)), type + " head " + h);
            c.addValue(pos, h, 0.5f, acc, 0);
            for (int i = 0; i < headDim; i++) assertEquals(ref[i], acc[i], 1e-5, type + " value " + i);
        }
    }
}
