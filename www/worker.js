// The analysis worker. It receives first the URL of the glue ({glue}), which it loads while the page
// downloads the wasm, then the compiled wasm module once ({module}), and answers {ready} once it has
// instantiated it (requests that come meanwhile wait for that). It answers each
// {id, text, corrections} with {id, packed} (`packAnalysis`, its arrays transferred) and each
// {id, text, corrections, json: true} with {id, json}, the JSON of the analysis (for Copy and
// Download), or with {id, error}. `corrections` are the reader's (see `correctedAnalyzer`). On the
// static site it runs from its own file and loads analyzer.js (the glue, `loadAnalyzer`,
// `packAnalysis`, `correctedAnalyzer`) from the URL `glue`; in the single-file build it is a blob
// made of the inlined analyzer.js followed by this file, so both are already there.
let corrected = { key: null, analyze: null };
/** The instantiation of the module, which every analysis waits for. */
let loaded = Promise.reject(new Error('the analyzer has no module yet'));
loaded.catch(() => {});

self.onmessage = async ({ data }) => {
  if ('glue' in data) {
    try {
      if (typeof wasm_bindgen === 'undefined') importScripts(data.glue);
    } catch (error) {
      self.postMessage({ ready: false, error: String(error) });
    }
    return;
  }
  if (data.module) {
    loaded = loadAnalyzer({ module: data.module });
    try {
      await loaded;
      self.postMessage({ ready: true });
    } catch (error) {
      self.postMessage({ ready: false, error: String(error) });
    }
    return;
  }
  try {
    await loaded;
    const key = JSON.stringify(data.corrections);
    if (key !== corrected.key) corrected = { key, analyze: correctedAnalyzer(data.corrections) };
    const start = performance.now();
    const analysis = corrected.analyze(data.text);
    if (data.json) {
      self.postMessage({ id: data.id, json: `${JSON.stringify(analysis, null, 2)}\n` });
    } else {
      const analysed = performance.now();
      const packed = packAnalysis(data.text, analysis);
      // How long the analysis and the packing took, for the page's performance entries.
      packed.took = { analyse: analysed - start, pack: performance.now() - analysed };
      self.postMessage({ id: data.id, packed }, packedBuffers(packed));
    }
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error && error.message ? error.message : error) });
  }
};
