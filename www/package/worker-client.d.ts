import type { AnalyzerFiles, Correction, TextAnalysis } from './highlight.js';

export { engine, unpack } from './highlight.js';
export type { AnalyzerFiles, Correction, TextAnalysis } from './highlight.js';

/** Analyses `text` in the worker that `highlight` and the ProseMirror plugin share (browsers only). */
export function analyze(text: string, options?: AnalyzerFiles & { entities?: Correction[] }): Promise<TextAnalysis>;
