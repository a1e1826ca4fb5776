package dev.flash4j.runtime;

/**
 * The outcome of a text generation.
 *
 * @param text       the generated text, without a stop token's text and cut before a stop string
 * @param tokens     every sampled id, including a final stop token and the tokens of a stop string
 * @param usage      token counts
 * @param timings    how long the prompt and the generation took
 * @param stopReason why the generation ended
 */
public record GenerationResult(String text, int[] tokens, Usage usage, Timings timings, Session.StopReason stopReason) {

    /**
     * @param promptTokens     tokens of the prompt, including those reused from the cache
     * @param cachedTokens     prompt tokens whose cached state was reused rather than computed
     * @param completionTokens tokens generated
     */
    public record Usage(int promptTokens, int cachedTokens, int completionTokens) {
        public int totalTokens() {
            return promptTokens + completionTokens;
        }
    }

    /**
     * @param prefillTokens tokens the prompt pass computed (the prompt less the reused prefix)
     * @param prefillNanos  time of the prompt pass, up to the first token's logits
     * @param decodeTokens  tokens generated
     * @param decodeNanos   time from the first token's logits to the end
     */
    public record Timings(int prefillTokens, long prefillNanos, int decodeTokens, long decodeNanos) {
        /** Prompt tokens computed per second. */
        public double prefillTokensPerSecond() {
            return prefillNanos == 0 ? 0 : prefillTokens * 1e9 / prefillNanos;
        }

        /** Generated tokens per second, counting the forward steps after the first token. */
        public double decodeTokensPerSecond() {
            return decodeNanos == 0 || decodeTokens < 2 ? 0 : (decodeTokens - 1) * 1e9 / decodeNanos;
        }
    }
}
