// The Quill case of issue 14: `highlight()` (www/highlight.js) on a Quill 2 editor (npm `quill`,
// exact version in package.json, its UMD build served to the page under npm/), in Debian's Chromium
// against a served dist/. Measured: ranges whose text is not their mention's (mismatches), mutations
// of Quill's DOM, Quill's contents and undo history. Run as highlight.test.mjs is (`cargo xtask
// test` sets E2E_BASE_URL, E2E_DIST, E2E_CLI and E2E_CHROMIUM).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANALYZER, cli, openTestPage, routeNodeModules } from './editor-harness.mjs';

// A newsroom's article as Quill holds it (a Delta): a headline, a link splitting a name
// ("<a>Microsoft</a> Corp"), emoji, a soft hyphen, a blockquote, a list, right-to-left text, bold
// inside a name.
const DELTA = [
  { insert: 'Microsoft talks stall' }, { insert: '\n', attributes: { header: 1 } },
  { insert: 'SEATTLE (Reuters) - ' }, { insert: 'Microsoft', attributes: { link: 'https://example.com/msft' } },
  { insert: ' Corp said on Tuesday that Satya Nadella would meet Sundar Pichai in Paris next week. \u{1F389} The co\u00ADoperation deal with Alphabet Inc is worth $5 billion, or 12% of its cash.\n' },
  { insert: '"We are pleased," said Amy Hood, the chief financial officer, in London.' }, { insert: '\n', attributes: { blockquote: true } },
  { insert: 'Google' }, { insert: '\n', attributes: { list: 'bullet' } },
  { insert: 'Amazon.com Inc' }, { insert: '\n', attributes: { list: 'bullet' } },
  { insert: '\u05E9\u05DC\u05D5\u05DD \u05E2\u05D5\u05DC\u05DD' }, { insert: '\n', attributes: { direction: 'rtl', align: 'right' } },
  { insert: 'Angela ' }, { insert: 'Merkel', attributes: { bold: true } }, { insert: ' \u{1F44B}\u{1F3FD} spoke in Berlin on Monday.\n' },
  { insert: 'Shares of Nordvik Shipping rose 3% to 212 kroner by 3:30 p.m. in Oslo.\n' },
];

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>quill test</title>
<link rel="stylesheet" href="npm/quill/dist/quill.snow.css">
<link rel="stylesheet" href="highlight.css"></head><body>
<div id="editor" style="width: 700px; font: 16px/1.5 serif"></div>
<script src="npm/quill/dist/quill.js"></script>
<script>
window.quill = new Quill('#editor', { theme: 'snow' });
quill.setContents(${JSON.stringify(DELTA)}, 'user');
quill.history.clear();
</script>
</body></html>`;

/**
 * Highlights Quill's editor (quill.root) and waits for `count` analyses; resolves to the analysis,
 * each painted range against its entity (mismatches: range text not the mention's), the mutations of
 * Quill's DOM seen since `highlight()` was called, and whether Quill's HTML, contents and undo
 * history are unchanged.
 */
function measure(page, action = 'attach') {
  return page.evaluate(async ({ action, options }) => {
    const root = quill.root;
    if (action === 'attach') {
      window.before = { html: root.innerHTML, contents: JSON.stringify(quill.getContents()), undo: quill.history.stack.undo.length };
      window.mutations = [];
      new MutationObserver((records) => window.mutations.push(...records)).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
      const { highlight } = await import('./highlight.js');
      window.controller = highlight(root, options);
    }
    await new Promise((resolve) => window.controller.addEventListener('analyzed', resolve, { once: true }));
    const { analysis } = window.controller;
    const painted = [];
    for (const [name, registered] of CSS.highlights) {
      for (const range of registered) painted.push({ label: name.replace('article-analyzer-', ''), text: range.toString() });
    }
    const shown = analysis.entities.map(({ label, text }) => ({ label, text }));
    const key = ({ label, text }) => `${label}\u0000${text}`;
    const expected = shown.map(key).sort();
    const got = painted.map(key).sort();
    const mismatches = got.filter((item, i) => item !== expected[i]).length + Math.abs(got.length - expected.length);
    return {
      analysis, painted: painted.length, mismatches, mutations: window.mutations.length,
      sameHtml: root.innerHTML === window.before.html,
      sameContents: JSON.stringify(quill.getContents()) === window.before.contents,
      undo: quill.history.stack.undo.length - window.before.undo,
    };
  }, { action, options: ANALYZER });
}

test('highlight() on a Quill editor: 0 mismatched ranges, 0 mutations of its DOM, its contents and undo untouched', async (t) => {
  const { page, problems } = await openTestPage('quill-test.html', PAGE, routeNodeModules);
  const seen = await measure(page);
  const expected = cli(seen.analysis.text);
  assert.deepEqual(seen.analysis.entities.map((e) => [e.start, e.end, e.label, e.text]), expected.entities.map((e) => [e.start, e.end, e.label, e.text]));
  assert.ok(seen.analysis.text.startsWith('Microsoft talks stall\n\nSEATTLE'), 'the headline is a block of its own');
  assert.ok(seen.analysis.entities.some(({ text }) => text === 'Microsoft Corp'), 'a name across the link\'s edge is one mention');
  t.diagnostic(`${seen.painted} ranges painted for ${seen.analysis.entities.length} entities, ${seen.mismatches} mismatched, ${seen.mutations} mutations of Quill's DOM`);
  assert.equal(seen.painted, seen.analysis.entities.length);
  assert.ok(seen.painted >= 15, `a real article: ${seen.painted} ranges`);
  assert.equal(seen.mismatches, 0);
  assert.equal(seen.mutations, 0);
  assert.ok(seen.sameHtml && seen.sameContents, 'Quill\'s HTML and contents unchanged');
  assert.equal(seen.undo, 0, 'nothing added to Quill\'s undo history');
  assert.deepEqual(problems, []);
});

test('typing in Quill is analysed with 0 mismatches, and Quill\'s undo takes back exactly the typing', async () => {
  const { page, problems } = await openTestPage('quill-test.html', PAGE, routeNodeModules);
  await measure(page);
  const original = await page.evaluate(() => JSON.stringify(quill.getContents()));
  // The caret at the end of the Berlin paragraph, then typed as a user types.
  await page.evaluate(() => {
    const text = quill.getText();
    quill.setSelection(text.indexOf(' on Monday.') + ' on Monday.'.length, 0, 'user');
  });
  await page.keyboard.type(' Joe Biden agreed.');
  const typed = await measure(page, 'wait');
  assert.ok(typed.analysis.text.includes('Monday. Joe Biden agreed.'), typed.analysis.text);
  assert.ok(typed.analysis.entities.some(({ text, label }) => text === 'Joe Biden' && label === 'PERSON'));
  assert.equal(typed.mismatches, 0);
  const caret = await page.evaluate(() => [quill.getSelection().index, quill.getText().indexOf(' Joe Biden agreed.') + ' Joe Biden agreed.'.length]);
  assert.equal(caret[0], caret[1], 'the caret stays after the typed text');
  await page.keyboard.press('Control+z');
  const undone = await measure(page, 'wait');
  assert.equal(await page.evaluate(() => JSON.stringify(quill.getContents())), original, 'one undo takes the typing back');
  assert.equal(undone.mismatches, 0);
  assert.ok(!undone.analysis.text.includes('Joe Biden'));
  assert.deepEqual(problems, []);
});
