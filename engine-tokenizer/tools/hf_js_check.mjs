// Cross-checks the fixture written by hf_pretok_fixture.py with Hugging Face's JavaScript
// implementation (@huggingface/tokenizers, installed outside the repository):
//   node hf_js_check.mjs /tmp/hfjs/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs DIR
// For each tokenizer-<pre>.json in DIR, encodes every input of pretok-random.inp and counts the
// cases whose ids equal the line of pretok-random.<pre>.out; prints the first differences.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [lib, dir] = process.argv.slice(2);
const { Tokenizer } = await import(lib);
const SEP = '\n__ggml_vocab_test__\n';
const all = readFileSync(join(dir, 'pretok-random.inp'), 'utf8');
const inputs = all.split(SEP).slice(0, -1);
for (const f of readdirSync(dir).filter(f => /^tokenizer-.*\.json$/.test(f)).sort()) {
  const pre = f.slice('tokenizer-'.length, -'.json'.length);
  const tok = new Tokenizer(JSON.parse(readFileSync(join(dir, f), 'utf8')), {});
  const expected = readFileSync(join(dir, `pretok-random.${pre}.out`), 'utf8').split('\n');
  let same = 0, shown = 0;
  inputs.forEach((text, i) => {
    const ids = tok.encode(text, { add_special_tokens: false }).ids.join(' ');
    if (ids === expected[i]) same++;
    else if (shown++ < 5) console.log(`${pre} case ${i} ${JSON.stringify(text)}\n  rust ${expected[i]}\n  js   ${ids}`);
  });
  console.log(`${pre}: JS agrees with Rust on ${same}/${inputs.length}`);
}
