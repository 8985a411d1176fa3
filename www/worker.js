// The analysis worker. It receives the compiled wasm module once ({module}), answers {ready}, then
// analyses each {id, text} it is sent and answers {id, analysis} or {id, error}. On the static site
// it runs from this file and loads analyzer.js (the glue and `loadAnalyzer`) beside it; in the
// single-file build it is a blob made of the inlined analyzer.js followed by this file, so both are
// already there.
if (typeof wasm_bindgen === 'undefined') importScripts('analyzer.js');

self.onmessage = async ({ data }) => {
  if (data.module) {
    try {
      await loadAnalyzer({ module: data.module });
      self.postMessage({ ready: true });
    } catch (error) {
      self.postMessage({ ready: false, error: String(error) });
    }
    return;
  }
  try {
    self.postMessage({ id: data.id, analysis: wasm_bindgen.analyze(data.text) });
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error && error.message ? error.message : error) });
  }
};
