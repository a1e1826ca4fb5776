package dev.flash4j.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenStreamDecoderTest {
    // byte-level vocabulary with byte tokens only: token id == byte value
    private final Tokenizer bytes = TestVocabs.byteLevel("gpt-2").build();

    private static int[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xFF;
        return ids;
    }

    @Test
    void multiByteCharactersAreHeldUntilComplete() {
        TokenStreamDecoder d = bytes.newStreamDecoder();
        int[] ids = utf8("aé😀");
        assertEquals("a", d.push(ids[0]));
        assertEquals("", d.push(ids[1]));
        assertEquals("é", d.push(ids[2]));
        assertEquals("", d.push(ids[3]));
        assertEquals("", d.push(ids[4]));
        assertEquals("", d.push(ids[5]));
        assertEquals("😀", d.push(ids[6]));
        assertEquals("", d.flush());
    }

    @Test
    void anIncompleteCharacterAtTheEndBecomesAReplacementCharacter() {
        TokenStreamDecoder d = bytes.newStreamDecoder();
        int[] ids = utf8("€");
        assertEquals("", d.push(ids[0]));
        assertEquals("", d.push(ids[1]));
        assertEquals("\uFFFD", d.flush());
    }

    @Test
    void invalidBytesDoNotBlockTheStream() {
        TokenStreamDecoder d = bytes.newStreamDecoder();
        // a stray continuation byte cannot start a character: it is emitted (as U+FFFD) at once
        assertEquals("\uFFFD", d.push(0x80));
        assertEquals("x", d.push('x'));
    }

    @Test
    void streamedPiecesConcatenateToTheFullDecode() {
        String text = "Grüße, 世界! 🎉 done";
        int[] ids = bytes.encode(text);
        TokenStreamDecoder d = bytes.newStreamDecoder();
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(d.push(id));
        sb.append(d.flush());
        assertEquals(text, sb.toString());
        assertEquals(text, bytes.decode(ids));
    }
}
