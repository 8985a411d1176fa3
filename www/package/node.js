// The package's "." entry in Node: the browser build's glue (article_analyzer.js), instantiated
// synchronously at import from the wasm beside it, so that `analyze` works at once (no `await init()`;
// the default export is still there, and does nothing more, for code shared with the browser).
import { readFileSync } from 'node:fs';
import init, { initSync } from './article_analyzer.js';

initSync({ module: readFileSync(new URL('./article_analyzer_bg.wasm', import.meta.url)) });

export * from './article_analyzer.js';
export default init;
