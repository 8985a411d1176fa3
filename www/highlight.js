// Live entity highlights inside an editor that is not ours: a contenteditable element, a <textarea>
// or any element with article text. Never changes the editor's DOM, selection or undo history.
//
//   import { highlight } from './highlight.js';
//   const controller = highlight(editor, { worker, glue, wasm, labels: ['PERSON', 'ORG'] });
//   controller.addEventListener('analyzed', ({ detail }) => fillTags(detail.groups));
//
// The text is read by `readText` (www/text-reader.js), analysed in the page's worker (www/worker.js,
// its protocol: {glue}, {module}, then {id, text, corrections} -> {id, packed}), and painted with the
// CSS Custom Highlight API as one `Highlight` per label, named `article-analyzer-LABEL` (style them
// with `::highlight(article-analyzer-PERSON)`; defaults in highlight.css). A <textarea>, and any
// editor where `CSS.highlights` is missing, gets an overlay instead, outside the editor's DOM.
import { readText } from './text-reader.js';

export const LABELS = ['PERSON', 'ORG', 'LOC', 'MISC', 'DATE', 'TIME', 'MONEY', 'PERCENT', 'QUANTITY'];
export const HIGHLIGHT_PREFIX = 'article-analyzer-';

const engines = new Map();

/**
 * The analysis worker for `worker` (a URL or a Worker), started once and shared by every editor:
 * resolves to `(text, corrections) => Promise<packed>`. Shared with www/prosemirror.js.
 */
export function engine({ worker = 'worker.js', glue = 'analyzer.js', wasm = 'article_analyzer_bg.wasm' }) {
  const url = (value) => new URL(value, import.meta.url).href;
  const key = typeof worker === 'object' && !(worker instanceof URL) ? worker : url(worker);
  if (!engines.has(key)) {
    engines.set(key, (async () => {
      const thread = key instanceof Worker ? key : new Worker(key);
      const pending = new Map();
      let ready;
      const started = new Promise((resolve, reject) => {
        ready = { resolve, reject };
      });
      thread.onerror = (event) => {
        const error = new Error(`article-analyzer: the analysis worker failed: ${event.message ?? 'error'}`);
        ready.reject(error);
        for (const request of pending.values()) request.reject(error);
        pending.clear();
      };
      thread.onmessage = ({ data }) => {
        if ('ready' in data) {
          if (data.ready) ready.resolve();
          else ready.reject(new Error(`article-analyzer: ${data.error}`));
          return;
        }
        const request = pending.get(data.id);
        pending.delete(data.id);
        if ('error' in data) request?.reject(new Error(`article-analyzer: ${data.error}`));
        else request?.resolve(data.packed);
      };
      thread.postMessage({ glue: url(glue) });
      let module = wasm;
      if (!(module instanceof WebAssembly.Module)) {
        const response = fetch(url(wasm));
        module = await WebAssembly.compileStreaming(response)
          .catch(async () => WebAssembly.compile(await (await response).clone().arrayBuffer()));
      }
      thread.postMessage({ module });
      await started;
      let id = 0;
      return (text, corrections) => new Promise((resolve, reject) => {
        pending.set(++id, { resolve, reject });
        thread.postMessage({ id, text, corrections });
      });
    })());
  }
  return engines.get(key);
}

/** The CLI's analysis of `text` (plus `text`) from the worker's packed form. */
export function unpack(text, { sentences, entities, labels, confidence, groups, quotes = [] }) {
  const analysis = { text, sentences: [], entities: [], groups, quotes: [] };
  for (let i = 0; i < sentences.length; i += 2) analysis.sentences.push({ start: sentences[i], end: sentences[i + 1] });
  for (let i = 0; i < entities.length; i += 4) {
    const [start, end, label, group] = entities.subarray(i, i + 4);
    const entity = { start, end, label: labels[label], text: text.slice(start, end), group };
    if (confidence) entity.confidence = confidence[i / 4];
    analysis.entities.push(entity);
  }
  // [start, end, speakerStart, speakerEnd, speakerGroup, cueStart, cueEnd] a quotation, 0xFFFFFFFF for none (packAnalysis).
  const none = 0xFFFFFFFF;
  for (let i = 0; i < quotes.length; i += 7) {
    const [start, end, speakerStart, speakerEnd, group, cueStart, cueEnd] = quotes.subarray(i, i + 7);
    const speaker = speakerStart === none ? null
      : { start: speakerStart, end: speakerEnd, text: text.slice(speakerStart, speakerEnd), group: group === none ? null : group };
    analysis.quotes.push({ start, end, speaker, cue: cueStart === none ? null : { start: cueStart, end: cueEnd } });
  }
  return analysis;
}

/** Copied from a textarea to its mirror, so that the mirror's text wraps and scrolls the same. */
const METRICS = ['boxSizing', 'width', 'height', 'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft',
  'borderTopWidth', 'borderRightWidth', 'borderBottomWidth', 'borderLeftWidth', 'borderStyle', 'font',
  'letterSpacing', 'wordSpacing', 'lineHeight', 'textIndent', 'textAlign', 'textTransform', 'tabSize',
  'direction', 'whiteSpace', 'overflowWrap', 'wordBreak', 'fontFeatureSettings', 'fontVariationSettings'];

/**
 * Highlights the entities of `root`'s text. Options: `labels` (the labels painted, default all),
 * `entities` (custom entities, as the CLI's --entities: `[{name, label, aliases}]`), `delay` (ms of
 * quiet typing before analysing, default 150), `overlay` (paint an overlay even where
 * CSS.highlights exists), and where the analyzer is: `worker` (URL or Worker), `glue` (analyzer.js)
 * and `wasm` (URL or compiled module), relative to this module by default.
 */
export function highlight(root, options = {}) {
  return new HighlightController(root, options);
}

export class HighlightController extends EventTarget {
  #root;
  #options;
  #engine;
  #labels;
  #entities;
  #reading = null;
  #mentions = []; // { entity, range?, mark?, boxes? } painted
  #painted = new Map(); // Highlight -> ranges of ours in it
  #overlay = null;
  #timer = 0;
  #sequence = 0;
  #frame = 0;
  #cleanup = [];
  /** The last analysis: the CLI's `{sentences, entities, groups, quotes}` with offsets into `text`, the text read. */
  analysis = null;

  constructor(root, options) {
    super();
    this.#root = root;
    this.#options = options;
    this.#labels = options.labels ?? LABELS;
    this.#entities = options.entities ?? [];
    this.#engine = engine(options);
    const run = () => this.refresh().catch((error) => this.dispatchEvent(new ErrorEvent('error', { error, message: error.message })));
    const schedule = () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(run, options.delay ?? 150);
    };
    const place = () => {
      if (!this.#frame) this.#frame = requestAnimationFrame(() => this.#place());
    };
    this.#listen(root, 'input', schedule);
    this.#listen(window, 'scroll', place, { capture: true, passive: true });
    this.#listen(window, 'resize', place);
    this.#listen(root, 'scroll', place, { passive: true });
    if (root.localName !== 'textarea') {
      // Changes made by the CMS itself (not typed) fire no input event.
      const observer = new MutationObserver(schedule);
      observer.observe(root, { childList: true, characterData: true, subtree: true });
      this.#cleanup.push(() => observer.disconnect());
    }
    const resized = new ResizeObserver(place);
    resized.observe(root);
    this.#cleanup.push(() => resized.disconnect(), () => clearTimeout(this.#timer), () => cancelAnimationFrame(this.#frame));
    run();
  }

  #listen(target, type, listener, options) {
    target.addEventListener(type, listener, options);
    this.#cleanup.push(() => target.removeEventListener(type, listener, options));
  }

  /** The labels painted; setting it repaints. */
  get labels() {
    return this.#labels;
  }

  set labels(labels) {
    this.#labels = labels;
    this.#paint();
  }

  /** The custom entities (`[{name, label, aliases}]`); setting them analyses again. */
  get entities() {
    return this.#entities;
  }

  set entities(entities) {
    this.#entities = entities;
    this.refresh();
  }

  /**
   * Analyses the text now and paints the result; resolves to the analysis (the previous one if the
   * text changed meanwhile: the change brings its own analysis).
   */
  async refresh() {
    clearTimeout(this.#timer);
    const sequence = ++this.#sequence;
    const { text } = this.#read();
    const packed = await (await this.#engine)(text, this.#entities);
    if (sequence !== this.#sequence || !this.#cleanup) return this.analysis;
    const reading = this.#read();
    if (reading.text !== text) return this.analysis;
    this.#reading = reading;
    this.analysis = unpack(text, packed);
    this.#paint();
    for (const target of [this, this.#root]) {
      target.dispatchEvent(new CustomEvent('analyzed', { detail: this.analysis }));
    }
    return this.analysis;
  }

  #read() {
    return readText(this.#root);
  }

  /** Removes the highlights, the overlay and every listener; the controller is done. */
  detach() {
    this.#clear();
    for (const undo of this.#cleanup ?? []) undo();
    this.#cleanup = null;
    this.#sequence += 1;
  }

  /**
   * The mention painted under the viewport point (x, y), as `{...entity, group: {text, label, count,
   * first}, index}` (index in `analysis.entities`), or null.
   */
  mentionAt(x, y) {
    const inside = (boxes) => [...boxes].some((r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom);
    let candidates = this.#mentions;
    if (!this.#mentions[0]?.mark) {
      const caret = document.caretPositionFromPoint?.(x, y);
      const [node, offset] = caret ? [caret.offsetNode, caret.offset]
        : ((r) => (r ? [r.startContainer, r.startOffset] : []))(document.caretRangeFromPoint?.(x, y));
      const at = node && this.#reading ? this.#reading.offsetOf(node, offset) : -1;
      candidates = candidates.filter(({ entity }) => entity.start <= at && at <= entity.end);
    }
    const found = candidates.find((mention) => inside((mention.mark ?? mention.range).getClientRects()));
    if (!found) return null;
    const { entity } = found;
    return { ...entity, group: this.analysis.groups[entity.group], index: this.analysis.entities.indexOf(entity) };
  }

  #clear() {
    for (const [highlight, ranges] of this.#painted) {
      for (const range of ranges) highlight.delete(range);
      for (const [name, registered] of CSS.highlights) {
        if (registered === highlight && highlight.size === 0) CSS.highlights.delete(name);
      }
    }
    this.#painted.clear();
    this.#overlay?.remove();
    this.#overlay = null;
    this.#mentions = [];
  }

  #paint() {
    this.#clear();
    if (!this.analysis || !this.#cleanup) return;
    const shown = this.analysis.entities.filter(({ label }) => this.#labels.includes(label));
    const textarea = this.#root.localName === 'textarea';
    if (!textarea && globalThis.CSS?.highlights && !this.#options.overlay) {
      for (const entity of shown) {
        const range = this.#reading.range(entity.start, entity.end);
        const name = HIGHLIGHT_PREFIX + entity.label;
        let registered = CSS.highlights.get(name);
        if (!registered) CSS.highlights.set(name, (registered = new Highlight()));
        registered.add(range);
        if (!this.#painted.has(registered)) this.#painted.set(registered, []);
        this.#painted.get(registered).push(range);
        this.#mentions.push({ entity, range });
      }
      return;
    }
    // The overlay: our own element in document.body, over the editor, that never takes a pointer.
    const overlay = document.createElement('div');
    overlay.className = 'article-analyzer-overlay';
    overlay.setAttribute('aria-hidden', 'true');
    Object.assign(overlay.style, { position: 'fixed', pointerEvents: 'none', overflow: 'hidden', zIndex: 2147483647, margin: 0 });
    if (textarea) {
      // A mirror with the textarea's text metrics: the text transparent, each mention a mark.
      const style = getComputedStyle(this.#root);
      for (const property of METRICS) overlay.style[property] = style[property];
      Object.assign(overlay.style, { color: 'transparent', borderColor: 'transparent', background: 'transparent' });
      if (!/^(pre|break-spaces)/.test(style.whiteSpace)) overlay.style.whiteSpace = 'pre-wrap';
      const { text } = this.analysis;
      let at = 0;
      for (const entity of shown) {
        const mark = document.createElement('mark');
        mark.dataset.label = entity.label;
        mark.textContent = text.slice(entity.start, entity.end);
        overlay.append(text.slice(at, entity.start), mark);
        at = entity.end;
        this.#mentions.push({ entity, mark });
      }
      overlay.append(`${text.slice(at)}\u200b`);
    } else {
      Object.assign(overlay.style, { inset: 0 });
      for (const entity of shown) this.#mentions.push({ entity, range: this.#reading.range(entity.start, entity.end) });
    }
    document.body.append(overlay);
    this.#overlay = overlay;
    this.#place();
  }

  /** Keeps the overlay on the editor: after scrolling and resizing, and once painted. */
  #place() {
    this.#frame = 0;
    const overlay = this.#overlay;
    if (!overlay) return;
    if (this.#root.localName === 'textarea') {
      const root = this.#root;
      const box = root.getBoundingClientRect();
      const style = getComputedStyle(root);
      // The textarea's scroll bar narrows its text: the mirror has none, so pads for it.
      const scrollbar = root.offsetWidth - root.clientWidth - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
      Object.assign(overlay.style, {
        left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px`,
        boxSizing: 'border-box', paddingRight: `${parseFloat(style.paddingRight) + scrollbar}px`,
      });
      overlay.scrollTop = root.scrollTop;
      overlay.scrollLeft = root.scrollLeft;
      return;
    }
    const boxes = [];
    for (const { entity, range } of this.#mentions) {
      for (const rect of range.getClientRects()) {
        const box = document.createElement('mark');
        box.dataset.label = entity.label;
        Object.assign(box.style, {
          position: 'absolute', left: `${rect.left}px`, top: `${rect.top}px`,
          width: `${rect.width}px`, height: `${rect.height}px`, padding: 0,
        });
        boxes.push(box);
      }
    }
    overlay.replaceChildren(...boxes);
  }
}
