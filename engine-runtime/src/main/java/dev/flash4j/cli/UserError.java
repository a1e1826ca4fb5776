package dev.flash4j.cli;

/** A problem with what the user asked for; its message is printed as is, on one line. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
