// The analyzer's start, from the head of index.html: before the page below is parsed, styled and
// drawn (about 0.6 s on a phone-speed CPU, even from the cache), it compiles the wasm as it streams
// (the response of index.html's preload) and starts the analysis worker, which loads its glue, then
// gets the module and instantiates it. app.js, at the end of the body, takes over `analyzerStart`.
// The script's data-wasm, data-worker and data-glue name the wasm, the worker and the glue it loads
// (their names in dist/ carry a hash of their content). The single file, where everything is
// inline, has no such attributes: its app.js calls `startWorker` itself.
'use strict';

/**
 * The worker's script URL as the page's CSP requires it (Trusted Types): a TrustedScriptURL from
 * the one policy the CSP allows, 'article-analyzer', which passes only `url` (worker.js beside the
 * page, or the single file's blob) and never leaves this function. Called once: a policy name can
 * be taken only once. Where the browser has no Trusted Types, the checked string.
 */
function workerScriptUrl(url) {
  const allow = (candidate) => {
    if (candidate === url) return candidate;
    throw new TypeError(`not a worker URL of this page: ${candidate}`);
  };
  if (!self.trustedTypes) return allow(url);
  return trustedTypes.createPolicy('article-analyzer', { createScriptURL: allow }).createScriptURL(url);
}

/**
 * Starts the analysis worker from `url` at once, so that it loads its script and the glue (from
 * `glue`, unless its script holds it) while the wasm downloads, and hands it the compiled module
 * when `compiled` (a promise of it) resolves. Resolves as soon as the worker has the module (it
 * instantiates it while the page does; requests sent meanwhile wait in the worker) to
 * `{ worker, ready }`, `ready` a promise of whether the worker instantiated it (it may have come
 * before the page looks), or to null if workers are unavailable or it fails first.
 */
function startWorker(compiled, url, glue) {
  return new Promise((resolve) => {
    let worker;
    try {
      worker = new Worker(workerScriptUrl(url));
    } catch {
      resolve(null);
      return;
    }
    let readied;
    const ready = new Promise((done) => { readied = done; });
    const fail = () => {
      worker.terminate();
      readied(false);
      resolve(null);
    };
    // A Content-Security-Policy without blob: workers, for instance, shows up as an error event.
    worker.onerror = fail;
    worker.addEventListener('message', ({ data }) => {
      if (data.ready === false) fail(); // the glue or the module did not load
      else if (data.ready) {
        performance.mark('analyzer:worker-ready');
        readied(true);
      }
    });
    if (glue) worker.postMessage({ glue });
    compiled.then((module) => {
      worker.postMessage({ module });
      resolve({ worker, ready });
    }, fail);
  });
}

/** Compiles the wasm at `url` as it streams, or from its bytes where it is served without the wasm type. */
async function compileFetched(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  try {
    return await WebAssembly.compileStreaming(response.clone());
  } catch {
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

/**
 * On the site: the compile of the wasm (`compiled`, a promise of the module) and the worker's start
 * (`worker`, as `startWorker` resolves), both under way; undefined in the single file.
 */
var analyzerStart = (() => {
  const boot = document.currentScript.dataset;
  if (!boot.wasm) return undefined;
  performance.mark('analyzer:boot');
  const compiled = compileFetched(boot.wasm);
  compiled.then(() => performance.mark('analyzer:compiled'), () => {});
  return { compiled, worker: startWorker(compiled, boot.worker, boot.glue) };
})();
