package dev.flash4j.tokenizer;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the words that byte-level BPE encodes one at a time.
 *
 * <p>A pre-tokenizer is a sequence of regexes applied in turn, as Hugging Face's
 * {@code Sequence[Split(..., behavior=Isolated)]} and llama.cpp's {@code unicode_regex_split} do:
 * each regex runs over every piece left by the previous one (lookarounds and {@code \z} see only
 * that piece), and both its matches and the gaps between them become pieces. The regexes are the
 * ones of the original {@code tokenizer.json} files (Java supports their {@code \p{..}} classes,
 * {@code (?i:..)} groups and possessive quantifiers), compiled with Unicode {@code \s}.
 */
final class PreTokenizer {
    private static final System.Logger LOG = System.getLogger(PreTokenizer.class.getName());

    // --- the regexes of the original tokenizers -----------------------------------------------
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    static final String LLAMA3 = "(?iu:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 = "(?iu:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String DEEPSEEK_LLM_LETTERS = "\\s?[\\x{41}-\\x{5A}\\x{61}-\\x{7A}\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}\\x{1BC}-\\x{1BF}\\x{1C4}-\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}\\x{37F}\\x{386}\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}\\x{2119}-\\x{211D}\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}\\x{213C}-\\x{213F}\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}\\x{2C00}-\\x{2C7B}\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}\\x{1E900}-\\x{1E943}]+";
    static final String DEEPSEEK_LLM_PUNCT = "\\s?[!-/:-~\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}]+";
    static final String CJK_HANGUL = "[\\x{4E00}-\\x{9FA5}\\x{800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";
    static final String DEEPSEEK3 = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String BLOOM = " ?[^(\\s|.,!?\\x{2026}\\x{3002}\\x{FF0C}\\x{3001}\\x{964}\\x{6D4}\\x{60C})]+";
    static final String TEKKEN = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String GPT4O = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?iu:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?iu:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String SEED_CODER = "(?iu:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String BAILING = "'(?iu:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";

    /** One stage of the sequence: appends the pieces of {@code text[start, end)} to {@code out}. */
    private interface Stage {
        void split(String text, int start, int end, IntList out);
    }

    private record RegexStage(Pattern pattern) implements Stage {
        @Override
        public void split(String text, int start, int end, IntList out) {
            Matcher m = pattern.matcher(text).region(start, end);
            int pos = start;
            while (m.find()) {
                if (m.end() == m.start()) {
                    // a zero-width match is a split point (superbpe's digit-grouping lookahead)
                    if (m.start() > pos) { out.add(pos); out.add(m.start()); pos = m.start(); }
                    continue;
                }
                if (m.start() > pos) { out.add(pos); out.add(m.start()); }
                out.add(m.start());
                out.add(m.end());
                pos = m.end();
            }
            if (pos < end) { out.add(pos); out.add(end); }
        }
    }

    /**
     * {@code \s?[CLASS]+} for a large code-point class, hand-coded: Java's regex engine tests a
     * class of a hundred ranges one range at a time (5x slower than the rest of a pre-tokenizer),
     * a bit set answers at once. Same leftmost-first matches as the regex.
     */
    private record ClassRunStage(java.util.BitSet members) implements Stage {
        static ClassRunStage of(String classRegex) {
            Pattern p = Pattern.compile(classRegex);
            java.util.BitSet set = new java.util.BitSet();
            for (int cp = 0; cp <= 0x1FFFF; cp++) {
                if (p.matcher(Character.toString(cp)).matches()) set.set(cp);
            }
            return new ClassRunStage(set);
        }

        private boolean member(String text, int i, int end) {
            return i < end && members.get(text.codePointAt(i));
        }

        @Override
        public void split(String text, int start, int end, IntList out) {
            int pos = start;
            int i = start;
            while (i < end) {
                int cp = text.codePointAt(i);
                int next = i + Character.charCount(cp);
                int matchStart;
                if (members.get(cp)) matchStart = i;
                else if (isWhiteSpace(cp) && member(text, next, end)) { matchStart = i; }
                else { i = next; continue; }
                int j = matchStart == i && members.get(cp) ? next : next + Character.charCount(text.codePointAt(next));
                while (member(text, j, end)) j += Character.charCount(text.codePointAt(j));
                if (matchStart > pos) { out.add(pos); out.add(matchStart); }
                out.add(matchStart);
                out.add(j);
                pos = j;
                i = j;
            }
            if (pos < end) { out.add(pos); out.add(end); }
        }
    }

    /** Unicode White_Space, which {@code \s} means under UNICODE_CHARACTER_CLASS. */
    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    private final String name;
    private final List<Stage> stages;
    private final boolean ignoreMerges;
    private final boolean addsBos;

    /** Flag: a word that is a token is emitted whole (Hugging Face {@code ignore_merges}). */
    private static final int IGNORE_MERGES = 1;
    /** Flag: llama.cpp adds BOS by default for vocabularies with this pre-tokenizer. */
    private static final int ADD_BOS = 2;

    private PreTokenizer(String name, int flags, String... regexes) {
        this(name, flags, true, regexes);
    }

    private PreTokenizer(String name, int flags, boolean handCoded, String... regexes) {
        this.name = name;
        this.ignoreMerges = (flags & IGNORE_MERGES) != 0;
        this.addsBos = (flags & ADD_BOS) != 0;
        this.stages = java.util.Arrays.stream(regexes).map(r -> stage(r, handCoded)).toList();
    }

    /** A pre-tokenizer that runs the given regexes with Java's engine only (tests compare it to the hand-coded stages). */
    static PreTokenizer regexOnly(String... regexes) {
        return new PreTokenizer("regex", 0, false, regexes);
    }

    private static Stage stage(String regex, boolean handCoded) {
        if (handCoded && regex.equals(DEEPSEEK_LLM_LETTERS)) return ClassRunStage.of(regex.substring("\\s?".length(), regex.length() - 1));
        return new RegexStage(Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS));
    }

    /** The name this pre-tokenizer was resolved to ({@code gpt-2} for unknown names). */
    String name() { return name; }

    /**
     * Whether a word that is itself a vocabulary token is emitted whole, without running the
     * merges (Hugging Face's {@code ignore_merges}, set for llama3 and tekken).
     */
    boolean ignoreMerges() { return ignoreMerges; }

    /** Whether vocabularies with this pre-tokenizer add BOS when {@code add_bos_token} is absent. */
    boolean addsBosByDefault() { return addsBos; }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value (null or "default" means GPT-2's
     * regex). Unknown names fall back to GPT-2's regex with a warning.
     */
    static PreTokenizer forName(String pre) {
        String n = pre == null ? "default" : pre.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "default", "gpt-2", "gpt2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en", "jina-v2-es", "jina-v2-de",
                 "jina-v2-code", "roberta-bpe", "a.x-4.0", "mellum", "mpt", "olmo", "jais", "trillion", "granite-docling", "exaone4",
                 "gpt-neox" -> new PreTokenizer(n, 0, GPT2);
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2" -> new PreTokenizer(n, IGNORE_MERGES | ADD_BOS, LLAMA3);
            case "dbrx", "smaug-bpe", "chatglm-bpe", "glm4" -> new PreTokenizer(n, 0, LLAMA3);
            case "qwen2", "deepseek-r1-qwen", "kormo", "stablelm2", "megrez", "hunyuan", "grok-2" -> new PreTokenizer(n, 0, QWEN2);
            case "deepseek-llm" -> new PreTokenizer(n, 0, "[\\r\\n]", DEEPSEEK_LLM_LETTERS, DEEPSEEK_LLM_PUNCT, "\\s+\\z", CJK_HANGUL, "\\p{N}+");
            case "deepseek-coder" -> new PreTokenizer(n, 0, "[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK_HANGUL, "\\p{N}");
            case "deepseek-v3", "step35", "hunyuan-dense" -> new PreTokenizer(n, 0, "\\p{N}{1,3}", "[\\x{4E00}-\\x{9FA5}\\x{3040}-\\x{309F}\\x{30A0}-\\x{30FF}]+", DEEPSEEK3);
            case "falcon" -> new PreTokenizer(n, 0, "[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]");
            case "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b" -> new PreTokenizer(n, 0, "\\p{N}", GPT2);
            case "poro-chat", "bloom", "gpt3-finnish" -> new PreTokenizer(n, 0, BLOOM);
            case "viking" -> new PreTokenizer(n, 0, BLOOM, "\\p{N}");
            case "tekken" -> new PreTokenizer(n, IGNORE_MERGES | ADD_BOS, TEKKEN);
            case "gpt-4o", "llama4", "minimax-m2" -> new PreTokenizer(n, 0, GPT4O);
            case "seed-coder" -> new PreTokenizer(n, 0, SEED_CODER);
            case "superbpe" -> new PreTokenizer(n, 0, "\\p{N}+", "(?=(\\d{3})+(?!\\d))");
            case "chameleon" -> new PreTokenizer(n, ADD_BOS, "<sentinel:[0-9]+>", "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z", "([\\t\\n]|    |  )",
                    "\\p{N}", "[\\p{P}!-/:-@\\[-`{-~]", GPT2);
            case "bailingmoe", "bailingmoe2", "llada-moe" -> new PreTokenizer(n, 0, BAILING);
            default -> {
                LOG.log(System.Logger.Level.WARNING, "unknown pre-tokenizer ''{0}'', using the GPT-2 regex", pre);
                yield new PreTokenizer("gpt-2", 0, GPT2);
            }
        };
    }

    /** The pieces of {@code text} as {@code [start0, end0, start1, end1, ...]} char offsets. */
    int[] split(String text) {
        IntList cur = new IntList();
        if (text.isEmpty()) return cur.toArray();
        cur.add(0);
        cur.add(text.length());
        for (Stage stage : stages) {
            IntList next = new IntList(cur.size() * 2);
            for (int i = 0; i < cur.size(); i += 2) stage.split(text, cur.get(i), cur.get(i + 1), next);
            cur = next;
        }
        return cur.toArray();
    }
}
