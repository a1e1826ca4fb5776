package dev.flash4j.runtime;

import dev.flash4j.tokenizer.TokenStreamDecoder;
import dev.flash4j.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * One text generation on a session: feeds the not yet cached part of the prompt, then samples
 * token by token, decoding each into text (whole UTF-8 characters), watching for stop tokens,
 * stop strings and cancellation, and streaming to the listener.
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
     */
    static GenerationResult run(Session session, int[] history, int[] feed, int promptTokens, int cached,
                                GenerationOptions options, GenerationListener listener) {
        if (feed.length == 0) throw new IllegalArgumentException("the prompt is empty: at least one token must be fed");
        Model model = session.model();
        Tokenizer tokenizer = model.tokenizer();
        int vocab = model.config().vocab();
        int[] stopTokens = options.stopTokens() == null
                ? model.endOfGenerationTokens()
                : options.stopTokens().stream().mapToInt(Integer::intValue).toArray();
        Sampler sampler = new Sampler(options.sampling(), vocab);
        TokenStreamDecoder decoder = tokenizer.newStreamDecoder(false);
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
            String piece = stops.append(decoder.push(next));
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
        if (!stops.stopped()) {
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
