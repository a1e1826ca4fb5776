package dev.flash4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flash4j.runtime.DraftBench;

import java.util.Locale;

/** The speculative-decoding part of {@code bench --draft K}, as text or JSON. */
final class DraftReport {
    private DraftReport() {}

    static String text(DraftBench.Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "speculative decoding, %d draft level%s:%n", r.levels(), r.levels() == 1 ? "" : "s"));
        sb.append(String.format(Locale.ROOT, "  decode step %.2f ms; verify %d tokens %.2f ms (%.2fx a decode step)%n",
                r.decodeMs(), r.levels() + 1, r.verifyMs(), r.verifyCost()));
        for (int k = 1; k <= r.levels(); k++) {
            sb.append(String.format(Locale.ROOT, "  draft level %d (catching up %d rows, head on the last): %.2f ms (%.2fx a decode step)%n",
                    k, r.levels() + 1, r.draftLevelMs()[k - 1], r.draftCost(k)));
        }
        sb.append(String.format(Locale.ROOT, "  all drafts accepted: predicted %.2fx, measured %.2fx (%.2f tokens per verify pass; %.1f vs %.1f tokens/s)%n",
                r.predictedSpeedup(), r.forcedSpeedup(), r.forcedTokensPerPass(), r.forcedTokensPerSecond(), r.plainTokensPerSecond()));
        sb.append(String.format(Locale.ROOT, "  the model's own drafter, adaptive: %.2fx (acceptance %.1f%%)%n",
                r.adaptiveSpeedup(), 100 * r.adaptiveAcceptance()));
        return sb.toString();
    }

    static ObjectNode json(DraftBench.Report r) {
        ObjectNode o = BenchJson.object();
        o.put("levels", r.levels());
        o.put("decode_ms", r.decodeMs());
        o.put("verify_ms", r.verifyMs());
        o.put("verify_cost", r.verifyCost());
        var levels = o.putArray("draft_levels");
        for (int k = 1; k <= r.levels(); k++) {
            ObjectNode l = levels.addObject();
            l.put("level", k);
            l.put("ms", r.draftLevelMs()[k - 1]);
            l.put("cost", r.draftCost(k));
        }
        o.put("predicted_speedup_all_accepted", r.predictedSpeedup());
        o.put("measured_speedup_all_accepted", r.forcedSpeedup());
        o.put("tokens_per_pass_all_accepted", r.forcedTokensPerPass());
        o.put("plain_tokens_per_second", r.plainTokensPerSecond());
        o.put("forced_tokens_per_second", r.forcedTokensPerSecond());
        o.put("adaptive_tokens_per_second", r.adaptiveTokensPerSecond());
        o.put("adaptive_speedup", r.adaptiveSpeedup());
        o.put("adaptive_acceptance", r.adaptiveAcceptance());
        return o;
    }
}
