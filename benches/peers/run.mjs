// One timed run of one engine on one text, for `cargo xtask bench` (xtask/src/bench.rs), which
// starts this script once per engine and repetition, alternating engines, and prints the table.
//
//   node --expose-gc run.mjs ENGINE TEXT_FILE PASSES [DIST_NODE_DIR]
//
// ENGINE is `wasm` (article-analyzer's Node build in DIST_NODE_DIR, `analyze(text)`), `compromise`
// (people, organizations, places and sentences) or `wink` (wink-nlp with wink-eng-lite-web-model:
// entities and sentences). Each engine loads (timed), analyses "" (timed: the model is ready), warms
// up on the text's first 256 KB, then analyses the whole text PASSES times. Prints one JSON line:
// {load_ms, ready_ms, times_ms, sentences, entities, max_rss_bytes, wasm_memory_bytes?}.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const WARM_UP_BYTES = 256 * 1024;

const [engine, file, passesArg, distNode] = process.argv.slice(2);
const passes = Number(passesArg);
if (!engine || !file || !(passes >= 1)) {
  console.error('usage: node --expose-gc run.mjs wasm|compromise|wink TEXT_FILE PASSES [DIST_NODE_DIR]');
  process.exit(2);
}
const text = readFileSync(file, 'utf8');

/** Each engine: `load()` returns `analyze(text) -> {sentences, entities}` (counts), work forced. */
const ENGINES = {
  async wasm() {
    if (!distNode) throw new Error('wasm needs the dist/node directory');
    // The nodejs build instantiates its wasm inside require() and keeps the instance private:
    // watch the WebAssembly.Instance it creates to read its memory afterwards.
    const Instance = WebAssembly.Instance;
    WebAssembly.Instance = class extends Instance {
      constructor(...args) {
        super(...args);
        wasmInstance = this;
      }
    };
    const require = createRequire(import.meta.url);
    const { analyze } = require(join(resolve(distNode), 'article_analyzer.js'));
    WebAssembly.Instance = Instance;
    return (input) => {
      const result = analyze(input);
      return { sentences: result.sentences.length, entities: result.entities.length };
    };
  },
  async compromise() {
    const { default: nlp } = await import('compromise');
    return (input) => {
      const doc = nlp(input);
      const entities =
        doc.people().out('array').length +
        doc.organizations().out('array').length +
        doc.places().out('array').length;
      return { sentences: doc.sentences().out('array').length, entities };
    };
  },
  async wink() {
    const { default: winkNLP } = await import('wink-nlp');
    const { default: model } = await import('wink-eng-lite-web-model');
    const nlp = winkNLP(model);
    const its = nlp.its;
    return (input) => {
      const doc = nlp.readDoc(input);
      return {
        sentences: doc.sentences().out().length,
        entities: doc.entities().out(its.detail).length,
      };
    };
  },
};

let wasmInstance = null;
const load = ENGINES[engine];
if (!load) {
  console.error(`unknown engine ${engine}; expected one of ${Object.keys(ENGINES).join(', ')}`);
  process.exit(2);
}

const collect = globalThis.gc ?? (() => {});
const loadStart = performance.now();
const analyze = await load();
const loaded = performance.now();
analyze('');
const ready = performance.now();

analyze(text.slice(0, text.lastIndexOf('\n', WARM_UP_BYTES) + 1 || WARM_UP_BYTES));
const times = [];
let counts;
for (let pass = 0; pass < passes; pass++) {
  collect();
  const start = performance.now();
  counts = analyze(text);
  times.push(performance.now() - start);
}

const report = {
  engine,
  load_ms: loaded - loadStart,
  ready_ms: ready - loaded,
  times_ms: times,
  ...counts,
  max_rss_bytes: process.resourceUsage().maxRSS * 1024,
};
if (wasmInstance) report.wasm_memory_bytes = wasmInstance.exports.memory.buffer.byteLength;
console.log(JSON.stringify(report));
