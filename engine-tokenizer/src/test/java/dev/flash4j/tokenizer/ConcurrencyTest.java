package dev.flash4j.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** One tokenizer shared by several threads gives each the same ids as a single thread would. */
class ConcurrencyTest {

    @Test
    void sharedTokenizerIsThreadSafe() throws Exception {
        TestVocabs v = TestVocabs.byteLevel("gpt-2", "Ġ t", "h e", "Ġt he", "i n", "Ġ a", "Ġa n", "Ġan d");
        Tokenizer reference = v.build();
        Tokenizer shared = v.build();
        Random rnd = new Random(3);
        String[] words = {"the", "and", "in", "then", "thin", "anne", "théâtre", "中文", "42"};
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 30; w++) sb.append(words[rnd.nextInt(words.length)]).append(rnd.nextBoolean() ? " " : "  ");
            texts.add(sb.toString());
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<int[]>> results = new ArrayList<>();
            for (String t : texts) results.add(pool.submit(() -> shared.encode(t)));
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(reference.encode(texts.get(i)), results.get(i).get(), texts.get(i));
            }
        }
    }
}
