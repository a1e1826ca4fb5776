package dev.flash4j.chat;

/**
 * Stops reasoning that does not end. The generation loop calls {@link #onToken} for every generated
 * token and obeys the returned {@link Action}: {@code END_REASONING} means "insert {@code </think>}
 * now" (the answer then follows), {@code STOP} means "end generation". Two independent triggers:
 * <ul>
 *   <li>a budget: more than {@code maxReasoningTokens} tokens inside reasoning (off by default);</li>
 *   <li>repetition: the reasoning's recent tokens, or its recent non-blank lines (compared with
 *       surrounding whitespace stripped), are one block repeated over and over (see
 *       {@link Settings#defaults()} for the thresholds).</li>
 * </ul>
 * If reasoning still goes on after {@code END_REASONING} (the loop did not insert {@code </think>},
 * or the model reopened it), the guard asks again for {@code graceTokens} tokens, then says STOP.
 * Tokens outside reasoning are not inspected. One guard per generation; {@link #reset()} to reuse.
 */
public final class ReasoningGuard {

    public enum Action { CONTINUE, END_REASONING, STOP }

    /** Why the guard tripped. */
    public enum Trip { NONE, BUDGET, TOKEN_REPETITION, LINE_REPETITION }

    /**
     * @param maxReasoningTokens  reasoning tokens allowed; 0 = unlimited
     * @param detectRepetition    whether repetition is checked at all
     * @param tokenMaxPeriod      longest repeating token block looked for
     * @param tokenMinRepeats     how often a token block must repeat
     * @param tokenMinSpan        how many tokens the repetition must cover at least (guards short blocks)
     * @param lineMaxPeriod       longest repeating block of lines looked for
     * @param lineMinRepeats      how often a block of lines must repeat
     * @param lineMinSpan         how many lines the repetition must cover at least
     * @param onBudget            action when the budget is exceeded
     * @param onRepetition        action when repetition is detected
     * @param graceTokens         reasoning tokens after END_REASONING before the guard says STOP
     */
    public record Settings(int maxReasoningTokens, boolean detectRepetition,
                           int tokenMaxPeriod, int tokenMinRepeats, int tokenMinSpan,
                           int lineMaxPeriod, int lineMinRepeats, int lineMinSpan,
                           Action onBudget, Action onRepetition, int graceTokens) {

        public Settings {
            if (maxReasoningTokens < 0) throw new IllegalArgumentException("reasoning budget must be >= 0 (0 = unlimited), got " + maxReasoningTokens);
            if (tokenMaxPeriod < 1 || lineMaxPeriod < 1) throw new IllegalArgumentException("max periods must be >= 1");
            if (tokenMinRepeats < 2 || lineMinRepeats < 2) throw new IllegalArgumentException("min repeats must be >= 2");
            if (onBudget == Action.CONTINUE || onRepetition == Action.CONTINUE) throw new IllegalArgumentException("a tripped guard must end reasoning or stop");
            if (graceTokens < 0) throw new IllegalArgumentException("grace tokens must be >= 0, got " + graceTokens);
        }

        /**
         * Unlimited budget; repetition detection on and conservative: a token block of up to 256
         * tokens repeated 4 times covering at least 256 tokens (so one token 256 times in a row, a
         * 20-token sentence 13 times, a 64+-token passage 4 times), or a block of up to 32 lines
         * repeated 4 times covering at least 16 lines. Both end reasoning; STOP after 64 more
         * reasoning tokens.
         */
        public static Settings defaults() {
            return new Settings(0, true, 256, 4, 256, 32, 4, 16, Action.END_REASONING, Action.END_REASONING, 64);
        }

        public Settings withMaxReasoningTokens(int max) {
            return new Settings(max, detectRepetition, tokenMaxPeriod, tokenMinRepeats, tokenMinSpan,
                    lineMaxPeriod, lineMinRepeats, lineMinSpan, onBudget, onRepetition, graceTokens);
        }

        public Settings withRepetitionDetection(boolean on) {
            return new Settings(maxReasoningTokens, on, tokenMaxPeriod, tokenMinRepeats, tokenMinSpan,
                    lineMaxPeriod, lineMinRepeats, lineMinSpan, onBudget, onRepetition, graceTokens);
        }

        public Settings withTokenRepetition(int maxPeriod, int minRepeats, int minSpan) {
            return new Settings(maxReasoningTokens, detectRepetition, maxPeriod, minRepeats, minSpan,
                    lineMaxPeriod, lineMinRepeats, lineMinSpan, onBudget, onRepetition, graceTokens);
        }

        public Settings withLineRepetition(int maxPeriod, int minRepeats, int minSpan) {
            return new Settings(maxReasoningTokens, detectRepetition, tokenMaxPeriod, tokenMinRepeats, tokenMinSpan,
                    maxPeriod, minRepeats, minSpan, onBudget, onRepetition, graceTokens);
        }

        public Settings withActions(Action budget, Action repetition) {
            return new Settings(maxReasoningTokens, detectRepetition, tokenMaxPeriod, tokenMinRepeats, tokenMinSpan,
                    lineMaxPeriod, lineMinRepeats, lineMinSpan, budget, repetition, graceTokens);
        }

        public Settings withGraceTokens(int grace) {
            return new Settings(maxReasoningTokens, detectRepetition, tokenMaxPeriod, tokenMinRepeats, tokenMinSpan,
                    lineMaxPeriod, lineMinRepeats, lineMinSpan, onBudget, onRepetition, grace);
        }
    }

    /** Characters of a line that take part in the comparison; longer lines are compared by this prefix. */
    private static final int MAX_LINE_CHARS = 4096;

    private final Settings settings;
    private final PeriodicTail tokenTail;
    private final PeriodicTail lineTail;
    private final StringBuilder line = new StringBuilder();
    private int reasoningTokens;
    private Trip trip = Trip.NONE;
    private Action tripAction = Action.CONTINUE;
    private int tokensSinceTrip;

    public ReasoningGuard(Settings settings) {
        this.settings = settings;
        this.tokenTail = new PeriodicTail(settings.tokenMaxPeriod(), settings.tokenMinRepeats(), settings.tokenMinSpan());
        this.lineTail = new PeriodicTail(settings.lineMaxPeriod(), settings.lineMinRepeats(), settings.lineMinSpan());
    }

    public ReasoningGuard() {
        this(Settings.defaults());
    }

    /**
     * Inspects one generated token.
     *
     * @param tokenId     the token
     * @param pieceText   its decoded text (may be empty, e.g. an incomplete UTF-8 sequence)
     * @param inReasoning whether the token was generated inside reasoning
     */
    public Action onToken(int tokenId, String pieceText, boolean inReasoning) {
        if (!inReasoning) {
            tokensSinceTrip = 0;
            return Action.CONTINUE;
        }
        reasoningTokens++;
        if (trip != Trip.NONE) {
            if (tripAction == Action.STOP) return Action.STOP;
            return ++tokensSinceTrip > settings.graceTokens() ? Action.STOP : Action.END_REASONING;
        }
        if (settings.maxReasoningTokens() > 0 && reasoningTokens > settings.maxReasoningTokens()) {
            return trip(Trip.BUDGET, settings.onBudget());
        }
        if (settings.detectRepetition()) {
            if (tokenTail.add(tokenId) > 0) return trip(Trip.TOKEN_REPETITION, settings.onRepetition());
            if (pieceText != null && linesRepeat(pieceText)) return trip(Trip.LINE_REPETITION, settings.onRepetition());
        }
        return Action.CONTINUE;
    }

    /** Why the guard tripped, NONE if it has not. */
    public Trip trip() {
        return trip;
    }

    /** Tokens seen inside reasoning so far. */
    public int reasoningTokens() {
        return reasoningTokens;
    }

    public void reset() {
        tokenTail.reset();
        lineTail.reset();
        line.setLength(0);
        reasoningTokens = 0;
        trip = Trip.NONE;
        tripAction = Action.CONTINUE;
        tokensSinceTrip = 0;
    }

    private Action trip(Trip why, Action action) {
        trip = why;
        tripAction = action;
        tokensSinceTrip = 0;
        return action;
    }

    /** Adds the piece to the current line; at each line end the stripped line joins the line sequence. */
    private boolean linesRepeat(String piece) {
        boolean repeated = false;
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            if (c == '\n') {
                String stripped = line.toString().strip();
                line.setLength(0);
                if (!stripped.isEmpty() && lineTail.add(fingerprint(stripped)) > 0) repeated = true;
            } else if (line.length() < MAX_LINE_CHARS) {
                line.append(c);
            }
        }
        return repeated;
    }

    /** 64-bit FNV-1a of the line's characters: collisions would only make unequal lines look equal. */
    private static long fingerprint(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
