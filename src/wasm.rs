//! The WebAssembly layer: thin wasm-bindgen exports over the core (filled in by the browser issue).
