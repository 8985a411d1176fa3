import type { Analysis, CustomEntity, Entity, EntityGroup, Label } from './article_analyzer.js';

/** Every label, in the order the analyzer numbers them. */
export const LABELS: Label[];
/** Highlights are registered in `CSS.highlights` as `article-analyzer-LABEL`. */
export const HIGHLIGHT_PREFIX: 'article-analyzer-';

/** An analysis as `highlight` gives it: the CLI's shape plus the text that was analysed. */
export interface TextAnalysis extends Analysis {
  text: string;
}

/** A custom entity, or `{ name, label: null }` to drop the distinct entity called `name`. */
export type Correction = CustomEntity | { name: string; label: null };

/**
 * Where the analyzer's files are. Each defaults to the file of that name beside this module
 * (worker.js, analyzer.js, article_analyzer_bg.wasm); a URL may be relative to this module or absolute
 * (e.g. the wasm on a CDN; the worker must be same-origin, or a `Worker` the page made itself).
 */
export interface AnalyzerFiles {
  worker?: string | URL | Worker;
  glue?: string | URL;
  wasm?: string | URL | WebAssembly.Module;
}

export interface HighlightOptions extends AnalyzerFiles {
  /** The labels painted (default: all). */
  labels?: Label[];
  /** Custom entities, as the CLI's --entities. */
  entities?: Correction[];
  /** Milliseconds of quiet typing before analysing again (default 150). */
  delay?: number;
  /** Paint an overlay even where `CSS.highlights` exists. */
  overlay?: boolean;
}

/** An entity under a point, with its distinct entity and its index in `analysis.entities`. */
export interface MentionAt extends Omit<Entity, 'group'> {
  group: EntityGroup;
  index: number;
}

/** Highlights an editor's entities; fires `analyzed` (detail: the analysis) here and on the root. */
export class HighlightController extends EventTarget {
  /** The last analysis, or null before the first. */
  analysis: TextAnalysis | null;
  /** The labels painted; setting it repaints. */
  labels: Label[];
  /** The custom entities; setting them analyses again. */
  entities: Correction[];
  /** Analyses now; resolves to the analysis. */
  refresh(): Promise<TextAnalysis | null>;
  /** The mention painted under the viewport point, or null. */
  mentionAt(x: number, y: number): MentionAt | null;
  /** Removes the highlights, the overlay and every listener. */
  detach(): void;
}

/** Highlights the entities of `root` (a contenteditable element, a `<textarea>`, any element with text). */
export function highlight(root: Element, options?: HighlightOptions): HighlightController;

/** The analysis worker for these files, started once and shared: `(text, corrections) => packed`. */
export function engine(files: AnalyzerFiles): Promise<(text: string, corrections: Correction[]) => Promise<unknown>>;

/** The CLI's analysis (plus `text`) from the worker's packed form. */
export function unpack(text: string, packed: unknown): TextAnalysis;
