// End-to-end test of the npm package (dist/pkg, built by `cargo xtask dist`) as an integrator gets it:
// `npm pack`, `npm install` of the tarball into an empty folder (offline: the package has no
// dependencies), then every entry imported by its bare specifier in Node and, through an import map
// made from the installed package.json's `exports`, in Debian's Chromium, from a server of that
// folder started here. Run as the other editor tests are (`cargo xtask test` sets E2E_DIST, E2E_CLI,
// E2E_CHROMIUM and E2E_BASE_URL, which this file does not use).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, newPage, prosemirrorImports } from './editor-harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const DIST = process.env.E2E_DIST ?? join(repo, 'dist');

const TEXT = 'SEATTLE (Reuters) - Microsoft Corp said on Tuesday that Satya Nadella would meet Sundar Pichai in Paris next week. '
  + 'The deal with Alphabet Inc is worth $5 billion. \u{1F389} Angela Merkel spoke in Berlin on Monday.';

const ARTICLE = `<h1>Microsoft talks stall</h1>
<p>SEATTLE (Reuters) - <a href="#m">Microsoft</a> Corp said on Tuesday that Satya Nadella would meet Sundar Pichai in Paris.</p>
<ul><li>Google</li><li>Amazon.com Inc</li></ul>
<blockquote>Tim Cook of Apple met officials in Brussels.</blockquote>`;

let folder; // the empty folder the tarball is installed into
let installed; // its node_modules/article-analyzer
let server;
let origin;
const requests = [];

before(() => {
  folder = mkdtempSync(join(tmpdir(), 'article-analyzer-package-'));
  // Offline: the registry is never asked (a dependency to fetch would fail the install), nor is
  // npm's own update check.
  const env = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' };
  const [packed] = JSON.parse(execFileSync('npm', ['pack', join(DIST, 'pkg'), '--json', '--pack-destination', folder], { encoding: 'utf8', env }));
  writeFileSync(join(folder, 'package.json'), '{ "private": true }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `./${packed.filename}`], { cwd: folder, stdio: 'pipe', env });
  installed = join(folder, 'node_modules/article-analyzer');
  return new Promise((done) => {
    const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
    server = createServer((request, response) => {
      const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
      requests.push(path);
      // /npm/NAME/...: the prosemirror-* packages of this folder (the CMS's own editor); /cdn/...:
      // the installed package again, as a CDN would serve it.
      const file = path.startsWith('/npm/') ? join(here, 'node_modules', path.slice(5))
        : path.startsWith('/cdn/') ? join(installed, path.slice(5)) : join(folder, path);
      if (!file.startsWith(folder) && !file.startsWith(join(here, 'node_modules')) || !existsSync(file) || !statSync(file).isFile()) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'max-age=3600' });
      response.end(readFileSync(file));
    });
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${server.address().port}`;
      done();
    });
  });
});

after(() => {
  server?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const manifest = () => JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));

/** Runs `code` as an ES module in Node from the install folder; resolves to what it prints, as JSON. */
function inNode(code) {
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: folder, encoding: 'utf8' }));
}

test('the tarball installs offline with its name, version, licence, README, types and integrity hashes', () => {
  const pkg = manifest();
  const cargo = readFileSync(join(repo, 'Cargo.toml'), 'utf8').match(/^version = "(.+)"$/m)[1];
  assert.equal(pkg.name, 'article-analyzer');
  assert.equal(pkg.version, cargo);
  assert.equal(pkg.license, 'MIT');
  assert.equal(pkg.dependencies, undefined, 'no dependencies');
  assert.deepEqual(Object.keys(pkg.exports).filter((key) => !/\.\w+$/.test(key) || key === './style.css'),
    ['.', './worker', './highlight', './prosemirror', './element', './element-inline', './text-reader', './style.css']);
  for (const [key, target] of Object.entries(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(existsSync(join(installed, file)), `${key}: ${file} is in the package`);
    }
  }
  for (const entry of ['.', './worker', './highlight', './prosemirror', './element']) {
    assert.match(pkg.exports[entry].types, /\.d\.ts$/, `${entry} has types`);
  }
  assert.match(readFileSync(join(installed, 'LICENSE'), 'utf8'), /^MIT License/);
  assert.match(readFileSync(join(installed, 'README.md'), 'utf8'), /import \{ highlight \} from 'article-analyzer\/highlight'/);
  // Every file but integrity.json itself has its hash there, equal to the installed file's.
  const integrity = JSON.parse(readFileSync(join(installed, 'integrity.json'), 'utf8'));
  const files = readdirSync(installed).filter((file) => file !== 'integrity.json').sort();
  assert.deepEqual(Object.keys(integrity).sort(), files);
  for (const file of files) {
    const hash = `sha384-${createHash('sha384').update(readFileSync(join(installed, file))).digest('base64')}`;
    assert.equal(integrity[file], hash, file);
  }
});

test('in Node: "." analyses as the CLI does; the browser entries import, or fail saying why', () => {
  const result = inNode(`
    import init, { analyze, Analyzer, labels } from 'article-analyzer';
    import { highlight, LABELS } from 'article-analyzer/highlight';
    import * as worker from 'article-analyzer/worker';
    const failure = (promise) => promise.then(() => 'imported', (error) => error.message);
    await init();
    const text = ${JSON.stringify(TEXT)};
    const custom = new Analyzer([{ name: 'Nordvik', label: 'ORG', aliases: ['Satya Nadella'] }]).analyze(text);
    console.log(JSON.stringify({
      analysis: analyze(text), custom: custom.entities.find((e) => e.text === 'Satya Nadella'), labels: labels(),
      highlight: typeof highlight, LABELS,
      worker: await failure(worker.analyze(text)),
      element: await failure(import('article-analyzer/element')),
      prosemirror: await failure(import('article-analyzer/prosemirror')),
      style: import.meta.resolve('article-analyzer/style.css'),
    }));`);
  assert.deepEqual(result.analysis, cli(TEXT));
  assert.ok(result.analysis.entities.length >= 6, `${result.analysis.entities.length} entities`);
  assert.equal(result.custom.label, 'ORG');
  assert.deepEqual(result.LABELS, result.labels);
  assert.equal(result.highlight, 'function');
  assert.match(result.worker, /Web Worker.*import 'article-analyzer'/);
  assert.match(result.element, /needs a browser/);
  assert.match(result.prosemirror, /prosemirror-state/);
  assert.ok(existsSync(fileURLToPath(result.style)), result.style);
});

/** The installed package's exports as an import map for a browser (the `default` condition). */
function importMap() {
  const imports = prosemirrorImports('/npm/');
  for (const [key, target] of Object.entries(manifest().exports)) {
    const file = typeof target === 'string' ? target : target.default;
    if (/\.js$/.test(file)) imports[`article-analyzer${key.slice(1)}`] = `/node_modules/article-analyzer/${file.slice(2)}`;
  }
  return { imports };
}

test('in Chromium through an import map: every entry analyses, highlights or renders with no options', async () => {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>package test</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/node_modules/article-analyzer/style.css">
<script type="importmap">${JSON.stringify(importMap())}</script></head><body>
<div id="editor" contenteditable="true">${ARTICLE}</div>
<div id="rendered"></div>
<div id="pm"></div>
<article-analyzer id="element"></article-analyzer>
</body></html>`;
  writeFileSync(join(folder, 'index.html'), page);
  const { page: tab, problems } = await newPage();
  await tab.goto(`${origin}/index.html`);
  const text = TEXT;
  const seen = await tab.evaluate(async (text) => {
    const root = await import('article-analyzer');
    await root.default();
    const analysis = root.analyze(text);
    root.renderAnalysis(document.getElementById('rendered'), text, analysis);
    const mark = document.querySelector('#rendered mark[data-label="PERSON"]');

    const inWorker = await (await import('article-analyzer/worker')).analyze(text);

    const { highlight } = await import('article-analyzer/highlight');
    const editor = document.getElementById('editor');
    const controller = highlight(editor);
    await new Promise((resolve) => controller.addEventListener('analyzed', resolve, { once: true }));
    const painted = [];
    for (const [name, registered] of CSS.highlights) {
      for (const range of registered) painted.push([name, range.toString()]);
    }

    const { EditorState } = await import('prosemirror-state');
    const { EditorView } = await import('prosemirror-view');
    const { DOMParser } = await import('prosemirror-model');
    const { schema } = await import('prosemirror-schema-basic');
    const { analyzerPlugin, analysisOf, analyzerKey } = await import('article-analyzer/prosemirror');
    const source = document.createElement('div');
    source.append(...editor.cloneNode(true).childNodes);
    const view = await new Promise((resolve, reject) => {
      const plugin = analyzerPlugin({ analyzed: (_, v) => resolve(v), error: reject });
      // eslint-disable-next-line no-new
      new EditorView(document.getElementById('pm'), { state: EditorState.create({ doc: DOMParser.fromSchema(schema).parse(source), plugins: [plugin] }) });
    });
    const decorated = analyzerKey.getState(view.state).decorations.find().sort((a, b) => a.from - b.from)
      .map(({ from, to }) => view.state.doc.textBetween(from, to));
    const drawn = view.dom.querySelectorAll('.article-analyzer-entity').length;

    await import('article-analyzer/element');
    const element = document.getElementById('element');
    const rendered = new Promise((resolve) => element.addEventListener('analyzed', ({ detail }) => resolve(detail), { once: true }));
    element.text = text;
    const elementAnalysis = await rendered;

    return {
      analysis, markColour: getComputedStyle(mark).backgroundColor, inWorker,
      highlighted: { text: controller.analysis.text, entities: controller.analysis.entities.map((e) => [e.label, e.text]), painted },
      prosemirror: { text: analysisOf(view.state).text, entities: analysisOf(view.state).entities.map((e) => e.text), decorated, drawn },
      element: { analysis: elementAnalysis, marks: element.shadowRoot.querySelectorAll('mark').length },
    };
  }, text);
  const expected = cli(text);
  assert.deepEqual(seen.analysis, expected, '"." analyses as the CLI');
  assert.notEqual(seen.markColour, 'rgba(0, 0, 0, 0)', 'style.css colours the marks');
  const { text: inWorkerText, ...inWorker } = seen.inWorker;
  assert.equal(inWorkerText, text);
  assert.deepEqual(inWorker, expected, 'the worker analyses as the CLI');

  const editorExpected = cli(seen.highlighted.text);
  assert.deepEqual(seen.highlighted.entities, editorExpected.entities.map((e) => [e.label, e.text]));
  assert.deepEqual(seen.highlighted.painted.sort(), editorExpected.entities.map((e) => [`article-analyzer-${e.label}`, e.text]).sort(),
    'one painted range per entity, with its text');
  assert.ok(seen.highlighted.painted.length >= 6, `${seen.highlighted.painted.length} ranges painted`);

  assert.deepEqual(seen.prosemirror.entities, cli(seen.prosemirror.text).entities.map((e) => e.text));
  assert.deepEqual(seen.prosemirror.decorated, seen.prosemirror.entities, 'one decoration per entity, with its text');
  assert.ok(seen.prosemirror.drawn >= seen.prosemirror.entities.length, 'the decorations are drawn');

  assert.deepEqual(seen.element.analysis, expected, 'the element analyses as the CLI');
  assert.equal(seen.element.marks, expected.entities.length);

  // One wasm file, at its fixed name, for every entry (so a browser caches it once).
  const wasm = new Set(requests.filter((path) => path.endsWith('.wasm')));
  assert.deepEqual([...wasm], ['/node_modules/article-analyzer/article_analyzer_bg.wasm']);

  // The integrity hashes hold in the browser: a fetch with the right one loads, a wrong one is refused.
  const integrity = JSON.parse(readFileSync(join(installed, 'integrity.json'), 'utf8'));
  const checked = await tab.evaluate(async (integrity) => {
    const results = {};
    for (const [file, hash] of Object.entries(integrity)) {
      results[file] = await fetch(`/node_modules/article-analyzer/${file}`, { integrity: hash }).then(() => 'ok', (e) => e.message);
    }
    results.wrong = await fetch('/node_modules/article-analyzer/highlight.js', { integrity: integrity['worker.js'] }).then(() => 'ok', () => 'refused');
    return results;
  }, integrity);
  const { wrong, ...files } = checked;
  assert.deepEqual(Object.values(files).filter((result) => result !== 'ok'), []);
  assert.equal(wrong, 'refused');
  // The refused fetch logs an error; nothing else may.
  assert.deepEqual(problems.filter((problem) => !problem.includes('integrity')), []);
});

test('in Chromium: the wasm comes from the URL a CMS gives (a CDN path) to highlight, the worker entry and the element', async () => {
  writeFileSync(join(folder, 'cdn.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cdn test</title>
<link rel="icon" href="data:,"><script type="importmap">${JSON.stringify(importMap())}</script></head><body>
<div id="editor" contenteditable="true">${ARTICLE}</div></body></html>`);
  const { page, problems } = await newPage();
  const wasmRequests = [];
  page.on('request', (request) => request.url().endsWith('.wasm') && wasmRequests.push(new URL(request.url()).pathname));
  await page.goto(`${origin}/cdn.html`);
  const seen = await page.evaluate(async (text) => {
    const wasm = new URL('/cdn/article_analyzer_bg.wasm', location.href).href;
    const { highlight } = await import('article-analyzer/highlight');
    const controller = highlight(document.getElementById('editor'), { wasm });
    await new Promise((resolve) => controller.addEventListener('analyzed', resolve, { once: true }));
    const inWorker = await (await import('article-analyzer/worker')).analyze(text, { wasm });
    // Before the first element connects, as element.d.ts says.
    const { setWasm } = await import('article-analyzer/element');
    setWasm(wasm);
    const element = document.body.appendChild(document.createElement('article-analyzer'));
    const rendered = new Promise((resolve) => element.addEventListener('analyzed', ({ detail }) => resolve(detail), { once: true }));
    element.text = text;
    return {
      read: controller.analysis.text, highlighted: controller.analysis.entities.length,
      inWorker: inWorker.entities.length, element: (await rendered).entities.length,
    };
  }, TEXT);
  const expected = cli(TEXT).entities.length;
  assert.equal(seen.highlighted, cli(seen.read).entities.length);
  assert.ok(seen.highlighted >= 6, `${seen.highlighted} entities highlighted`);
  assert.equal(seen.inWorker, expected);
  assert.equal(seen.element, expected);
  assert.deepEqual([...new Set(wasmRequests)], ['/cdn/article_analyzer_bg.wasm']);
  assert.deepEqual(problems, []);
});
