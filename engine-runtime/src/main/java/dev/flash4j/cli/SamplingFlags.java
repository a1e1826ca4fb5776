package dev.flash4j.cli;

import dev.flash4j.runtime.SamplingOptions;
import picocli.CommandLine.Option;

/** Sampling options shared by {@code generate} and {@code chat}. */
final class SamplingFlags {
    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 = greedy (exact argmax); default ${DEFAULT-VALUE}")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40", paramLabel = "K", description = "keep the K most likely tokens (0 = all; default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "nucleus sampling mass (default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.05", paramLabel = "P", description = "drop tokens below P x the best probability (default ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--repeat-penalty", defaultValue = "1", paramLabel = "R", description = "divide the logits of recently seen tokens by R (1 = off; default ${DEFAULT-VALUE})")
    float repeatPenalty;

    @Option(names = "--presence-penalty", defaultValue = "0", paramLabel = "P", description = "subtract P once from recently seen tokens (default ${DEFAULT-VALUE})")
    float presencePenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0", paramLabel = "F", description = "subtract F per occurrence of recently seen tokens (default ${DEFAULT-VALUE})")
    float frequencyPenalty;

    @Option(names = "--repeat-last-n", defaultValue = "64", paramLabel = "N", description = "how many recent tokens the penalties look at (default ${DEFAULT-VALUE})")
    int penaltyWindow;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    SamplingOptions toOptions() {
        if (penaltyWindow < 0) throw new UserError("--repeat-last-n must be >= 0, got " + penaltyWindow);
        try {
            return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, presencePenalty, frequencyPenalty, penaltyWindow, null, seed);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
