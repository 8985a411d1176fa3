// End-to-end tests of `highlight(root, options)` (www/highlight.js), of the reader it shares with the
// <article-analyzer> element (www/text-reader.js), and of the element reading HTML block-aware, in
// Debian's Chromium against a served dist/. Run as page.test.mjs is (see there): `cargo xtask test`
// sets E2E_BASE_URL, E2E_DIST, E2E_CLI and E2E_CHROMIUM.
// The test page is served by the test itself (page.route), beside dist/'s files, so dist/ ships none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANALYZER, cli, openTestPage } from './editor-harness.mjs';

// The article of a newsroom's editor: headline, paragraphs, a link splitting a name, a blockquote, a
// list, a table, emoji, right-to-left text, a soft hyphen, and what a reader never sees.
const ARTICLE = `<h1>Microsoft talks stall</h1>
<p>SEATTLE (Reuters) - <a href="#x">Microsoft</a> Corp said on Tuesday that Satya Nadella would meet Sundar Pichai in Paris next week. \u{1F389} The co\u00ADoperation deal with Alphabet Inc is worth $5 billion, or 12% of its cash.</p>
<blockquote>"We are pleased," said Amy Hood, the chief financial officer of Micro\u00ADsoft, in London.</blockquote>
<ul><li>Google</li><li>Amazon.com Inc</li></ul>
<table><tr><td>Tim Cook</td><td>Apple</td></tr><tr><td>Berlin</td><td>Germany</td></tr></table>
<p dir="rtl">\u05E9\u05DC\u05D5\u05DD \u05E2\u05D5\u05DC\u05DD</p>
<p>Angela Merkel spoke in Berlin.<span hidden>Hidden Person</span><script type="text/plain">John Smith</script><style>.x { color: red }</style></p>
<p>Shares of Nordvik Shipping rose 3% to 212 kroner by 3:30 p.m. in Oslo.</p>`;

const TEXTAREA = Array.from({ length: 12 }, (_, i) => `Paragraph ${i + 1}: Satya Nadella of Microsoft met Angela Merkel in Berlin on Monday, and Nordvik Shipping paid $${i + 2} million.`).join('\n\n');

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>highlight test</title>
<link rel="stylesheet" href="highlight.css"></head><body>
<div id="editor" contenteditable="true" style="width: 700px; font: 16px/1.5 serif">${ARTICLE}</div>
<textarea id="draft" style="width: 500px; height: 120px; font: 15px/1.4 monospace"></textarea>
<div id="fixtures">
<div id="r-blocks"><h2>Talks stall</h2><p>SEATTLE said <b>Boeing</b>.</p><ul><li>One</li><li>Two</li></ul></div>
<div id="r-br">Line one<br>Line two<br><br>Line four</div>
<div id="r-skip">A<script type="text/plain">x</script><style>.y {}</style><template>t</template><span hidden>h</span><span style="display: none">d</span><span aria-hidden="true">B</span> C</div>
<table id="r-table"><tr><td>Tim Cook</td><td>Apple</td></tr><tr><th>Paris</th></tr></table>
<div id="r-space">
  <p>  a   <i>b</i> </p>
  <pre>x  y
z</pre>
</div>
<article-analyzer id="element"><p>Microsoft talks stall</p><p>SEATTLE (Reuters) - Boeing said on Monday.</p><table><tr><td>Tim Cook</td><td>Apple</td></tr></table><script type="text/plain">John Smith</script></article-analyzer>
</div>
<script src="article-analyzer-element.js"></script>
</body></html>`;

/** The test page, its textarea filled, with `problems` (console errors, uncaught errors, failed requests). */
async function open() {
  const opened = await openTestPage('highlight-test.html', PAGE);
  await opened.page.locator('#draft').fill(TEXTAREA);
  return opened;
}

/**
 * Calls `highlight` on the element `selector` with `options` in the page, keeping the controller as
 * window.controller, and waits for its first analysis. Resolves to what the page saw.
 */
function attach(page, selector, options = {}) {
  return page.evaluate(async ({ selector, options }) => {
    const root = document.querySelector(selector);
    const events = { controller: 0, root: 0 };
    root.addEventListener('analyzed', () => { events.root += 1; });
    const { highlight } = await import('./highlight.js');
    const controller = highlight(root, options);
    window.controller = controller;
    window.events = events;
    await new Promise((resolve, reject) => {
      controller.addEventListener('analyzed', resolve, { once: true });
      controller.addEventListener('error', ({ message }) => reject(new Error(message)), { once: true });
    });
    events.controller += 1;
    controller.addEventListener('analyzed', () => { events.controller += 1; });
    return { analysis: controller.analysis, events };
  }, { selector, options: { ...ANALYZER, ...options } });
}

/** Every range painted under article-analyzer-* in CSS.highlights, in document order, as [label, text]. */
function painted(page) {
  return page.evaluate(() => {
    const ranges = [];
    for (const [name, highlight] of CSS.highlights) {
      if (name.startsWith('article-analyzer-')) {
        for (const range of highlight) ranges.push([name.slice('article-analyzer-'.length), range]);
      }
    }
    ranges.sort(([, a], [, b]) => a.compareBoundaryPoints(Range.START_TO_START, b));
    return ranges.map(([label, range]) => [label, range.toString()]);
  });
}

test('the reader: blocks are paragraphs, <br> a line, scripts, styles and hidden elements skipped, table cells apart', async () => {
  const { page, problems } = await open();
  const read = await page.evaluate(async () => {
    const { readText } = await import('./text-reader.js');
    const text = (id, options) => readText(document.getElementById(id), options).text;
    const blocks = readText(document.getElementById('r-blocks'));
    const start = blocks.text.indexOf('Boeing');
    return {
      blocks: blocks.text, br: text('r-br'), skip: text('r-skip'), table: text('r-table'), space: text('r-space'),
      skipUnstyled: text('r-skip', { styles: false }), tableUnstyled: text('r-table', { styles: false }),
      boeing: blocks.range(start, start + 6).toString(),
      stall: blocks.range(blocks.text.indexOf('stall'), blocks.text.indexOf('SEATTLE') + 7).toString(),
    };
  });
  assert.equal(read.blocks, 'Talks stall\n\nSEATTLE said Boeing.\n\nOne\n\nTwo');
  assert.equal(read.br, 'Line one\nLine two\n\nLine four');
  assert.equal(read.skip, 'AB C', 'script, style, template, hidden and display: none skipped; aria-hidden read');
  assert.equal(read.skipUnstyled, 'AdB C', 'without styles only the hidden attribute hides');
  assert.equal(read.table, 'Tim Cook\n\nApple\n\nParis');
  assert.equal(read.tableUnstyled, read.table);
  assert.equal(read.space, 'a b\n\nx  y\nz', 'white space collapses as CSS does, kept in <pre>');
  assert.equal(read.boeing, 'Boeing');
  assert.equal(read.stall, 'stallSEATTLE', 'a range over a block edge holds the DOM text (no break characters)');
  assert.deepEqual(problems, []);
});

test('highlight paints every entity of a contenteditable article as a range with its exact text, without touching the DOM', async () => {
  const { page, problems } = await open();
  const before = await page.evaluate(() => {
    const editor = document.getElementById('editor');
    window.mutations = [];
    new MutationObserver((records) => window.mutations.push(...records))
      .observe(editor, { subtree: true, childList: true, characterData: true, attributes: true });
    return editor.innerHTML;
  });
  const { analysis, events } = await attach(page, '#editor');
  const { text } = analysis;
  assert.ok(text.startsWith('Microsoft talks stall\n\nSEATTLE (Reuters) - Microsoft Corp said'), text.slice(0, 60));
  assert.ok(text.includes('\n\nGoogle\n\nAmazon.com Inc\n\nTim Cook\n\nApple\n\nBerlin\n\nGermany\n\n'), 'list items and cells apart');
  assert.ok(!/Hidden Person|John Smith|color: red/.test(text), 'hidden, script and style text is not read');
  assert.ok(text.includes('\u{1F389}') && text.includes('co\u00ADoperation') && text.includes('\u05E9\u05DC\u05D5\u05DD'));
  // The worker's analysis is the CLI's analysis of the text read.
  const expected = cli(text);
  assert.deepEqual(analysis.entities.map((e) => [e.start, e.end, e.label, e.text]), expected.entities.map((e) => [e.start, e.end, e.label, e.text]));
  assert.deepEqual(analysis.groups, expected.groups);
  assert.ok(analysis.entities.length >= 12, `a real article: ${analysis.entities.length} entities`);
  assert.ok(analysis.entities.some((e) => e.text === 'Microsoft Corp'), 'the link splitting a name ends no mention');
  for (const entity of analysis.entities) assert.equal(entity.text, text.slice(entity.start, entity.end));
  // Every range's text is its entity's text: 0 mismatches.
  const ranges = await painted(page);
  const mismatches = ranges.filter(([label, rangeText], i) => label !== analysis.entities[i]?.label || rangeText !== analysis.entities[i].text);
  assert.equal(ranges.length, analysis.entities.length);
  assert.deepEqual(mismatches, []);
  assert.deepEqual(events, { controller: 1, root: 1 }, 'analyzed on the controller and on the root');
  const after = await page.evaluate(() => ({ html: document.getElementById('editor').innerHTML, mutations: window.mutations.length }));
  assert.equal(after.mutations, 0, 'no mutation of the editor');
  assert.equal(after.html, before);
  // Labels shown: only PERSON.
  await page.evaluate(() => { window.controller.labels = ['PERSON']; });
  const persons = await painted(page);
  assert.deepEqual(persons, analysis.entities.filter((e) => e.label === 'PERSON').map((e) => [e.label, e.text]));
  // The mention under a point, found from the caret position there.
  const hit = await page.evaluate(() => {
    const [, highlight] = [...CSS.highlights].find(([name]) => name === 'article-analyzer-PERSON');
    const range = [...highlight][0];
    const box = range.getClientRects()[0];
    const mention = window.controller.mentionAt(box.left + box.width / 2, box.top + box.height / 2);
    return { text: range.toString(), mention, miss: window.controller.mentionAt(1, 1) };
  });
  assert.equal(hit.mention.text, hit.text);
  assert.equal(hit.mention.label, 'PERSON');
  assert.equal(hit.mention.group.label, 'PERSON');
  assert.equal(hit.miss, null);
  // detach() clears every highlight entry and listens no more.
  const detached = await page.evaluate(async () => {
    window.controller.detach();
    const names = [...CSS.highlights.keys()].filter((name) => name.startsWith('article-analyzer-'));
    document.querySelector('#editor p').append(' Joe Biden');
    await new Promise((resolve) => setTimeout(resolve, 600));
    return { names, later: [...CSS.highlights.keys()].length, events: window.events };
  });
  assert.deepEqual(detached, { names: [], later: 0, events: { controller: 1, root: 1 } });
  assert.deepEqual(problems, []);
});

test('at 5,000 words, reading the text again and painting a result fit in one frame', async () => {
  const { page, problems } = await open();
  // 5,000 words: the article's paragraphs again and again (built from nodes, never from HTML).
  const words = await page.evaluate(() => {
    const editor = document.getElementById('editor');
    const paragraphs = [...editor.querySelectorAll('p, blockquote')];
    while (editor.textContent.split(/\s+/).length < 5000) for (const p of paragraphs) editor.append(p.cloneNode(true));
    return editor.textContent.split(/\s+/).length;
  });
  const { analysis } = await attach(page, '#editor');
  const timing = await page.evaluate(async () => {
    const { readText } = await import('./text-reader.js');
    const best = (work) => Math.min(...Array.from({ length: 5 }, () => {
      const start = performance.now();
      work();
      return performance.now() - start;
    }));
    const editor = document.getElementById('editor');
    return { read: best(() => readText(editor)), paint: best(() => { window.controller.labels = [...window.controller.labels]; }) };
  });
  console.log(`5,000 words (${words}), ${analysis.entities.length} mentions: read ${timing.read.toFixed(1)} ms, paint ${timing.paint.toFixed(1)} ms`);
  assert.ok(timing.read + timing.paint < 16, JSON.stringify(timing));
  assert.deepEqual(problems, []);
});

test('typing re-analyses, the caret stays where the user left it, and undo still works', async () => {
  const { page, problems } = await open();
  const original = await page.evaluate(() => document.getElementById('editor').innerHTML);
  await attach(page, '#editor', { delay: 50 });
  // The caret at the end of the last paragraph, then typing as a user does.
  await page.evaluate(() => {
    const last = document.querySelector('#editor p:last-of-type').firstChild;
    document.getElementById('editor').focus();
    getSelection().collapse(last, last.length);
  });
  const analysed = page.evaluate(() => new Promise((resolve) => {
    window.controller.addEventListener('analyzed', ({ detail }) => detail.text.includes('Joe Biden') && resolve(), { once: false });
  }));
  await page.keyboard.type(' Joe Biden agreed.');
  await analysed;
  const state = await page.evaluate(() => {
    const selection = getSelection();
    const node = selection.focusNode;
    return {
      collapsed: selection.isCollapsed, before: node.data.slice(0, selection.focusOffset).slice(-18),
      person: (CSS.highlights.get('article-analyzer-PERSON') ? [...CSS.highlights.get('article-analyzer-PERSON')] : []).map(String),
    };
  });
  assert.ok(state.collapsed);
  assert.equal(state.before, ' Joe Biden agreed.', 'the caret is right after what was typed');
  assert.ok(state.person.includes('Joe Biden'), state.person.join(', '));
  // Undo, as a user does, takes the typing back: the editor's history holds only the user's edits.
  for (let i = 0; i < 20 && (await page.evaluate(() => document.getElementById('editor').innerHTML)) !== original; i++) {
    await page.keyboard.press('Control+Z');
  }
  assert.equal(await page.evaluate(() => document.getElementById('editor').innerHTML), original);
  await page.waitForFunction(() => !window.controller.analysis.text.includes('Joe Biden'));
  assert.deepEqual(problems, []);
});

test('a textarea gets an overlay outside its DOM, in place over its text and moving with its scroll', async () => {
  const { page, problems } = await open();
  const { analysis } = await attach(page, '#draft');
  assert.equal(analysis.text, TEXTAREA);
  // Filling the textarea scrolled it to its end: back to the top, where the first mention is.
  await page.evaluate(() => { document.getElementById('draft').scrollTop = 0; });
  await page.waitForFunction(() => document.querySelector('.article-analyzer-overlay').scrollTop === 0);
  const overlay = async () => page.evaluate(() => {
    const layer = document.querySelector('.article-analyzer-overlay');
    const marks = [...layer.querySelectorAll('mark')];
    const box = marks[0].getBoundingClientRect();
    return {
      parent: layer.parentElement.localName, pointerEvents: getComputedStyle(layer).pointerEvents,
      marks: marks.map((mark) => [mark.dataset.label, mark.textContent]), first: { top: box.top, left: box.left },
      layer: JSON.stringify(layer.getBoundingClientRect()), draft: JSON.stringify(document.getElementById('draft').getBoundingClientRect()),
      background: getComputedStyle(marks[0]).backgroundColor,
    };
  });
  const shown = await overlay();
  assert.equal(shown.parent, 'body');
  assert.equal(shown.pointerEvents, 'none');
  assert.deepEqual(shown.marks, analysis.entities.map((e) => [e.label, e.text]));
  assert.equal(shown.layer, shown.draft, 'the overlay covers the textarea exactly');
  assert.notEqual(shown.background, 'rgba(0, 0, 0, 0)', 'highlight.css colours the marks');
  // A mark sits where the textarea's text is: the mention under its centre is found from the mark.
  const hit = await page.evaluate(() => {
    const box = document.querySelector('.article-analyzer-overlay mark').getBoundingClientRect();
    return window.controller.mentionAt(box.left + box.width / 2, box.top + box.height / 2);
  });
  assert.equal(hit.index, 0);
  await page.evaluate(() => { document.getElementById('draft').scrollTop = 100; });
  await page.waitForFunction((top) => document.querySelector('.article-analyzer-overlay mark').getBoundingClientRect().top < top - 90, shown.first.top);
  const scrolled = await overlay();
  assert.ok(Math.abs(shown.first.top - 100 - scrolled.first.top) <= 1, `${shown.first.top} -> ${scrolled.first.top}`);
  // The page scrolls: the overlay follows the textarea.
  await page.setViewportSize({ width: 800, height: 300 });
  await page.evaluate(() => window.scrollTo(0, 200));
  await page.waitForFunction(() => JSON.stringify(document.querySelector('.article-analyzer-overlay').getBoundingClientRect())
    === JSON.stringify(document.getElementById('draft').getBoundingClientRect()));
  await page.evaluate(() => window.controller.detach());
  assert.equal(await page.locator('.article-analyzer-overlay').count(), 0);
  assert.deepEqual(problems, []);
});

test('without CSS.highlights, a contenteditable gets overlay boxes from the ranges, kept on the text as the page scrolls', async () => {
  const { page, problems } = await open();
  await page.evaluate(() => Object.defineProperty(CSS, 'highlights', { value: undefined }));
  const { analysis } = await attach(page, '#editor');
  const boxes = () => page.evaluate(() => {
    const marks = [...document.querySelectorAll('.article-analyzer-overlay mark')];
    const { top, left } = marks[0].getBoundingClientRect();
    const range = new Range();
    const heading = document.querySelector('#editor h1').firstChild;
    range.setStart(heading, 0);
    range.setEnd(heading, 'Microsoft'.length);
    const text = range.getClientRects()[0];
    return { count: marks.length, box: [top, left], text: [text.top, text.left] };
  });
  const shown = await boxes();
  assert.ok(shown.count >= analysis.entities.length, `${shown.count} boxes for ${analysis.entities.length} mentions`);
  assert.equal(analysis.entities[0].text, 'Microsoft');
  assert.deepEqual(shown.box, shown.text, 'the first box is on the first mention');
  await page.setViewportSize({ width: 800, height: 300 });
  await page.evaluate(() => window.scrollTo(0, 150));
  await page.waitForFunction(() => document.querySelector('.article-analyzer-overlay mark').getBoundingClientRect().top < 0);
  const scrolled = await boxes();
  assert.deepEqual(scrolled.box, scrolled.text, 'the box moved with the text');
  assert.deepEqual(problems, []);
});

test('<article-analyzer> reads its HTML as a reader does: blocks and table cells never run together', async () => {
  const { page, problems } = await open();
  await page.waitForFunction(() => document.getElementById('element').analysis);
  const { text, entities } = await page.evaluate(() => {
    const element = document.getElementById('element');
    return { text: element.shadowRoot.querySelector('.article').textContent, entities: element.analysis.entities.map((e) => e.text) };
  });
  assert.equal(text, 'Microsoft talks stall\n\nSEATTLE (Reuters) - Boeing said on Monday.\n\nTim Cook\n\nApple');
  assert.ok(!entities.some((e) => /\n|stallSEATTLE|CookApple/.test(e)), entities.join(', '));
  assert.ok(entities.includes('SEATTLE') && entities.includes('Tim Cook'), entities.join(', '));
  assert.deepEqual(problems, []);
});
