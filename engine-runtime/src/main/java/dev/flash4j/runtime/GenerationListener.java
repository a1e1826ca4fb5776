package dev.flash4j.runtime;

/**
 * Receives a generation as it happens. Every method may return false to stop the generation
 * (it then ends with {@code StopReason.CANCELLED}).
 *
 * <p>Text arrives in whole UTF-8 characters, and text that might be the start of a stop string is
 * held back until it is known not to be one, so a stop string never reaches the listener. The
 * pieces put together are exactly {@link GenerationResult#text()}: held-back text is delivered
 * in a last {@link #onText} call when the generation ends for any reason other than a stop string
 * (also after a cancellation; that call's return value is then ignored).
 */
public interface GenerationListener {
    /** A newly sampled token id (including a final stop token), before its text is released. */
    default boolean onToken(int id) {
        return true;
    }

    /** The next piece of generated text (never empty). */
    default boolean onText(String piece) {
        return true;
    }

    /** A listener that ignores everything. */
    static GenerationListener none() {
        return new GenerationListener() {};
    }

    /** A listener that hands each text piece to {@code sink}. */
    static GenerationListener text(java.util.function.Consumer<String> sink) {
        return new GenerationListener() {
            @Override
            public boolean onText(String piece) {
                sink.accept(piece);
                return true;
            }
        };
    }
}
