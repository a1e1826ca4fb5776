package dev.flash4j.runtime;

/**
 * Lets another thread stop a running generation: the generation checks {@link #isCancelled()}
 * before each token and ends with {@code StopReason.CANCELLED}. Once cancelled it stays cancelled;
 * use a new token for the next generation.
 */
public final class CancellationToken {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
