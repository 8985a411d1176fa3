// End-to-end tests of the ProseMirror plugin (www/prosemirror.js) with the real prosemirror-* packages
// from npm (this folder's devDependencies), in Debian's Chromium against a served dist/. Run as
// highlight.test.mjs is: `cargo xtask test` sets E2E_BASE_URL, E2E_DIST, E2E_CLI and E2E_CHROMIUM.
// The test page and the packages' ESM builds (under npm/, resolved by an import map from the bare
// specifiers a CMS's bundler resolves) are served by the test itself (page.route).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANALYZER, cli, openTestPage, prosemirrorImports, routeNodeModules } from './editor-harness.mjs';

const IMPORTS = prosemirrorImports('./npm/');

// A newsroom's article: a heading, paragraphs, a blockquote, hard breaks, links splitting names,
// emoji (one with a skin tone), an inline image between two words, and a horizontal rule.
const ARTICLE = `<h1>Microsoft talks stall</h1>
<p>SEATTLE (Reuters) - <a href="#m">Microsoft</a> Corp said on Tuesday that Satya <a href="#n">Nadella</a> would meet Sundar Pichai in Paris next week. \u{1F389} The deal with Alphabet Inc is worth $5 billion, or 12% of its cash.</p>
<blockquote><p>"We are pleased," said Amy Hood<br>in London.</p></blockquote>
<p>Angela Merkel \u{1F44B}\u{1F3FD} spoke in Berlin on Monday.<br>Tim Cook of Apple<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">met officials in Brussels.</p>
<hr>
<p>Shares of Nordvik Shipping rose 3% to 212 kroner by 3:30 p.m. in Oslo.</p>`;

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>prosemirror test</title>
<link rel="stylesheet" href="highlight.css">
<script type="importmap">${JSON.stringify({ imports: IMPORTS })}</script></head><body>
<div id="editor" style="width: 700px; font: 16px/1.5 serif"></div>
<script type="module">
import { EditorState, TextSelection } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { DOMParser } from 'prosemirror-model';
import { schema } from 'prosemirror-schema-basic';
import { history, undo, redo } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';
import { analyzerPlugin, analysisOf, analyzerKey, readDoc } from './prosemirror.js';

/**
 * An editor on ARTICLE (repeat times) with the plugin (options as given); resolves after its first
 * analysis. window.paints: how long each of the plugin's transactions took to apply and draw.
 */
window.start = (options, repeat = 1) => new Promise((resolve, reject) => {
  const source = document.createElement('div');
  source.innerHTML = ${JSON.stringify(ARTICLE)}.repeat(repeat);
  window.paints = [];
  const doc = DOMParser.fromSchema(schema).parse(source);
  window.json = JSON.stringify(doc.toJSON());
  window.analyses = [];
  const plugin = analyzerPlugin({ ...options, analyzed: (analysis) => window.analyses.push(analysis), error: reject });
  const view = new EditorView(document.getElementById('editor'), {
    dispatchTransaction(tr) {
      const start = performance.now();
      view.updateState(view.state.apply(tr));
      if (tr.getMeta(analyzerKey)) window.paints.push(performance.now() - start);
    },
    state: EditorState.create({ doc, plugins: [history(), keymap({ 'Mod-z': undo, 'Mod-y': redo }), plugin] }),
  });
  window.view = view;
  window.domEvents = 0;
  view.dom.addEventListener('analyzed', () => { window.domEvents += 1; });
  view.dom.addEventListener('analyzed', () => resolve({ sameDoc: view.state.doc === doc }), { once: true });
});

const leaf = (node) => (node.type.name === 'hard_break' ? '\\n' : ' ');

/** The plugin's state and every decoration against its entity's text, in the state and in the DOM. */
window.check = () => {
  const { state } = window.view;
  const { analysis, decorations } = analyzerKey.getState(state);
  const found = decorations.find().sort((a, b) => a.from - b.from);
  const mismatches = [];
  for (const { from, to, spec } of found) {
    const text = state.doc.textBetween(from, to, '\\n\\n', leaf);
    if (text !== spec.text) mismatches.push(['state', spec.text, text]);
  }
  // The DOM: each decorated span belongs to one decoration; a decoration's spans join to its text.
  const joined = new Map(found.map((decoration) => [decoration, '']));
  for (const span of window.view.dom.querySelectorAll('.article-analyzer-entity')) {
    const start = window.view.posAtDOM(span, 0);
    const end = window.view.posAtDOM(span, span.childNodes.length);
    const decoration = found.find(({ from, to }) => from <= start && end <= to);
    if (!decoration) mismatches.push(['no decoration', span.textContent, start]);
    else if (span.dataset.label !== decoration.spec.label) mismatches.push(['label', span.dataset.label, decoration.spec.label]);
    else joined.set(decoration, joined.get(decoration) + span.textContent);
  }
  for (const [{ spec }, text] of joined) if (text !== spec.text) mismatches.push(['dom', spec.text, text]);
  const span = window.view.dom.querySelector('.article-analyzer-entity[data-label="PERSON"]');
  return {
    analysis, mismatches, decorations: found.length, same: analysis === analysisOf(state),
    text: readDoc(state.doc).text, json: JSON.stringify(state.doc.toJSON()),
    background: span && getComputedStyle(span).backgroundColor,
  };
};

/** Puts the caret after the first occurrence of \`after\` in the text read, and focuses the editor. */
window.caretAfter = (after) => {
  const { state } = window.view;
  const reading = readDoc(state.doc);
  const pos = reading.position(reading.text.indexOf(after) + after.length, true);
  window.view.dispatch(state.tr.setSelection(TextSelection.create(state.doc, pos)));
  window.view.focus();
};
window.ready = true;
</script>
</body></html>`;

/** The test page, its editor ready, with `problems` (console errors, uncaught errors, failed requests). */
async function open() {
  const opened = await openTestPage('prosemirror-test.html', PAGE, routeNodeModules);
  await opened.page.waitForFunction(() => window.ready);
  return opened;
}

/** The analysis (plugin state) is the CLI's on the same text, and no decoration is off its entity. */
function assertAnalysed(checked) {
  const { analysis, mismatches, decorations, same } = checked;
  const expected = cli(analysis.text);
  assert.equal(analysis.text, checked.text, 'the analysis is of the document as it is');
  assert.deepEqual(analysis.entities.map((e) => [e.start, e.end, e.label, e.text]), expected.entities.map((e) => [e.start, e.end, e.label, e.text]));
  assert.deepEqual(analysis.groups, expected.groups);
  assert.deepEqual(analysis.sentences, expected.sentences.map(({ start, end }) => ({ start, end })));
  assert.ok(same, 'analysisOf(state) is the plugin state\'s analysis');
  assert.equal(decorations, analysis.entities.length, 'one decoration per entity');
  assert.deepEqual(mismatches, [], '0 mismatches');
}

test('the plugin decorates every entity of a ProseMirror document with its exact text, and the document is unchanged', async () => {
  const { page, problems } = await open();
  const { sameDoc } = await page.evaluate((options) => window.start(options), ANALYZER);
  const checked = await page.evaluate(() => window.check());
  const { text } = checked.analysis;
  assert.ok(text.startsWith('Microsoft talks stall\n\nSEATTLE (Reuters) - Microsoft Corp said'), text.slice(0, 60));
  assert.ok(text.includes('said Amy Hood\nin London.\n\nAngela Merkel \u{1F44B}\u{1F3FD} spoke'), 'a hard break is a line; blocks are paragraphs');
  assert.ok(text.includes('of Apple met officials'), 'an inline image is one space');
  assert.ok(text.includes('Brussels.\n\nShares'), 'a horizontal rule is skipped');
  assertAnalysed(checked);
  const mentions = checked.analysis.entities.map((e) => e.text);
  for (const name of ['Microsoft Corp', 'Satya Nadella', 'Amy Hood', 'Angela Merkel', 'Tim Cook', 'Nordvik Shipping']) {
    assert.ok(mentions.includes(name), `${name} in ${mentions.join(', ')}`);
  }
  assert.ok(checked.analysis.entities.length >= 15, `a real article: ${checked.analysis.entities.length} entities`);
  assert.ok(sameDoc, 'the state holds the very document it started with');
  assert.equal(checked.json, await page.evaluate(() => window.json), 'doc.toJSON() unchanged');
  assert.equal(checked.background, 'rgb(255, 216, 168)', 'highlight.css colours a PERSON as ::highlight(article-analyzer-PERSON)');
  assert.deepEqual(await page.evaluate(() => [window.analyses.length, window.domEvents]), [1, 1], 'the callback and the event, once each');
  assert.deepEqual(problems, []);
});

test('typing keeps the decorations on their words until the analysis, which then decorates the new text; undo takes it back', async () => {
  const { page, problems } = await open();
  await page.evaluate((options) => window.start(options), { ...ANALYZER, delay: 1000 });
  const original = await page.evaluate(() => window.check());
  // Typing in the middle of the article, as a user does: everything after it moves.
  await page.evaluate(() => window.caretAfter('meet Sundar Pichai in Paris next week.'));
  await page.keyboard.type(' Joe Biden agreed.');
  const typed = await page.evaluate(() => {
    // What the analysis will change in the DOM outside the paragraph typed into.
    window.elsewhere = [];
    const typedInto = [...window.view.dom.querySelectorAll('p')].find((p) => p.textContent.includes('Joe Biden'));
    new MutationObserver((records) => window.elsewhere.push(...records.filter(({ target }) => !typedInto.contains(target))))
      .observe(window.view.dom, { subtree: true, childList: true, characterData: true, attributes: true });
    return window.check();
  });
  assert.ok(typed.text.includes('next week. Joe Biden agreed. \u{1F389}'), 'typed into the document');
  assert.equal(typed.analysis.text, original.analysis.text, 'checked before the analysis');
  assert.equal(typed.decorations, original.decorations);
  assert.deepEqual(typed.mismatches, [], 'mapped through the typing, every decoration is still on its words');
  // After the pause, analysed again.
  await page.waitForFunction(() => window.analyses.length === 2);
  const analysed = await page.evaluate(() => window.check());
  assertAnalysed(analysed);
  assert.ok(analysed.analysis.entities.some((e) => e.text === 'Joe Biden' && e.label === 'PERSON'));
  assert.deepEqual(await page.evaluate(() => window.analyses.length), 2, 'one analysis for the whole typing');
  assert.equal(await page.evaluate(() => window.elsewhere.length), 0, 'the decorations the analysis gave again are not drawn again');
  // Undo as a user does: the history holds only the typing, not the plugin's transactions.
  for (let i = 0; i < 20 && (await page.evaluate(() => window.check().json)) !== original.json; i++) {
    await page.keyboard.press('Control+Z');
  }
  const undone = await page.evaluate(() => window.check());
  assert.equal(undone.json, original.json, 'undo restores the document');
  assert.deepEqual(undone.mismatches, [], 'mapped through the undo');
  await page.waitForFunction(() => window.analyses.length === 3);
  const again = await page.evaluate(() => window.check());
  assertAnalysed(again);
  assert.deepEqual(again.analysis.entities, original.analysis.entities);
  assert.deepEqual(problems, []);
});

test('labels limits the decorations; a destroyed view is analysed no more', async () => {
  const { page, problems } = await open();
  await page.evaluate((options) => window.start(options), { ...ANALYZER, labels: ['PERSON'], delay: 50 });
  const { analysis, decorations, mismatches } = await page.evaluate(() => window.check());
  const persons = analysis.entities.filter((e) => e.label === 'PERSON');
  assert.ok(persons.length >= 5 && persons.length < analysis.entities.length, `${persons.length} of ${analysis.entities.length}`);
  assert.equal(decorations, persons.length, 'one decoration per PERSON, none for the other labels');
  assert.deepEqual(mismatches, []);
  const later = await page.evaluate(async () => {
    const { view } = window;
    view.dispatch(view.state.tr.insertText(' Joe Biden agreed.', view.state.doc.content.size - 1));
    view.destroy();
    await new Promise((resolve) => setTimeout(resolve, 600));
    return window.analyses.length;
  });
  assert.equal(later, 1, 'no analysis after destroy()');
  assert.deepEqual(problems, []);
});

test('at 5,000 words, a new analysis after typing applies and draws in one frame', async () => {
  const { page, problems } = await open();
  await page.evaluate((options) => window.start(options, 62), { ...ANALYZER, delay: 50 });
  for (let i = 2; i <= 4; i++) {
    await page.evaluate(() => { const { view } = window; view.dispatch(view.state.tr.insertText('Joe Biden said so. ', 25)); });
    await page.waitForFunction((count) => window.analyses.length === count, i);
  }
  const { words, paints, checked } = await page.evaluate(() => ({
    words: window.check().text.split(/\s+/).length, paints: window.paints, checked: window.check(),
  }));
  console.log(`${words} words, ${checked.decorations} decorations: first paint ${paints[0].toFixed(0)} ms, after typing ${paints.slice(1).map((t) => t.toFixed(1)).join(', ')} ms`);
  assert.ok(words >= 4500, `${words} words`);
  assertAnalysed(checked);
  assert.ok(Math.min(...paints.slice(1)) < 16, paints.join(', '));
  assert.deepEqual(problems, []);
});
