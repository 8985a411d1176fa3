// Entity highlights inside a ProseMirror editor, as inline decorations: they never enter the document
// (`doc.toJSON()` is unchanged), the undo history holds only the user's edits.
//
//   import { analyzerPlugin, analysisOf } from 'article-analyzer/prosemirror';
//   const view = new EditorView(place, { state: EditorState.create({ doc, plugins: [
//     analyzerPlugin({ worker, glue, wasm, labels: ['PERSON', 'ORG'], analyzed: (analysis) => fillTags(analysis.groups) }),
//   ] }) });
//   analysisOf(view.state);  // the last analysis
//
// The document's text is read as www/text-reader.js reads HTML: "\n\n" between textblocks, a hard
// break "\n", any other inline leaf (an image, a mention atom) one space, so the words on either side
// stay apart; block leaves (a rule, a block image) are skipped. The text is analysed in highlight.js's
// worker, and each entity becomes a `Decoration.inline` with class `article-analyzer-entity` and
// `data-label` (styled by highlight.css). Between a change and its analysis (debounced), the
// decorations are mapped through the transactions, so they stay on their words.
import { Plugin, PluginKey } from 'prosemirror-state';
import { Decoration, DecorationSet } from 'prosemirror-view';
import { LABELS, engine, unpack } from './highlight.js';

/** The key of the plugin's state: `analyzerKey.getState(state)` is `{ analysis, decorations }`. */
export const analyzerKey = new PluginKey('article-analyzer');

/** The last analysis of the editor's document, as `highlight`'s (the CLI's shape plus `text`), or null. */
export function analysisOf(state) {
  return analyzerKey.getState(state)?.analysis ?? null;
}

/**
 * The text of `doc` as the analysis sees it, with `position(offset, isEnd)`: the document position
 * of a UTF-16 offset into `text` (a start is the position before its character, an end the one
 * after the character before it).
 */
export function readDoc(doc) {
  let text = '';
  let block = false;
  const offsets = []; // per run: its offset in `text`, its position in `doc`, its length
  const positions = [];
  const lengths = [];
  const add = (piece, pos) => {
    if (block && text) text += '\n\n';
    block = false;
    offsets.push(text.length);
    positions.push(pos);
    lengths.push(piece.length);
    text += piece;
  };
  doc.descendants((node, pos) => {
    if (node.isBlock) {
      block = true;
      return node.isTextblock || !node.isLeaf;
    }
    if (node.isText) add(node.text, pos);
    else if (node.isLeaf) add(node.type.spec.linebreakReplacement || node.type.name === 'hard_break' ? '\n' : ' ', pos);
    return true;
  });
  const position = (offset, isEnd) => {
    let low = 0;
    let high = offsets.length - 1;
    // The last run starting at or before the offset (before it, for an end).
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (offsets[middle] < offset || (!isEnd && offsets[middle] === offset)) low = middle;
      else high = middle - 1;
    }
    const inside = Math.min(Math.max(offset - offsets[low], 0), lengths[low]);
    // A start in the break between two blocks starts at the next block's text.
    if (!isEnd && inside === lengths[low] && low + 1 < offsets.length) return positions[low + 1];
    return positions[low] + inside;
  };
  return { text, position };
}

/**
 * The decorations of `analysis` (its text read from `doc` as `reading`), for the labels shown. Their
 * spec holds only strings, so a mention found again compares equal to its mapped decoration and is
 * not drawn again (with the entity object in it, every new analysis redrew all: 7 -> 30 ms at 5,000 words).
 */
function decorate(doc, reading, analysis, labels) {
  const decorations = [];
  for (const entity of analysis.entities) {
    if (!labels.includes(entity.label)) continue;
    const from = reading.position(entity.start, false);
    const to = reading.position(entity.end, true);
    if (from < to) {
      decorations.push(Decoration.inline(from, to, { class: 'article-analyzer-entity', 'data-label': entity.label }, { label: entity.label, text: entity.text }));
    }
  }
  return DecorationSet.create(doc, decorations);
}

/**
 * The plugin. Options: `labels` (the labels shown, default all), `entities` (custom entities, as the
 * CLI's --entities), `delay` (ms of quiet typing before analysing, 150), `analyzed(analysis, view)`
 * (called after each analysis is shown; an `analyzed` CustomEvent is also dispatched on `view.dom`),
 * `error(error, view)`, and where the analyzer is, as `highlight` takes them: `worker`, `glue`, `wasm`.
 */
export function analyzerPlugin(options = {}) {
  const labels = options.labels ?? LABELS;
  return new Plugin({
    key: analyzerKey,
    state: {
      init: () => ({ analysis: null, decorations: DecorationSet.empty }),
      apply(tr, value) {
        const result = tr.getMeta(analyzerKey);
        if (result) return result;
        return tr.docChanged ? { analysis: value.analysis, decorations: value.decorations.map(tr.mapping, tr.doc) } : value;
      },
    },
    props: {
      decorations: (state) => analyzerKey.getState(state).decorations,
    },
    view(view) {
      const analyse = engine(options);
      let timer = 0;
      let sequence = 0;
      let live = true;
      const run = async () => {
        const ours = ++sequence;
        try {
          const { text } = readDoc(view.state.doc);
          const packed = await (await analyse)(text, options.entities ?? []);
          if (ours !== sequence || !live) return;
          const { doc } = view.state;
          const reading = readDoc(doc);
          // The text changed meanwhile: that change has scheduled its own analysis.
          if (reading.text !== text) return;
          const analysis = unpack(text, packed);
          const decorations = decorate(doc, reading, analysis, labels);
          view.dispatch(view.state.tr.setMeta(analyzerKey, { analysis, decorations }).setMeta('addToHistory', false));
          options.analyzed?.(analysis, view);
          view.dom.dispatchEvent(new CustomEvent('analyzed', { detail: analysis }));
        } catch (error) {
          if (!options.error) throw error;
          options.error(error, view);
        }
      };
      run();
      return {
        update(view, previous) {
          if (view.state.doc === previous.doc) return;
          clearTimeout(timer);
          timer = setTimeout(run, options.delay ?? 150);
        },
        destroy() {
          live = false;
          clearTimeout(timer);
        },
      };
    },
  });
}
