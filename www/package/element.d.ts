import type { Analysis } from './article_analyzer.js';

/** `<article-analyzer>`: the highlighted article in a shadow root. Importing the module defines it. */
export class ArticleAnalyzerElement extends HTMLElement {
  /** The text analysed: the `text` attribute, else the element's content read as a reader sees it. */
  text: string;
  /** The last analysis, or null before the first. */
  readonly analysis: Analysis | null;
}

/**
 * Where the element loads the wasm from: a URL (e.g. a CDN's) or a compiled module. The default is the
 * package's article_analyzer_bg.wasm beside this module. Call it before the first element connects.
 */
export function setWasm(source: string | URL | WebAssembly.Module): void;

declare global {
  interface HTMLElementTagNameMap {
    'article-analyzer': ArticleAnalyzerElement;
  }
}
