#!/usr/bin/env python3
"""Builds the pre-tokenizer conformance fixture (see docs/tokenizer.md, "HF cross-check").

Reads a byte-level BPE vocabulary (tokens, token types, merges) from a GGUF file, wraps it in a
Hugging Face tokenizer.json with the pre_tokenizer section of DeepSeek-V3, Llama 3, Qwen2 or
GPT-4o, generates seeded random mixed-script strings and encodes them with Hugging Face's
`tokenizers` (the Rust library, Python binding). Writes, in llama.cpp's test-tokenizer-0 format:
  OUT/pretok-random.inp            the inputs, each followed by "\\n__ggml_vocab_test__\\n"
  OUT/pretok-random.<pre>.out      one line of ids per input (no BOS, specials not parsed)
  OUT/pretok-random.<pre>.splits   one line per input: the code-point offsets where its pieces end
  OUT/tokenizer-<pre>.json         the tokenizer.json used (not committed: derived from the vocab)

usage: hf_pretok_fixture.py VOCAB.gguf OUTDIR [N_CASES] [SEED]
"""
import json, random, struct, sys, os

# ---- minimal GGUF metadata reader (only what a vocabulary needs) ----
SCALAR = {0: '<B', 1: '<b', 2: '<H', 3: '<h', 4: '<I', 5: '<i', 6: '<f', 7: '<?', 10: '<Q', 11: '<q', 12: '<d'}

def read_gguf_metadata(path):
    with open(path, 'rb') as f:
        data = f.read()
    pos = 0
    def take(fmt):
        nonlocal pos
        v = struct.unpack_from(fmt, data, pos)[0]
        pos += struct.calcsize(fmt)
        return v
    def string():
        nonlocal pos
        n = take('<Q')
        s = data[pos:pos + n].decode('utf-8')
        pos += n
        return s
    def value(t):
        if t in SCALAR: return take(SCALAR[t])
        if t == 8: return string()
        if t == 9:
            et, n = take('<I'), take('<Q')
            return [value(et) for _ in range(n)]
        raise ValueError('GGUF value type %d' % t)
    assert data[:4] == b'GGUF', path
    pos = 4
    take('<I'); take('<Q'); n_kv = take('<Q')
    kv = {}
    for _ in range(n_kv):
        k = string()
        kv[k] = value(take('<I'))
    return kv

# ---- pre_tokenizer sections, as in the models' tokenizer.json files ----
def split(regex):
    return {"type": "Split", "pattern": {"Regex": regex}, "behavior": "Isolated", "invert": False}

BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}
# deepseek-ai/DeepSeek-V3 tokenizer.json (also Step 3.5 Flash's); \r\n in the third regex are
# literal CR LF characters there, as here.
DEEPSEEK_V3 = [split("\\p{N}{1,3}"),
               split("[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+"),
               split("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"),
               BYTE_LEVEL]
LLAMA3 = [split("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
          BYTE_LEVEL]
QWEN2 = [split("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
         BYTE_LEVEL]
# o200k_base (GPT-4o), as in openai/gpt-oss-20b's tokenizer.json
GPT4O = [split("[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
               "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
               "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
         BYTE_LEVEL]
# name -> (pre_tokenizers, BPE ignore_merges); Llama 3's tokenizer.json sets ignore_merges.
PRES = {"deepseek-v3": (DEEPSEEK_V3, False), "llama3": (LLAMA3, True), "qwen2": (QWEN2, False), "gpt-4o": (GPT4O, False)}

CONTROL, USER_DEFINED = 3, 4

def tokenizer_json(kv, pre, ignore_merges):
    tokens, types = kv['tokenizer.ggml.tokens'], kv['tokenizer.ggml.token_type']
    vocab, added = {}, []
    for i, (t, ty) in enumerate(zip(tokens, types)):
        if t not in vocab: vocab[t] = i
        if ty in (CONTROL, USER_DEFINED):
            added.append({"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": ty == CONTROL})
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": pre},
            "post_processor": None,
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                      "ignore_merges": ignore_merges, "vocab": vocab,
                      "merges": kv['tokenizer.ggml.merges']}}

# ---- seeded random mixed strings ----
WORDS = "the quick brown fox jumps over lazy dog hello world token model import return while class".split()
PIECES = [
    lambda r: r.choice(WORDS),
    lambda r: r.choice(WORDS).capitalize(),
    lambda r: r.choice(WORDS).upper(),
    lambda r: ''.join(r.choice('0123456789') for _ in range(r.randint(1, 14))),
    lambda r: ''.join(chr(r.randint(0x4E00, 0x9FFF)) for _ in range(r.randint(1, 6))),   # CJK, past 9FA5 too
    lambda r: ''.join(chr(r.choice([r.randint(0x3040, 0x30FF), r.randint(0x3400, 0x4DBF), r.randint(0xAC00, 0xD7A3),
                                    0x3000, 0x3001, 0x3002, 0xFF01, 0xFF0C, 0x30FC, 0x30FB, 0x20000, 0x2F800]))
              for _ in range(r.randint(1, 5))),                                           # kana, ext A, Hangul, full-width
    lambda r: r.choice(["😀", "👍🏽", "👨‍👩‍👧", "❤️", "🇫🇷", "✨", "🤖🤖", "☃"]),
    lambda r: ''.join(r.choice("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") for _ in range(r.randint(1, 5))),
    lambda r: ''.join(r.choice("«»“”‘’—–…¿¡·•§¶©®€£¥°±×÷∑√∞≠≤≥→←") for _ in range(r.randint(1, 3))),
    lambda r: ''.join(r.choice([" ", " ", "  ", "\t", "\n", "\r\n", "\n\n", "\r", "\u00a0", "\u3000", "\u2009",
                                "\u000b", "\u000c", "\u0085", "\u2028", "\u200b", "\ufeff", "\u001f"])
              for _ in range(r.randint(1, 4))),
    lambda r: r.choice(["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'Re", "’s", "'x", "''", "'"]),
    lambda r: r.choice(["café", "naïve", "Zürich", "ÉCOLE", "cafe\u0301", "n\u0303o", "straße", "Ærø", "İstanbul",
                        "ſtop", "\u212a", "ǅemal"]),
    lambda r: r.choice(["Привет", "мир", "Ελληνικά", "שלום", "مرحبا", "नमस्ते", "हिन्दी", "ภาษาไทย", "𝐀𝐁𝐂", "ℌ"]),
    lambda r: r.choice(["def f(x):\n    return x**2", "a->b", "{\"k\": [1, 2.5e-3]}", "i++;", "// note",
                        "if (a<=b) { c = d; }", "x_1 = y__2", "#include <stdio.h>", "$HOME/.bashrc", "@dataclass",
                        "`code`", "0x1F", "3.14159", "-42", "1,000,000", "v1.2.3"]),
    lambda r: r.choice(["٣٤٥", "１２３", "²³", "Ⅻ", "½", "߁߂", "໑໒", "١٢٣٤", "𝟏𝟐𝟑𝟒", "𑁦𑁧", "〇"]),
    # contractions in any case, also with the long s that Unicode case folding maps to s
    lambda r: "'" + ''.join(c.upper() if r.random() < 0.5 else c for c in r.choice(["s", "t", "re", "ve", "m", "ll", "d"]))
              + r.choice(["", "", "x", " "]),
    lambda r: r.choice(["'ſ", "'ſt", "I'M", "WE'LL", "it’s", "O'Neil", "'K"]),
    # any code point (not a surrogate): Unicode categories of rare and unassigned characters
    lambda r: ''.join(chr(r.choice([r.randint(0x80, 0xD7FF), r.randint(0xE000, 0xFFFD), r.randint(0x10000, 0x3134A),
                                    r.randint(0xE0000, 0xE01EF)])) for _ in range(r.randint(1, 4))),
    lambda r: ''.join(chr(r.randint(0x300, 0x36F)) for _ in range(r.randint(1, 3))),      # bare combining marks
]

def random_text(r):
    out = []
    for _ in range(r.randint(1, 12)):
        out.append(r.choice(PIECES)(r))
        if r.random() < 0.6: out.append(' ')
    return ''.join(out)

def main():
    vocab_path, out_dir = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 35
    from tokenizers import Tokenizer
    kv = read_gguf_metadata(vocab_path)
    assert kv['tokenizer.ggml.model'] == 'gpt2'
    r = random.Random(seed)
    texts = []
    while len(texts) < n:
        t = random_text(r)
        if '__ggml_vocab_test__' not in t: texts.append(t)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'pretok-random.inp'), 'w', encoding='utf-8', newline='') as f:
        for t in texts: f.write(t + '\n__ggml_vocab_test__\n')
    for name, (pre, ignore_merges) in PRES.items():
        tj = tokenizer_json(kv, pre, ignore_merges)
        path = os.path.join(out_dir, 'tokenizer-%s.json' % name)
        with open(path, 'w', encoding='utf-8') as f: json.dump(tj, f, ensure_ascii=False)
        tok = Tokenizer.from_file(path)
        with open(os.path.join(out_dir, 'pretok-random.%s.out' % name), 'w', encoding='utf-8') as f:
            for t in texts:
                ids = tok.encode(t, add_special_tokens=False).ids
                f.write(' '.join(map(str, ids)) + '\n')
        # vocabulary-independent: where the pre-tokenizer cuts, as code-point offsets of piece ends
        with open(os.path.join(out_dir, 'pretok-random.%s.splits' % name), 'w', encoding='utf-8') as f:
            for t in texts:
                f.write(' '.join(str(end) for _, (_, end) in tok.pre_tokenizer.pre_tokenize_str(t)) + '\n')

if __name__ == '__main__':
    main()
