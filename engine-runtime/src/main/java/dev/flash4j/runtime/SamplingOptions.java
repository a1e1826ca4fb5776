package dev.flash4j.runtime;

import java.util.Map;

/**
 * How the next token is picked from the logits. Temperature 0 is exact argmax (greedy); otherwise
 * penalties and logit bias apply first, then temperature, then top-k, top-p and min-p filtering,
 * then a draw from a generator seeded with {@code seed} (same seed, same output).
 *
 * @param repetitionPenalty  divides positive / multiplies negative logits of tokens already seen (1 = off)
 * @param presencePenalty    subtracted once from every token already seen (0 = off)
 * @param frequencyPenalty   subtracted per occurrence of a token already seen (0 = off)
 * @param penaltyWindow      how many of the last tokens the penalties look at
 * @param logitBias          added to the logit of a token id
 */
public record SamplingOptions(float temperature, int topK, float topP, float minP,
                              float repetitionPenalty, float presencePenalty, float frequencyPenalty, int penaltyWindow,
                              Map<Integer, Float> logitBias, long seed) {

    public SamplingOptions {
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new IllegalArgumentException("min-p must be in [0, 1), got " + minP);
        if (!(repetitionPenalty > 0)) throw new IllegalArgumentException("repetition penalty must be > 0, got " + repetitionPenalty);
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
    }

    public static SamplingOptions greedy() {
        return new SamplingOptions(0f, 0, 1f, 0f, 1f, 0f, 0f, 64, Map.of(), 0);
    }

    /** Temperature sampling with common defaults: top-k 40, top-p 0.95, min-p 0.05. */
    public static SamplingOptions sample(float temperature, long seed) {
        return new SamplingOptions(temperature, 40, 0.95f, 0.05f, 1f, 0f, 0f, 64, Map.of(), seed);
    }

    public SamplingOptions withTemperature(float t) {
        return new SamplingOptions(t, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyWindow, logitBias, seed);
    }

    public SamplingOptions withTopK(int k) {
        return new SamplingOptions(temperature, k, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyWindow, logitBias, seed);
    }

    public SamplingOptions withTopP(float p) {
        return new SamplingOptions(temperature, topK, p, minP, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyWindow, logitBias, seed);
    }

    public SamplingOptions withMinP(float p) {
        return new SamplingOptions(temperature, topK, topP, p, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyWindow, logitBias, seed);
    }

    public SamplingOptions withPenalties(float repetition, float presence, float frequency) {
        return new SamplingOptions(temperature, topK, topP, minP, repetition, presence, frequency, penaltyWindow, logitBias, seed);
    }

    public SamplingOptions withLogitBias(Map<Integer, Float> bias) {
        return new SamplingOptions(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyWindow, bias, seed);
    }

    public SamplingOptions withSeed(long s) {
        return new SamplingOptions(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyWindow, logitBias, s);
    }
}
