// The analysis worker's start. On the site it runs from the head of index.html, before the page
// below is parsed, styled and drawn (about 0.5 s on a phone-speed CPU even from the cache): the
// worker's thread and its glue load meanwhile, instead of after app.js. app.js, at the end of the
// body, takes over `analyzerBoot`: it compiles the preloaded wasm and hands the module over. The
// script's data-worker and data-glue name the worker and the glue it loads (their names in dist/
// carry a hash of their content). The single file inlines this script without them: there,
// app.js calls `startAnalyzer` itself, with a worker made from the inlined scripts.
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
 * Starts the analysis worker from `url` at once, so that its thread starts and it loads the glue
 * (from `glue`, unless its script holds it) while the page loads and the wasm downloads. Returns
 * `compiled`, to be resolved with the compiled module (or rejected), and `worker`, a promise that
 * resolves to the worker as soon as it has been sent the module (it instantiates it while the page
 * does; requests sent meanwhile wait in the worker), or to null if workers are unavailable or it
 * fails first.
 */
function startAnalyzer(url, glue) {
  let compiled;
  const module = new Promise((resolve, reject) => { compiled = { resolve, reject }; });
  const worker = new Promise((resolve) => {
    let started;
    try {
      started = new Worker(workerScriptUrl(url));
    } catch {
      resolve(null);
      return;
    }
    const fail = () => {
      started.terminate();
      resolve(null);
    };
    // A Content-Security-Policy without blob: workers, for instance, shows up as an error event.
    started.onerror = fail;
    started.onmessage = ({ data }) => {
      if (!data.ready) fail(); // the glue did not load
    };
    if (glue) started.postMessage({ glue });
    module.then((compiledModule) => {
      started.postMessage({ module: compiledModule });
      resolve(started);
    }, fail);
  });
  return { compiled, worker };
}

/** On the site, the worker under way (see `startAnalyzer`); undefined in the single file. */
var analyzerBoot = (() => {
  const { worker, glue } = document.currentScript.dataset;
  if (!worker) return undefined;
  performance.mark('analyzer:boot');
  return startAnalyzer(worker, glue);
})();
