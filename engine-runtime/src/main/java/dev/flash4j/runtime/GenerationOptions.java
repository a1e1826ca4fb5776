package dev.flash4j.runtime;

import java.util.List;
import java.util.Objects;

/**
 * How a text generation runs. Immutable; change with the {@code with*} methods.
 *
 * @param maxTokens    tokens to generate at most
 * @param sampling     how each token is picked
 * @param stopStrings  generation ends as soon as the text contains one of these; the stop string
 *                     and anything after it are left out of the text (the tokens stay in the result)
 * @param stopTokens   ids that end the generation (reported as tokens, not decoded into the text);
 *                     null means the model's end-of-generation tokens ({@link Model#endOfGenerationTokens()})
 * @param addBos       for a text prompt on an empty session: add BOS when the vocabulary asks for it
 *                     ({@code tokenizer.ggml.add_bos_token})
 * @param parseSpecial for a text prompt: match control tokens such as {@code <|im_end|>} written in it
 * @param cancellation checked before every token (null: none)
 */
public record GenerationOptions(int maxTokens, SamplingOptions sampling, List<String> stopStrings, List<Integer> stopTokens,
                                boolean addBos, boolean parseSpecial, CancellationToken cancellation) {
    public static final int DEFAULT_MAX_TOKENS = 256;

    public GenerationOptions {
        if (maxTokens < 0) throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
        Objects.requireNonNull(sampling, "sampling");
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String s : stopStrings) if (s.isEmpty()) throw new IllegalArgumentException("a stop string must not be empty");
        stopTokens = stopTokens == null ? null : List.copyOf(stopTokens);
    }

    /** 256 tokens, greedy, no stop strings, the model's end-of-generation tokens, BOS as the vocabulary says. */
    public static GenerationOptions defaults() {
        return new GenerationOptions(DEFAULT_MAX_TOKENS, SamplingOptions.greedy(), List.of(), null, true, true, null);
    }

    public GenerationOptions withMaxTokens(int n) {
        return new GenerationOptions(n, sampling, stopStrings, stopTokens, addBos, parseSpecial, cancellation);
    }

    public GenerationOptions withSampling(SamplingOptions s) {
        return new GenerationOptions(maxTokens, s, stopStrings, stopTokens, addBos, parseSpecial, cancellation);
    }

    public GenerationOptions withStopStrings(List<String> stops) {
        return new GenerationOptions(maxTokens, sampling, stops, stopTokens, addBos, parseSpecial, cancellation);
    }

    public GenerationOptions withStopStrings(String... stops) {
        return withStopStrings(List.of(stops));
    }

    /** Stop on exactly these ids (empty: never stop on a token); null restores the model's default. */
    public GenerationOptions withStopTokens(List<Integer> ids) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, ids, addBos, parseSpecial, cancellation);
    }

    public GenerationOptions withAddBos(boolean add) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, stopTokens, add, parseSpecial, cancellation);
    }

    public GenerationOptions withParseSpecial(boolean parse) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, stopTokens, addBos, parse, cancellation);
    }

    public GenerationOptions withCancellation(CancellationToken token) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, stopTokens, addBos, parseSpecial, token);
    }
}
