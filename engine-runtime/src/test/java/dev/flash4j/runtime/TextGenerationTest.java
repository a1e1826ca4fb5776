package dev.flash4j.runtime;

import dev.flash4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Text generation on the tiny model: streaming, stop strings, stop tokens, cancellation, seeds. */
class TextGenerationTest {
    static final String PROMPT = "Once upon a time there was";
    static Model model;
    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(TestModels.tiny(), TestModels.options());
        tokenizer = model.tokenizer();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Records what a listener is told. */
    static final class Recorder implements GenerationListener {
        final List<String> pieces = new ArrayList<>();
        final List<Integer> ids = new ArrayList<>();

        @Override
        public boolean onToken(int id) {
            ids.add(id);
            return true;
        }

        @Override
        public boolean onText(String piece) {
            assertFalse(piece.isEmpty(), "empty piece");
            pieces.add(piece);
            return true;
        }

        String text() {
            return String.join("", pieces);
        }
    }

    static GenerationOptions run(int n) {
        return GenerationOptions.defaults().withMaxTokens(n).withStopTokens(List.of());
    }

    GenerationResult generate(String prompt, GenerationOptions options, GenerationListener listener) {
        try (Session s = model.newSession()) {
            return s.generate(prompt, options, listener);
        }
    }

    @Test
    void streamedPiecesMakeTheTextAndTheTextIsTheDecodedIds() {
        Recorder rec = new Recorder();
        GenerationResult r = generate(PROMPT, run(40).withSampling(SamplingOptions.sample(1.0f, 7)), rec);
        assertEquals(Session.StopReason.MAX_TOKENS, r.stopReason());
        assertEquals(40, r.tokens().length);
        assertEquals(rec.text(), r.text());
        assertEquals(tokenizer.decode(r.tokens()), r.text());
        assertEquals(Arrays.stream(r.tokens()).boxed().toList(), rec.ids);
        assertTrue(rec.pieces.size() > 5, "text should arrive in many pieces, got " + rec.pieces);
        assertEquals(40, r.usage().completionTokens());
        assertEquals(tokenizer.encode(PROMPT, true, true).length, r.usage().promptTokens());
    }

    @Test
    void textPromptStartsWithBosOnAnEmptySessionOnly() {
        try (Session s = model.newSession()) {
            s.generate(PROMPT, run(2), GenerationListener.none());
            assertEquals(tokenizer.bos(), s.cachedTokens()[0]);
            int before = s.position();
            s.generate(" and more", run(1), GenerationListener.none());
            int[] cached = s.cachedTokens();
            // the continuation was fed without a BOS in the middle of the context
            assertNotEquals(tokenizer.bos(), cached[before]);
        }
    }

    @Test
    void stopStringEndsTheTextAndIsNeverStreamed() {
        // find where token pieces meet in a free run, and stop on a string spanning such a boundary
        Recorder free = new Recorder();
        GenerationResult full = generate(PROMPT, run(40), new GenerationListener() {
            final dev.flash4j.tokenizer.TokenStreamDecoder d = tokenizer.newStreamDecoder(false);

            @Override
            public boolean onToken(int id) {
                free.pieces.add(d.push(id));
                return true;
            }
        });
        String text = full.text();
        int boundary = 0, k = 0;
        for (String p : free.pieces) {
            boundary += p.length();
            if (++k >= 8 && boundary >= 6 && boundary + 2 <= text.length()) break;
        }
        String stop = text.substring(boundary - 2, boundary + 2);
        int cut = text.indexOf(stop);

        Recorder rec = new Recorder();
        GenerationResult r = generate(PROMPT, run(40).withStopStrings("never-produced-xyz", stop), rec);
        assertEquals(Session.StopReason.STOP_STRING, r.stopReason());
        assertEquals(text.substring(0, cut), r.text());
        assertEquals(r.text(), rec.text());
        assertFalse(rec.text().contains(stop));
        for (String p : rec.pieces) assertFalse(p.contains(stop));
        assertTrue(r.tokens().length < 40);
    }

    @Test
    void stopTokenEndsTheGenerationAndIsNotDecoded() {
        GenerationResult free = generate(PROMPT, run(12), GenerationListener.none());
        int stopAt = 5;
        int stopId = free.tokens()[stopAt];
        int first = Arrays.stream(free.tokens()).boxed().toList().indexOf(stopId);
        Recorder rec = new Recorder();
        GenerationResult r = generate(PROMPT, run(12).withStopTokens(List.of(stopId)), rec);
        assertEquals(Session.StopReason.STOP_TOKEN, r.stopReason());
        assertArrayEquals(Arrays.copyOf(free.tokens(), first + 1), r.tokens());
        assertEquals(tokenizer.decode(Arrays.copyOf(free.tokens(), first)), r.text());
        assertEquals(r.text(), rec.text());
    }

    @Test
    void sameSeedSameTextOtherSeedOtherText() {
        SamplingOptions s = SamplingOptions.sample(1.0f, 1234).withTopK(0).withMinP(0f).withTopP(1f);
        String a = generate(PROMPT, run(16).withSampling(s), GenerationListener.none()).text();
        String b = generate(PROMPT, run(16).withSampling(s), GenerationListener.none()).text();
        String c = generate(PROMPT, run(16).withSampling(s.withSeed(99)), GenerationListener.none()).text();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void listenerReturningFalseCancels() {
        int[] calls = {0};
        GenerationResult r = generate(PROMPT, run(20), new GenerationListener() {
            @Override
            public boolean onToken(int id) {
                return ++calls[0] < 3;
            }
        });
        assertEquals(Session.StopReason.CANCELLED, r.stopReason());
        assertEquals(3, r.tokens().length);
        assertEquals(tokenizer.decode(r.tokens()), r.text());
    }

    @Test
    void cancellationTokenStopsBeforeTheNextToken() {
        CancellationToken cancel = new CancellationToken();
        GenerationResult r = generate(PROMPT, run(20).withCancellation(cancel), new GenerationListener() {
            int n;

            @Override
            public boolean onToken(int id) {
                if (++n == 4) cancel.cancel();
                return true;
            }
        });
        assertEquals(Session.StopReason.CANCELLED, r.stopReason());
        assertEquals(4, r.tokens().length);
    }

    @Test
    void endOfGenerationTokensIncludeEos() {
        int[] eog = model.endOfGenerationTokens();
        assertTrue(Arrays.stream(eog).anyMatch(id -> id == tokenizer.eos()), Arrays.toString(eog));
        assertEquals(GenerationOptions.defaults().stopTokens(), null);
    }

    @Test
    void idPromptGeneratesLikeTheTokenLoop() {
        int[] ids = tokenizer.encode(PROMPT, true, true);
        int[] expected;
        try (Session s = model.newSession()) {
            expected = s.generate(ids, 10, SamplingOptions.greedy(), null, id -> true).tokens();
        }
        try (Session s = model.newSession()) {
            assertArrayEquals(expected, s.generate(ids, run(10), GenerationListener.none()).tokens());
        }
    }

    @Test
    void missingChatTemplateIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, model::chatTemplate);
        assertTrue(e.getMessage().contains("no chat template"), e.getMessage());
        assertThrows(IllegalStateException.class, model::newChatSession);
    }
}
