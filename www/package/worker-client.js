// The package's "./worker" entry: the analysis off the main thread, in the worker that `highlight`
// and the ProseMirror plugin share (worker.js beside this module, loading analyzer.js and
// article_analyzer_bg.wasm, all found by fixed names next to it unless options say where).
import { engine, unpack } from './highlight.js';

export { engine, unpack };

/**
 * Analyses `text` in the shared worker; resolves to the CLI's `{sentences, entities, groups, quotes}` plus
 * `text`. Options: `entities` (custom entities, as the CLI's --entities), and `worker`, `glue`,
 * `wasm` as `highlight` takes them (e.g. `wasm` on a CDN).
 */
export async function analyze(text, options = {}) {
  if (typeof Worker === 'undefined') {
    throw new Error("article-analyzer/worker analyses in a Web Worker, which this environment lacks; in Node, import 'article-analyzer'");
  }
  const run = await engine(options);
  return unpack(text, await run(text, options.entities ?? []));
}
