// The analysis worker. It receives the compiled wasm module once ({module, glue}), answers {ready},
// then answers each {id, text} with {id, packed} (`packAnalysis`, its arrays transferred) and each
// {id, text, json: true} with {id, json}, the CLI's JSON of the text (for Copy and Download), or
// with {id, error}. On the static site it runs from its own file and loads analyzer.js (the glue,
// `loadAnalyzer` and `packAnalysis`) from the URL `glue`; in the single-file build it is a blob
// made of the inlined analyzer.js followed by this file, so both are already there.
self.onmessage = async ({ data }) => {
  if (data.module) {
    try {
      if (typeof wasm_bindgen === 'undefined') importScripts(data.glue);
      await loadAnalyzer({ module: data.module });
      self.postMessage({ ready: true });
    } catch (error) {
      self.postMessage({ ready: false, error: String(error) });
    }
    return;
  }
  try {
    const analysis = wasm_bindgen.analyze(data.text);
    if (data.json) {
      self.postMessage({ id: data.id, json: `${JSON.stringify(analysis, null, 2)}\n` });
    } else {
      const packed = packAnalysis(data.text, analysis);
      self.postMessage({ id: data.id, packed }, packedBuffers(packed));
    }
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error && error.message ? error.message : error) });
  }
};
