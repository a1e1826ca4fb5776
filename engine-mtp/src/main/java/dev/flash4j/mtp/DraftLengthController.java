package dev.flash4j.mtp;

/**
 * Chooses how many draft levels to run before each verification, from the measured acceptance
 * rate of each level, so that a poor drafter costs almost nothing.
 *
 * <p>Level {@code k} is accepted with probability {@code a_k} given that level {@code k-1} was
 * (tracked as an exponential moving average). Drafting {@code d} levels then yields
 * {@code 1 + sum_{k<=d} prod_{j<=k} a_j} tokens per round for a cost of
 * {@code 1 + d * (draftCost + verifyCost)} decode steps. The controller picks the {@code d} with the
 * best tokens per cost; when no depth beats plain decoding it drafts nothing, and probes one level
 * now and then to notice when the drafter improves; the interval between probes doubles after each
 * failed probe (64, 128, 256, 512 rounds). The costs are measured while decoding ({@link #observe}):
 * a plain step when nothing is drafted, the time per draft level and per extra verified token
 * otherwise; until measured, the constructor's estimates stand. An adaptive controller measures a
 * plain step before it drafts at all.
 */
public final class DraftLengthController {
    private static final double EMA = 0.1;
    private static final double TIME_EMA = 0.3;
    private static final int FIRST_PROBE_INTERVAL = 64, LAST_PROBE_INTERVAL = 512;
    private final int maxDraft;
    private final double draftCost;
    private final double verifyCost;
    private int probeInterval = FIRST_PROBE_INTERVAL;
    private double decodeNanos = -1, draftNanosPerLevel = -1, extraVerifyNanosPerToken = -1;
    private final double[] acceptance;
    private final boolean adaptive;
    private int roundsSinceDraft;

    /**
     * @param maxDraft   the most levels to draft (the model's MTP layers, or fewer)
     * @param draftCost  cost of one draft level, relative to one plain decode step
     * @param verifyCost extra cost of one more token in the verify pass, relative to one decode step
     * @param adaptive   false: always draft {@code maxDraft} levels
     */
    public DraftLengthController(int maxDraft, double draftCost, double verifyCost, boolean adaptive) {
        if (maxDraft < 0) throw new IllegalArgumentException("draft levels must be >= 0, got " + maxDraft);
        this.maxDraft = maxDraft;
        this.draftCost = draftCost;
        this.verifyCost = verifyCost;
        this.adaptive = adaptive;
        this.acceptance = new double[maxDraft + 1];
        java.util.Arrays.fill(acceptance, 0.6); // an optimistic prior, so drafting starts on
    }

    /** Levels to draft this round. */
    public int next() {
        if (!adaptive || maxDraft == 0) return maxDraft;
        if (decodeNanos < 0) return 0; // measure a plain step first
        if (draftNanosPerLevel < 0) return 1; // then what one level and a 2-token verify cost, before going deeper
        double draftCost = draftCost(), verifyCost = verifyCost();
        int best = 0;
        double bestRate = 1.0, reach = 1.0, tokens = 1.0;
        for (int d = 1; d <= maxDraft; d++) {
            reach *= acceptance[d];
            tokens += reach;
            double rate = tokens / (1 + d * (draftCost + verifyCost));
            if (rate > bestRate) {
                bestRate = rate;
                best = d;
            }
        }
        if (best == 0 && ++roundsSinceDraft >= probeInterval) {
            best = 1;
            probeInterval = Math.min(LAST_PROBE_INTERVAL, 2 * probeInterval);
        }
        if (best > 0) roundsSinceDraft = 0;
        return best;
    }

    /** The measured (or, until measured, estimated) cost of one draft level, in plain decode steps. */
    public double draftCost() {
        return decodeNanos > 0 && draftNanosPerLevel >= 0 ? draftNanosPerLevel / decodeNanos : draftCost;
    }

    /** The measured (or estimated) extra cost of one more verified token, in plain decode steps. */
    public double verifyCost() {
        return decodeNanos > 0 && extraVerifyNanosPerToken >= 0 ? extraVerifyNanosPerToken / decodeNanos : verifyCost;
    }

    /**
     * Records how long a round took: {@code depth} levels drafted in {@code draftNanos}, then one
     * verify pass of {@code depth + 1} tokens in {@code verifyNanos} (with depth 0, a plain step).
     */
    public void observe(int depth, long draftNanos, long verifyNanos) {
        if (depth == 0) {
            decodeNanos = decodeNanos < 0 ? verifyNanos : decodeNanos + TIME_EMA * (verifyNanos - decodeNanos);
            return;
        }
        double perLevel = (double) draftNanos / depth;
        draftNanosPerLevel = draftNanosPerLevel < 0 ? perLevel : draftNanosPerLevel + TIME_EMA * (perLevel - draftNanosPerLevel);
        if (decodeNanos > 0) {
            double extra = Math.max(0, verifyNanos - decodeNanos) / depth;
            extraVerifyNanosPerToken = extraVerifyNanosPerToken < 0 ? extra : extraVerifyNanosPerToken + TIME_EMA * (extra - extraVerifyNanosPerToken);
        }
    }

    /** Records a round: {@code drafted} levels were run and the first {@code accepted} of them accepted. */
    public void record(int drafted, int accepted) {
        if (drafted > 0 && accepted > 0) probeInterval = FIRST_PROBE_INTERVAL;
        for (int k = 1; k <= Math.min(drafted, accepted + 1); k++) {
            double hit = k <= accepted ? 1 : 0;
            acceptance[k] += EMA * (hit - acceptance[k]);
        }
    }

    /** The current estimate of level {@code k}'s conditional acceptance. */
    public double acceptance(int k) {
        return acceptance[k];
    }
}
