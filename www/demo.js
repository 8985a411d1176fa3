// The demo CMS page (demo.html): the npm package, imported from dist/pkg/ as a CMS imports it, on
// two editors: `highlight()` on a contenteditable article body and `analyzerPlugin()` on a
// ProseMirror editor (www/vendor/prosemirror.js). Each fills its tag field from the `analyzed`
// event. Under the page's Trusted Types, the one analysis worker is made here, from this file's
// policy, and shared by both editors.
import { highlight } from './pkg/highlight.js';
import { analyzerPlugin } from './pkg/prosemirror.js';
import { DOMParser, EditorState, EditorView, baseKeymap, history, keymap, redo, schema, undo } from './vendor/prosemirror.js';

/** The labels that make tags: names, not dates or amounts. */
const TAGGED = ['PERSON', 'ORG', 'LOC', 'MISC'];

const workerUrl = new URL('./pkg/worker.js', import.meta.url).href;
const policy = globalThis.trustedTypes?.createPolicy('article-analyzer-demo', {
  createScriptURL: (url) => {
    if (url !== workerUrl) throw new TypeError(`not the analysis worker: ${url}`);
    return url;
  },
});
const worker = new Worker(policy ? policy.createScriptURL(workerUrl) : workerUrl);

/** Fills the tag field `input` and the list `list` with the names of `analysis`, most mentioned first. */
function fillTags(input, list, analysis) {
  const names = analysis.groups.filter(({ label }) => TAGGED.includes(label))
    .sort((a, b) => b.count - a.count || a.first - b.first);
  input.value = names.map(({ text }) => text).join(', ');
  list.replaceChildren(...names.map(({ text, label, count }) => {
    const item = document.createElement('li');
    item.dataset.label = label;
    item.textContent = text;
    item.title = `${label}, ${count} mention${count === 1 ? '' : 's'}`;
    return item;
  }));
}

const body = document.getElementById('body');
const controller = highlight(body, { worker });
controller.addEventListener('analyzed', ({ detail }) => {
  fillTags(document.getElementById('body-tags'), document.getElementById('body-tag-list'), detail);
});
controller.addEventListener('error', ({ message }) => {
  document.getElementById('body-card').textContent = message;
});
body.addEventListener('click', ({ clientX, clientY }) => {
  const mention = controller.mentionAt(clientX, clientY);
  document.getElementById('body-card').textContent = mention
    ? `${mention.text}: ${mention.label} (${mention.group.text}, ${mention.group.count} mention${mention.group.count === 1 ? '' : 's'})`
    : '';
});

const plugin = analyzerPlugin({
  worker,
  analyzed: (analysis) => fillTags(document.getElementById('pm-tags'), document.getElementById('pm-tag-list'), analysis),
});
const doc = DOMParser.fromSchema(schema).parse(document.getElementById('pm-source').content);
window.demo = {
  controller,
  view: new EditorView(document.getElementById('pm'), {
    state: EditorState.create({
      doc,
      plugins: [history(), keymap({ 'Mod-z': undo, 'Mod-y': redo, 'Mod-Shift-z': redo }), keymap(baseKeymap), plugin],
    }),
  }),
};
