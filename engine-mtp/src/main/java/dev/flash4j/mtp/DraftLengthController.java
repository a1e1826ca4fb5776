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
 * every {@code probeInterval} rounds to notice when the drafter improves. With a drafter that is
 * never right, the overhead is one probe's cost per interval (about 1%).
 */
public final class DraftLengthController {
    private static final double EMA = 0.1;
    private final int maxDraft;
    private final double draftCost;
    private final double verifyCost;
    private final int probeInterval;
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
        this.probeInterval = 32;
        this.acceptance = new double[maxDraft + 1];
        java.util.Arrays.fill(acceptance, 0.6); // an optimistic prior, so drafting starts on
    }

    /** Levels to draft this round. */
    public int next() {
        if (!adaptive || maxDraft == 0) return maxDraft;
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
        if (best == 0 && ++roundsSinceDraft >= probeInterval) best = 1;
        if (best > 0) roundsSinceDraft = 0;
        return best;
    }

    /** Records a round: {@code drafted} levels were run and the first {@code accepted} of them accepted. */
    public void record(int drafted, int accepted) {
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
