package dev.flash4j.synth;

import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgmlType;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.ModelOptions;
import dev.flash4j.runtime.SamplingOptions;
import dev.flash4j.runtime.Session;
import dev.flash4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class SynthModelWriterTest {
    @TempDir
    Path dir;

    Path write(SynthConfig c, SynthType t, long seed, String name) throws Exception {
        Path out = dir.resolve(name);
        try (WorkerPool pool = new WorkerPool(2)) {
            new SynthModelWriter(c, t, seed, pool).write(out);
        }
        return out;
    }

    /** Step 3.5 Flash's real layer structure (45 layers, full attention every 4th, 3 dense, 3 MTP) at toy width. */
    @Test
    void theReal45LayerStructureLoadsAndRuns() throws Exception {
        SynthConfig c = SynthConfig.parse("{\"layers\":45,\"mtpLayers\":3,\"leadingDense\":3,\"embedding\":64,\"headDim\":32,"
                + "\"fullHeads\":4,\"slidingHeads\":6,\"kvHeads\":2,\"fullRopeDims\":16,\"slidingRopeDims\":32,\"denseFf\":64,"
                + "\"experts\":8,\"expertsUsed\":2,\"expertFf\":32,\"sharedFf\":32,\"vocab\":512}");
        Path f = write(c, SynthType.F16, 3, "real-shape.gguf");
        try (Model m = Model.load(f, ModelOptions.defaults().withThreads(2).withContextSize(64).withBatchSize(16)); Session s = m.newSession()) {
            var cfg = m.config();
            assertEquals(45, cfg.layers());
            assertEquals(3, cfg.mtpLayers());
            for (int il = 0; il < 48; il++) assertEquals(il % 4 != 0, cfg.slidingLayer()[il], "layer " + il);
            assertEquals(12, java.util.stream.IntStream.range(0, 45).filter(il -> !cfg.slidingLayer()[il]).count());
            assertNotNull(m.file().tensor("blk.2.ffn_gate.weight"));
            assertNotNull(m.file().tensor("blk.3.ffn_gate_exps.weight"));
            float[] logits = s.prefillAll(new int[]{1, 300, 301, 302});
            for (float v : logits) assertTrue(Float.isFinite(v));
        }
        try (Model m = Model.load(f, ModelOptions.defaults().withThreads(2).withContextSize(64).withBatchSize(16)); Session s = m.newSession()) {
            float[][] levels = s.mtpTeacherForced(new int[]{1, 300, 301, 302, 303});
            assertEquals(3, levels.length);
            assertEquals(4 * 512, levels[0].length);
            assertEquals(2 * 512, levels[2].length);
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
        Path a = write(SynthConfig.tiny(), SynthType.Q4_K_S, 5, "a.gguf");
        Path b = write(SynthConfig.tiny(), SynthType.Q4_K_S, 5, "b.gguf");
        Path c = write(SynthConfig.tiny(), SynthType.Q4_K_S, 6, "c.gguf");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void q4KsMixUsesLlamaCppsTypes() throws Exception {
        Path f = write(SynthConfig.tiny(), SynthType.Q4_K_S, 1, "mix.gguf");
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals(GgmlType.Q6_K, g.tensor("output.weight").type());
            assertEquals(GgmlType.Q4_K, g.tensor("token_embd.weight").type());
            assertEquals(GgmlType.Q8_0, g.tensor("blk.1.attn_k.weight").type());
            assertEquals(GgmlType.Q4_K, g.tensor("blk.1.ffn_up_exps.weight").type());
            assertEquals(GgmlType.F32, g.tensor("blk.1.ffn_gate_inp.weight").type());
            // attn_output of a 6-head SWA layer has 384 columns: not a multiple of 256, so the K-quant falls back
            assertEquals(GgmlType.Q8_0, g.tensor("blk.1.attn_output.weight").type());
            assertEquals(GgmlType.Q5_K, g.tensor("blk.0.attn_output.weight").type());
        }
    }

    /** IQ4_XS: the Q4_K_S mix with IQ4_XS in Q4_K's place, as llama.cpp's golden tiny IQ4_XS model has it. */
    @Test
    void iq4XsMixUsesLlamaCppsTypes() throws Exception {
        Path f = write(SynthConfig.tiny(), SynthType.IQ4_XS, 1, "iq4.gguf");
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals(GgmlType.Q6_K, g.tensor("output.weight").type());
            assertEquals(GgmlType.IQ4_XS, g.tensor("token_embd.weight").type());
            assertEquals(GgmlType.Q8_0, g.tensor("blk.1.attn_k.weight").type());
            assertEquals(GgmlType.IQ4_XS, g.tensor("blk.1.ffn_up_exps.weight").type());
            assertEquals(GgmlType.IQ4_XS, g.tensor("blk.0.attn_q.weight").type());
            assertEquals(GgmlType.F32, g.tensor("blk.1.ffn_gate_inp.weight").type());
            assertEquals(GgmlType.Q5_K, g.tensor("blk.0.attn_output.weight").type());
        }
    }

    @Test
    void vocabularyRoundTripsTextAndHasTheChatControlTokens() throws Exception {
        Path f = write(SynthConfig.tiny(), SynthType.Q8_0, 1, "vocab.gguf");
        try (GgufFile g = GgufFile.open(f)) {
            Tokenizer t = Tokenizer.fromMetadata(g.metadata());
            assertEquals(1024, t.vocabSize());
            String text = "hello world, 42 times: caf\u00e9!";
            assertEquals(text, t.decode(t.encode(text, false, false)));
            for (String special : SynthVocabulary.CONTROL) assertTrue(t.tokenId(special) > 2, special);
            assertTrue(g.metadata().getString("tokenizer.chat_template").contains("<think>"));
        }
    }

    @Test
    void badConfigsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> SynthConfig.parse("huge"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SynthConfig.parse("{\"layerz\":3}"));
        assertTrue(e.getMessage().contains("layerz"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SynthConfig.parse("{\"kvHeads\":3}"));
        assertThrows(IllegalArgumentException.class, () -> SynthConfig.parse("{not json"));
    }

    @Test
    void greedyGenerationOnASynthModelIsDeterministic() throws Exception {
        Path f = write(SynthConfig.tiny(), SynthType.Q4_0, 9, "gen.gguf");
        try (Model m = Model.load(f, ModelOptions.defaults().withThreads(2).withContextSize(64))) {
            int[] a, b;
            try (Session s = m.newSession()) { a = s.generate(new int[]{1, 400, 500}, 10, SamplingOptions.greedy(), null, id -> true).tokens(); }
            try (Session s = m.newSession()) { b = s.generate(new int[]{1, 400, 500}, 10, SamplingOptions.greedy(), null, id -> true).tokens(); }
            assertArrayEquals(a, b);
        }
    }
}
