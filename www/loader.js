// The one way the page, its worker and the <article-analyzer> element load the analyzer.
// `cargo xtask dist` appends this file to wasm-bindgen's glue (the classic script that defines
// `wasm_bindgen`) to make analyzer.js, the script that the site and its worker load, that the
// single file inlines and that the element's script wraps.

/**
 * Compiles the analyzer's wasm (unless it comes compiled) and instantiates the glue with it, so that
 * `wasm_bindgen.analyze` and the rest can be called. `source` is one of `{ module }`, compiled
 * already (by the page, for its worker), `{ base64 }`, the wasm inlined as base64 text (the single
 * file, the element), or `{ url }`, where to fetch it (the site). Resolves to the compiled module,
 * which a worker can be sent to load without compiling again.
 */
async function loadAnalyzer({ module, base64, url }) {
  module ??= await (base64 === undefined ? compileFetched(url) : WebAssembly.compile(decodeBase64(base64)));
  await wasm_bindgen({ module_or_path: module });
  return module;

  function decodeBase64(text) {
    const binary = atob(text); // ignores the whitespace around inlined text
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  async function compileFetched(wasmUrl) {
    const response = await fetch(wasmUrl);
    if (!response.ok) throw new Error(`${wasmUrl}: HTTP ${response.status}`);
    try {
      return await WebAssembly.compileStreaming(response.clone());
    } catch {
      // Served without the application/wasm type: compile from the bytes instead.
      return WebAssembly.compile(await response.arrayBuffer());
    }
  }
}
