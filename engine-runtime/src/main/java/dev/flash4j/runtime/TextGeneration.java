package dev.flash4j.runtime;

import dev.flash4j.tokenizer.TokenStreamDecoder;

import java.util.Arrays;

/**
 * One generation on a session, the one sampling loop of plain decoding: feeds the not yet cached
 * part of the prompt, then samples token by token, decoding each into text (whole UTF-8
 * characters; skipped for an ids-only run, which needs no tokenizer), watching for stop tokens,
 * stop strings and cancellation, and streaming to the listener. Speculative decoding has its own
 * loop ({@link SpeculativeDecoder}): it feeds several tokens per step.
 *
 * <p>What ends up cached: the prompt and every generated token except the last one (a stop token
 * is never fed back; after the last allowed token no further step runs).
 */
final class TextGeneration {
    private TextGeneration() {}

    /**
     * @param history the ids the penalties look back over: the cached ids, then {@code feed}
     * @param feed    prompt ids still to compute (at least one)
     * @param promptTokens the whole prompt's length, for the usage
     * @param cached  prompt ids whose cached state was reused (only counted in the usage)
     * @param text    whether to decode text (false: ids only, no tokenizer needed, no stop strings allowed,
     *                the result's text is empty and {@code listener.onText} is never called)
     */
    static GenerationResult run(Session session, int[] history, int[] feed, int promptTokens, int cached,
                                GenerationOptions options, GenerationListener listener, boolean text) {
        if (feed.length == 0) throw new IllegalArgumentException("the prompt is empty: at least one token must be fed");
        if (!text && !options.stopStrings().isEmpty()) throw new IllegalArgumentException("stop strings need text decoding");
        Model model = session.model();
        int vocab = model.config().vocab();
        int[] stopTokens = options.stopTokens() == null
                ? model.endOfGenerationTokens()
                : options.stopTokens().stream().mapToInt(Integer::intValue).toArray();
        Sampler sampler = new Sampler(options.sampling(), vocab);
        TokenStreamDecoder decoder = text ? model.tokenizer().newStreamDecoder(false) : null;
        StopStringFilter stops = new StopStringFilter(options.stopStrings());
        CancellationToken cancel = options.cancellation();

        int max = options.maxTokens();
        int[] seen = Arrays.copyOf(history, history.length + max);
        int seenLength = history.length;
        int[] out = new int[max];
        int produced = 0;
        float[] logits = new float[vocab];
        Session.StopReason reason = Session.StopReason.MAX_TOKENS;
        boolean listening = true;

        long t0 = System.nanoTime();
        session.prefill(feed, logits);
        long t1 = System.nanoTime();
        int[] one = new int[1];
        while (produced < max) {
            if (cancel != null && cancel.isCancelled()) {
                reason = Session.StopReason.CANCELLED;
                break;
            }
            int next = sampler.sample(logits, 0, seen, seenLength);
            out[produced++] = next;
            seen[seenLength++] = next;
            if (!listener.onToken(next)) {
                reason = Session.StopReason.CANCELLED;
                listening = false;
            }
            if (contains(stopTokens, next)) {
                reason = Session.StopReason.STOP_TOKEN;
                break;
            }
            String piece = text ? stops.append(decoder.push(next)) : "";
            if (!piece.isEmpty() && listening && !listener.onText(piece)) {
                reason = Session.StopReason.CANCELLED;
                listening = false;
            }
            if (stops.stopped()) {
                reason = Session.StopReason.STOP_STRING;
                break;
            }
            if (!listening || produced == max) break;
            if (session.position() >= session.contextSize()) {
                reason = Session.StopReason.CONTEXT_FULL;
                break;
            }
            one[0] = next;
            session.prefill(one, logits);
        }
        if (text && !stops.stopped()) {
            // the decoder may hold the start of a character, the filter a possible stop-string prefix
            String rest = stops.append(decoder.flush());
            if (!stops.stopped()) {
                rest += stops.finish();
            } else if (reason != Session.StopReason.CANCELLED) {
                reason = Session.StopReason.STOP_STRING;
            }
            if (!rest.isEmpty()) listener.onText(rest);
        }
        long t2 = System.nanoTime();
        int[] tokens = Arrays.copyOf(out, produced);
        return new GenerationResult(stops.text(), tokens,
                new GenerationResult.Usage(promptTokens, cached, produced),
                new GenerationResult.Timings(feed.length, t1 - t0, produced, t2 - t1),
                reason);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
