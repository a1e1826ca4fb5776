package dev.flash4j.tokenizer;

import dev.flash4j.gguf.GgufMetadata;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A tokenizer built from a GGUF file's {@code tokenizer.ggml.*} metadata.
 *
 * <p>Supported {@code tokenizer.ggml.model} values: {@code gpt2} (byte-level BPE with the
 * pre-tokenizer named by {@code tokenizer.ggml.pre}), {@code llama} (SentencePiece-style BPE with
 * byte fallback) and {@code bert} (WordPiece). Behaviour follows llama.cpp's {@code llama_vocab}
 * and the original Hugging Face tokenizers: user-defined added tokens are always matched
 * whole, control tokens only when {@code parseSpecial} is set.
 *
 * <p>Instances are immutable and thread-safe (the per-word BPE cache is a concurrent map).
 */
public final class Tokenizer {
    private static final System.Logger LOG = System.getLogger(Tokenizer.class.getName());

    /** The tokenizer models this class implements. */
    public enum Model { BPE, SPM, WORDPIECE }

    private final Vocabulary vocab;
    private final Model model;
    private final BpeEncoder bpe;
    private final SpmEncoder spm;
    private final WordPieceEncoder wordPiece;
    private final int bos, eos, unknown, sep;
    private final boolean addBos, addEos, addSep, addSpacePrefix;
    private final SpecialTokenMatcher userDefined;
    private final SpecialTokenMatcher allSpecial;
    private final byte[][] pieceBytes;

    private Tokenizer(GgufMetadata m) {
        if (!m.has(TokenizerKeys.MODEL) || !m.has(TokenizerKeys.TOKENS)) {
            throw new IllegalArgumentException("no tokenizer in this file (missing " + (m.has(TokenizerKeys.MODEL) ? TokenizerKeys.TOKENS : TokenizerKeys.MODEL) + ")");
        }
        String modelName = m.getString(TokenizerKeys.MODEL).toLowerCase(Locale.ROOT);
        this.vocab = Vocabulary.fromMetadata(m);
        this.bos = tokenKey(m, TokenizerKeys.BOS_ID, modelName.equals("bert") ? tokenKey(m, TokenizerKeys.CLS_ID, -1) : -1);
        this.eos = tokenKey(m, TokenizerKeys.EOS_ID, -1);
        this.sep = tokenKey(m, TokenizerKeys.SEP_ID, -1);
        this.unknown = tokenKey(m, TokenizerKeys.UNK_ID, vocab.id("<unk>") >= 0 ? vocab.id("<unk>") : vocab.id("[UNK]"));
        switch (modelName) {
            case "gpt2" -> {
                this.model = Model.BPE;
                if (!m.has(TokenizerKeys.MERGES)) throw new IllegalArgumentException("BPE tokenizer without " + TokenizerKeys.MERGES);
                PreTokenizer pre = PreTokenizer.forName(m.has(TokenizerKeys.PRE) ? m.getString(TokenizerKeys.PRE) : null);
                this.bpe = new BpeEncoder(vocab, m.getStrings(TokenizerKeys.MERGES), pre);
                this.spm = null;
                this.wordPiece = null;
                this.addBos = m.getBool(TokenizerKeys.ADD_BOS, pre.addsBosByDefault());
                this.addSep = false;
                this.addSpacePrefix = false; // llama.cpp ignores add_space_prefix for BPE vocabularies
            }
            case "llama" -> {
                this.model = Model.SPM;
                this.bpe = null;
                this.spm = new SpmEncoder(vocab, unknown);
                this.wordPiece = null;
                this.addBos = m.getBool(TokenizerKeys.ADD_BOS, true);
                this.addSep = false;
                this.addSpacePrefix = m.getBool(TokenizerKeys.ADD_SPACE_PREFIX, true);
            }
            case "bert" -> {
                this.model = Model.WORDPIECE;
                this.bpe = null;
                this.spm = null;
                this.wordPiece = new WordPieceEncoder(vocab, unknown);
                this.addBos = m.getBool(TokenizerKeys.ADD_BOS, true);
                this.addSep = sep >= 0;
                this.addSpacePrefix = false;
            }
            default -> throw new IllegalArgumentException("unsupported tokenizer model '" + modelName + "' (supported: gpt2, llama, bert)");
        }
        this.addEos = m.getBool(TokenizerKeys.ADD_EOS, false);
        this.userDefined = new SpecialTokenMatcher(vocab, id -> vocab.type(id) == TokenType.USER_DEFINED);
        this.allSpecial = new SpecialTokenMatcher(vocab, id -> {
            int t = vocab.type(id);
            return t == TokenType.USER_DEFINED || t == TokenType.CONTROL || t == TokenType.UNKNOWN;
        });
        this.pieceBytes = new byte[vocab.size()][];
        for (int id = 0; id < vocab.size(); id++) pieceBytes[id] = renderPiece(id);
    }

    /**
     * Builds the tokenizer described by a GGUF file's metadata.
     *
     * @throws IllegalArgumentException when the metadata has no (or an unsupported) tokenizer
     */
    public static Tokenizer fromMetadata(GgufMetadata metadata) {
        return new Tokenizer(metadata);
    }

    private int tokenKey(GgufMetadata m, String key, int fallback) {
        if (!m.has(key)) return fallback;
        long v = m.getLong(key);
        if (v < 0 || v >= vocab.size()) {
            LOG.log(System.Logger.Level.WARNING, "{0} = {1} is not a token id, ignored", key, v);
            return fallback;
        }
        return (int) v;
    }

    // ---------------------------------------------------------------------------------- encode

    /**
     * Encodes text.
     *
     * @param addBos       add the BOS token (and EOS / SEP) where the vocabulary asks for them
     *                     ({@code tokenizer.ggml.add_bos_token}, {@code add_eos_token}; when absent
     *                     llama.cpp's per-model defaults: yes for SentencePiece, WordPiece and
     *                     llama3-style BPE, no for other BPE vocabularies)
     * @param parseSpecial match control tokens such as {@code <think>} or {@code <|im_end|>}
     *                     written in the text; otherwise they are encoded as plain text.
     *                     User-defined added tokens are matched either way.
     */
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        if (addBos && this.addBos && bos >= 0) out.add(bos);
        SpecialTokenMatcher matcher = parseSpecial ? allSpecial : userDefined;
        List<SpecialTokenMatcher.Fragment> fragments = matcher.isEmpty() && !text.isEmpty()
                ? List.of(new SpecialTokenMatcher.Fragment(0, text.length(), -1))
                : matcher.split(text);
        boolean prevSpecial = true; // SentencePiece: the first text fragment gets the space prefix
        for (SpecialTokenMatcher.Fragment f : fragments) {
            if (!f.isText()) {
                out.add(f.token());
                prevSpecial = true;
                continue;
            }
            String piece = text.substring(f.start(), f.end());
            switch (model) {
                case BPE -> bpe.encode(piece, out);
                case SPM -> spm.encode(((addSpacePrefix && prevSpecial) ? " " + piece : piece).replace(' ', SpmEncoder.SPACE), out);
                case WORDPIECE -> wordPiece.encode(piece, out);
            }
            prevSpecial = false;
        }
        if (addBos && addSep && sep >= 0) out.add(sep);
        if (addBos && addEos && eos >= 0) out.add(eos);
        return out.toArray();
    }

    /** Encodes text without BOS/EOS, special tokens not parsed. */
    public int[] encode(String text) {
        return encode(text, false, false);
    }

    // ---------------------------------------------------------------------------------- decode

    /** The UTF-8 bytes a token stands for in decoded text (control tokens: their text). */
    private byte[] renderPiece(int id) {
        String text = vocab.text(id);
        int type = vocab.type(id);
        if (type == TokenType.CONTROL || type == TokenType.USER_DEFINED || type == TokenType.UNKNOWN || type == TokenType.UNUSED) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return switch (model) {
            case BPE -> {
                byte[] out = new byte[text.length()];
                int n = 0;
                boolean mapped = true;
                for (int i = 0; i < text.length(); i++) {
                    int b = ByteUnicode.byteOf(text.charAt(i));
                    if (b < 0) { mapped = false; break; }
                    out[n++] = (byte) b;
                }
                // a normal token outside the byte table (malformed vocab): show its text
                yield mapped ? out : text.getBytes(StandardCharsets.UTF_8);
            }
            case SPM -> {
                if (type == TokenType.BYTE && text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
                    yield new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
                }
                yield text.replace(SpmEncoder.SPACE, ' ').getBytes(StandardCharsets.UTF_8);
            }
            case WORDPIECE -> text.replace(SpmEncoder.SPACE, ' ').getBytes(StandardCharsets.UTF_8);
        };
    }

    /** Whether decoding drops one leading space of the first text token (the added space prefix). */
    boolean stripsLeadingSpace() { return addSpacePrefix || model == Model.WORDPIECE; }

    /** The bytes of a token in decoded output, or null when {@code skipSpecial} hides it. */
    byte[] pieceBytes(int id, boolean skipSpecial) {
        if (!vocab.isValid(id)) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (vocab.size() - 1) + ")");
        if (skipSpecial && vocab.type(id) == TokenType.CONTROL) return null;
        return pieceBytes[id];
    }

    /** Whether a token is a control token (hidden by {@code skipSpecial}). */
    boolean isControl(int id) { return vocab.type(id) == TokenType.CONTROL; }

    /** Decodes ids to text; control tokens are rendered as their text. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * Decodes ids to text. Byte sequences that are not valid UTF-8 (for instance a sequence cut
     * in the middle of a character) become U+FFFD.
     *
     * @param skipSpecial leave out control tokens (BOS, EOS, ...)
     */
    public String decode(int[] ids, boolean skipSpecial) {
        TokenStreamDecoder d = newStreamDecoder(skipSpecial);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(d.push(id));
        sb.append(d.flush());
        return sb.toString();
    }

    /** A decoder for generated tokens that never splits a UTF-8 character between pieces. */
    public TokenStreamDecoder newStreamDecoder() {
        return new TokenStreamDecoder(this, false);
    }

    /** Like {@link #newStreamDecoder()}, optionally leaving out control tokens. */
    public TokenStreamDecoder newStreamDecoder(boolean skipSpecial) {
        return new TokenStreamDecoder(this, skipSpecial);
    }

    // ----------------------------------------------------------------------------- vocabulary

    /** The BOS token id, or -1 when the vocabulary has none. */
    public int bos() { return bos; }

    /** The EOS token id, or -1 when the vocabulary has none. */
    public int eos() { return eos; }

    /** Whether {@code encode(text, true, ...)} adds BOS. */
    public boolean addsBos() { return addBos && bos >= 0; }

    public int vocabSize() { return vocab.size(); }

    public Model model() { return model; }

    /** The pre-tokenizer in use for BPE vocabularies ({@code gpt-2} after a fallback), else null. */
    public String preTokenizer() { return bpe == null ? null : bpe.preTokenizer().name(); }

    /** The token's text as stored in the vocabulary (BPE: in GPT-2 byte-table characters). */
    public String piece(int id) {
        if (!vocab.isValid(id)) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (vocab.size() - 1) + ")");
        return vocab.text(id);
    }

    /** Whether the token is a control or user-defined (added) token. */
    public boolean isSpecial(int id) {
        if (!vocab.isValid(id)) return false;
        int t = vocab.type(id);
        return t == TokenType.CONTROL || t == TokenType.USER_DEFINED;
    }

    /** The id of the token whose text is exactly {@code text} (e.g. {@code "<think>"}), or -1. */
    public int tokenId(String text) {
        return vocab.id(text);
    }
}
