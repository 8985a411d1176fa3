// End-to-end test of the demo CMS page (dist/demo.html, from www/demo.html and www/demo.js): the npm
// package's highlight() on a contenteditable article body and its ProseMirror plugin on an editor
// (ProseMirror vendored in dist/vendor/), tag fields filled from the `analyzed` event, under a
// strict CSP with Trusted Types. Run as the other editor tests are (`cargo xtask test` sets
// E2E_BASE_URL, E2E_DIST, E2E_CLI and E2E_CHROMIUM); the page is dist/'s own, served at E2E_BASE_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, cli, newPage } from './editor-harness.mjs';

const TAGGED = ['PERSON', 'ORG', 'LOC', 'MISC'];

/** The tags the page should show for `analysis` (the CLI's): names, most mentioned first. */
const tagsOf = (analysis) => analysis.groups.filter(({ label }) => TAGGED.includes(label))
  .sort((a, b) => b.count - a.count || a.first - b.first).map(({ text }) => text).join(', ');

/** dist/demo.html with both editors analysed once, with `problems` and the workers it started. */
async function open() {
  const { page, problems } = await newPage();
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(new URL('demo.html', BASE).href);
  await page.waitForFunction(() => document.getElementById('body-tags').value && document.getElementById('pm-tags').value);
  return { page, problems, workers };
}

/** What the page shows: each editor's analysis (text and entities), tags, and what is painted. */
function shown(page) {
  return page.evaluate(async () => {
    const { analysisOf, analyzerKey } = await import('./pkg/prosemirror.js');
    const { controller, view } = window.demo;
    const painted = [];
    for (const [name, registered] of CSS.highlights) {
      for (const range of registered) painted.push([name.replace('article-analyzer-', ''), range.toString()]);
    }
    const decorations = analyzerKey.getState(view.state).decorations.find().sort((a, b) => a.from - b.from);
    return {
      body: { text: controller.analysis.text, tags: document.getElementById('body-tags').value, painted,
        chips: [...document.querySelectorAll('#body-tag-list li')].map((li) => [li.dataset.label, li.textContent]) },
      pm: { text: analysisOf(view.state).text, tags: document.getElementById('pm-tags').value,
        decorated: decorations.map(({ from, to, spec }) => [spec.label, view.state.doc.textBetween(from, to)]) },
    };
  });
}

/** Checks that each editor's tags and highlights are those of the CLI's analysis of its text. */
function assertMatchesCli(seen) {
  const body = cli(seen.body.text);
  assert.equal(seen.body.tags, tagsOf(body));
  assert.deepEqual(seen.body.painted.sort(), body.entities.map((e) => [e.label, e.text]).sort(), 'one range per entity, with its text');
  assert.equal(seen.body.chips.length, seen.body.tags.split(', ').length);
  const pm = cli(seen.pm.text);
  assert.equal(seen.pm.tags, tagsOf(pm));
  assert.deepEqual(seen.pm.decorated, pm.entities.map((e) => [e.label, e.text]), 'one decoration per entity, with its text');
}

test('the demo highlights both editors, fills their tag fields, under its CSP, with one worker', async () => {
  const { page, problems, workers } = await open();
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+';/);
  assert.match(csp, /require-trusted-types-for 'script'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  const html = await page.locator('#body').innerHTML();
  const seen = await shown(page);
  assertMatchesCli(seen);
  assert.ok(seen.body.tags.split(', ').length >= 8, `a real article's tags: ${seen.body.tags}`);
  assert.ok(seen.body.tags.split(', ').includes('Satya Nadella'), seen.body.tags);
  assert.ok(seen.pm.tags.split(', ').includes('Nordvik Shipping'), seen.pm.tags);
  assert.ok(seen.body.text.includes('Chief executive\n\nShare'), 'table cells read apart');
  assert.equal(await page.locator('#body').innerHTML(), html, 'the article body is untouched');
  assert.equal(workers.length, 1, `one analysis worker for both editors: ${workers}`);

  // A click on a highlighted name shows its entity.
  const box = await page.evaluate(() => {
    for (const range of CSS.highlights.get('article-analyzer-PERSON')) {
      if (range.toString() === 'Satya Nadella') {
        const { x, y, width, height } = range.getClientRects()[0];
        return { x: x + width / 2, y: y + height / 2 };
      }
    }
    return null;
  });
  await page.mouse.click(box.x, box.y);
  const group = cli(seen.body.text).groups.find(({ text }) => text === 'Satya Nadella');
  const mentions = `${group.count} mention${group.count === 1 ? '' : 's'}`;
  assert.equal(await page.locator('#body-card').textContent(), `Satya Nadella: PERSON (Satya Nadella, ${mentions})`);
  assert.deepEqual(problems, []);
});

test('typing in either editor re-analyses it and its tags follow', async () => {
  const { page, problems } = await open();
  const before = await shown(page);
  for (const [editor, field] of [['#body p', '#body-tags'], ['#pm p', '#pm-tags']]) {
    await page.locator(editor).last().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Joe Biden flew to Tokyo.');
    await page.waitForFunction((field) => document.querySelector(field).value.includes('Joe Biden'), field);
  }
  const after = await shown(page);
  assertMatchesCli(after);
  assert.notEqual(after.body.text, before.body.text);
  assert.ok(after.pm.tags.split(', ').includes('Tokyo'), after.pm.tags);
  assert.deepEqual(problems, []);
});
