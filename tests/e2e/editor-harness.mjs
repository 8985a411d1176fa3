// What the tests of the editor modules (highlight.test.mjs, prosemirror.test.mjs) share: the
// environment `cargo xtask test` sets, the analyzer's files in dist/, one Chromium for a file's
// tests, a test page served by the test itself (page.route) with what went wrong on it, and the
// CLI's analysis to compare with.
import { after, before } from 'node:test';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
export const BASE = process.env.E2E_BASE_URL;
const DIST = process.env.E2E_DIST ?? join(repo, 'dist');
const CLI = process.env.E2E_CLI ?? join(repo, 'target/release/article-analyzer');
if (!BASE) throw new Error('set E2E_BASE_URL to a server of dist/ (cargo xtask serve), or run cargo xtask test');

/** Where the analyzer is in dist/ (content-hashed names): the options `highlight` and the plugin take. */
const file = (pattern) => readdirSync(DIST).find((name) => pattern.test(name));
export const ANALYZER = {
  worker: file(/^worker\.[0-9a-f]{10}\.js$/), glue: file(/^analyzer\.[0-9a-f]{10}\.js$/), wasm: file(/^analyzer_bg\.[0-9a-f]{10}\.wasm$/),
};

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
});

/** A new page in its own context, with `problems`: console errors, uncaught errors, failed requests. */
export async function newPage() {
  const page = await (await browser.newContext()).newPage();
  const problems = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`error: ${error.message}`));
  page.on('response', (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()} ${response.url()}`));
  return { page, problems };
}

/**
 * Opens `name` (served beside dist/'s files with the HTML `body`, after `routes(page)` has added any
 * other route), with `problems` as `newPage` gives them.
 */
export async function openTestPage(name, body, routes = async () => {}) {
  const { page, problems } = await newPage();
  await page.route(`**/${name}`, (route) => route.fulfill({ contentType: 'text/html', body }));
  await routes(page);
  await page.goto(new URL(name, BASE).href);
  return { page, problems };
}

/** Serves this folder's node_modules to `page` under any `.../npm/` path (scripts and style sheets). */
export function routeNodeModules(page) {
  return page.route('**/npm/**', (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^.*\/npm\//, '');
    const contentType = path.endsWith('.css') ? 'text/css' : 'text/javascript';
    route.fulfill({ contentType, body: readFileSync(join(here, 'node_modules', path)) });
  });
}

/** The prosemirror-* packages of this folder and their dependencies, which the editor tests use. */
export const PROSEMIRROR_PACKAGES = ['prosemirror-state', 'prosemirror-view', 'prosemirror-model', 'prosemirror-transform',
  'prosemirror-schema-basic', 'prosemirror-history', 'prosemirror-keymap', 'orderedmap', 'rope-sequence', 'w3c-keyname'];

/** An import map's `imports` for PROSEMIRROR_PACKAGES: bare specifier -> `${prefix}NAME/ESM-ENTRY`. */
export function prosemirrorImports(prefix) {
  return Object.fromEntries(PROSEMIRROR_PACKAGES.map((name) => {
    const { module, exports } = JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8'));
    const entry = exports?.['.']?.import ?? module ?? 'index.js';
    return [name, `${prefix}${name}/${entry.replace(/^\.\//, '')}`];
  }));
}

/** The CLI's analysis of `text`. */
export function cli(text) {
  return JSON.parse(execFileSync(CLI, ['-'], { input: text, encoding: 'utf8' }));
}
