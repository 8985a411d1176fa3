import type { Plugin, PluginKey, EditorState } from 'prosemirror-state';
import type { DecorationSet, EditorView } from 'prosemirror-view';
import type { Node } from 'prosemirror-model';
import type { Label } from './article_analyzer.js';
import type { AnalyzerFiles, Correction, TextAnalysis } from './highlight.js';

export interface AnalyzerPluginOptions extends AnalyzerFiles {
  /** The labels decorated (default: all). */
  labels?: Label[];
  /** Custom entities, as the CLI's --entities. */
  entities?: Correction[];
  /** Milliseconds of quiet after a change before analysing again (default 150). */
  delay?: number;
  /** Called after each analysis (an `analyzed` CustomEvent is also dispatched on `view.dom`). */
  analyzed?: (analysis: TextAnalysis, view: EditorView) => void;
  /** Called when the worker fails (else the error is thrown). */
  error?: (error: Error, view: EditorView) => void;
}

/** The plugin's key: its state is `{ analysis, decorations }`. */
export const analyzerKey: PluginKey<{ analysis: TextAnalysis | null; decorations: DecorationSet }>;

/** The last analysis of the editor's document, or null. */
export function analysisOf(state: EditorState): TextAnalysis | null;

/** The text of `doc` as analysed, and the document position of a UTF-16 offset in it. */
export function readDoc(doc: Node): { text: string; position(offset: number, isEnd?: boolean): number };

/** Inline decorations for the entities of the document, which never enter it. */
export function analyzerPlugin(options?: AnalyzerPluginOptions): Plugin;
