package dev.flash4j.synth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a synthetic {@code step35} model. Block {@code il} uses full attention when
 * {@code il % fullAttentionEvery == 0} (Step 3.5 Flash: every 4th, from layer 0) and a sliding
 * window otherwise; the first {@code leadingDense} blocks have a dense FFN, the rest a mixture of
 * experts with a shared expert. {@code mtpLayers} extra blocks (nextn layout) follow the main ones.
 * SwiGLU clamps apply to the routed experts ({@code swigluLimit}) and to the shared expert
 * ({@code swigluLimitShared}) of MoE blocks at odd indices, so both code paths are exercised.
 */
public record SynthConfig(int embedding, int layers, int vocab, int fullHeads, int slidingHeads, int kvHeads, int headDim,
                          int slidingWindow, int fullAttentionEvery, int fullRopeDims, int slidingRopeDims,
                          float fullRopeBase, float slidingRopeBase, int leadingDense, int denseFf,
                          int experts, int expertsUsed, int expertFf, int sharedFf, float expertWeightsScale,
                          float swigluLimit, float swigluLimitShared, int mtpLayers, int contextLength) {

    public SynthConfig {
        positive("embedding", embedding);
        positive("layers", layers);
        if (vocab < 300) throw new IllegalArgumentException("vocab must be at least 300 (bytes and special tokens), got " + vocab);
        positive("fullHeads", fullHeads);
        positive("slidingHeads", slidingHeads);
        positive("kvHeads", kvHeads);
        positive("headDim", headDim);
        positive("fullAttentionEvery", fullAttentionEvery);
        if (fullHeads % kvHeads != 0 || slidingHeads % kvHeads != 0) throw new IllegalArgumentException("query heads must be a multiple of kvHeads");
        if (fullRopeDims % 2 != 0 || fullRopeDims > headDim || slidingRopeDims % 2 != 0 || slidingRopeDims > headDim || fullRopeDims <= 0 || slidingRopeDims <= 0) {
            throw new IllegalArgumentException("rope dims must be even, positive and at most headDim");
        }
        if (leadingDense < layers + mtpLayers && (experts < 1 || expertsUsed < 1 || expertsUsed > experts || expertFf < 1)) {
            throw new IllegalArgumentException("MoE blocks need experts >= expertsUsed >= 1 and expertFf >= 1");
        }
        if (leadingDense > 0) positive("denseFf", denseFf);
        if (fullAttentionEvery > 1) positive("slidingWindow", slidingWindow);
        if (mtpLayers < 0) throw new IllegalArgumentException("mtpLayers must be >= 0");
        positive("contextLength", contextLength);
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    public int blocks() {
        return layers + mtpLayers;
    }

    public boolean sliding(int il) {
        return il % fullAttentionEvery != 0;
    }

    /** Like the golden tiny-a models: 256 hidden, 5 layers, 8 experts top-3, vocabulary of 1024. */
    public static SynthConfig tiny() {
        return new SynthConfig(256, 5, 1024, 4, 6, 2, 64, 8, 4, 32, 64, 5_000_000f, 10_000f,
                1, 512, 8, 3, 256, 256, 3.0f, 1.0f, 1.5f, 0, 4096);
    }

    /** A small but less trivial model for {@code demo}: quick to make, quick to run. */
    public static SynthConfig demo() {
        return new SynthConfig(512, 6, 8192, 8, 12, 2, 64, 128, 4, 32, 64, 5_000_000f, 10_000f,
                1, 1536, 16, 4, 256, 256, 3.0f, 7.0f, 7.0f, 1, 8192);
    }

    /** Step 3.5 Flash's real dimensions cut to four layers: what the performance work measures. */
    public static SynthConfig slice4l() {
        return new SynthConfig(4096, 4, 128_896, 64, 96, 8, 128, 512, 4, 64, 128, 5_000_000f, 10_000f,
                1, 11_264, 32, 8, 1280, 1280, 2.5f, 7.0f, 7.0f, 0, 262_144);
    }

    /** A preset name (tiny, demo, slice-4l) or a JSON object whose fields override the tiny preset. */
    public static SynthConfig parse(String spec) {
        return switch (spec) {
            case "tiny" -> tiny();
            case "demo" -> demo();
            case "slice-4l" -> slice4l();
            default -> {
                if (!spec.trim().startsWith("{")) throw new IllegalArgumentException("unknown config '" + spec + "' (expected tiny, demo, slice-4l or a JSON object)");
                ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
                try {
                    Map<String, Object> fields = json.convertValue(tiny(), json.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
                    Map<String, Object> overrides = json.readValue(spec, json.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
                    for (String k : overrides.keySet()) {
                        if (!fields.containsKey(k)) throw new IllegalArgumentException("unknown config field '" + k + "' (fields: " + fields.keySet() + ")");
                    }
                    fields.putAll(overrides);
                    yield json.convertValue(fields, SynthConfig.class);
                } catch (IllegalArgumentException e) {
                    Throwable c = e;
                    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
                    throw new IllegalArgumentException("bad synth config: " + c.getMessage().lines().findFirst().orElse(""), e);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException("bad synth config JSON: " + e.getOriginalMessage());
                }
            }
        };
    }
}
