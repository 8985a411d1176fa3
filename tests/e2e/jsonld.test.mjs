// The JSON-LD export: `toJsonLd` of www/jsonld.js gives, for the CLI's analysis of a text, the very
// line the CLI's `--jsonld` writes for that text, and a JSON-LD processor (the `jsonld` package,
// offline: the schema.org context is embedded below) reads it as a schema.org NewsArticle with typed,
// named entities. Needs the CLI only (E2E_CLI, or target/release/article-analyzer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonld from 'jsonld';
import { toJsonLd, ABOUT } from '../../www/jsonld.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = process.env.E2E_CLI ?? join(repo, 'target/release/article-analyzer');
const FIXTURES = join(repo, 'tests/fixtures/python');
const ENTITIES = join(FIXTURES, 'entities.json');
const SAMPLE = join(repo, 'www/sample.txt');

/** The CLI's output line for `text` with `args`, parsed and raw. */
function run(args, text) {
  const line = execFileSync(CLI, ['--entities', ENTITIES, ...args, '-'], { input: text, encoding: 'utf8' });
  return { line: line.replace(/\n$/, ''), value: JSON.parse(line) };
}

/**
 * The part of schema.org's JSON-LD context (https://schema.org/docs/jsonldcontext.jsonld) that our
 * output uses: its vocabulary, and the two properties it types as IRIs.
 */
const SCHEMA_CONTEXT = {
  '@context': {
    '@vocab': 'http://schema.org/',
    schema: 'http://schema.org/',
    sameAs: { '@id': 'schema:sameAs', '@type': '@id' },
    url: { '@id': 'schema:url', '@type': '@id' },
  },
};

/** The URLs the processor asked for. */
const requested = [];

/** Serves the embedded context for schema.org and refuses every other URL: no network. */
async function documentLoader(url) {
  requested.push(url);
  if (url === 'https://schema.org' || url === 'https://schema.org/') {
    return { contextUrl: null, documentUrl: url, document: SCHEMA_CONTEXT };
  }
  throw new Error(`no network in tests: ${url}`);
}

const texts = {
  'sample.txt': readFileSync(SAMPLE, 'utf8'),
  'edges.txt': readFileSync(join(FIXTURES, 'edges.txt'), 'utf8'),
  'unicode.txt': readFileSync(join(FIXTURES, 'unicode.txt'), 'utf8'),
  'OpenAI story': 'OpenAI signs deal\n\nOpen AI said on Monday that Microsoft would invest $10 billion. '
    + 'Sam Altman met Satya Nadella in Redmond. Nadella praised the ChatGPT maker.',
};

test('toJsonLd of the CLI analysis is the CLI --jsonld line, byte for byte', () => {
  for (const [name, text] of Object.entries(texts)) {
    const options = { headline: `Headline of ${name}`, url: 'https://news.example/a?b=1&c="d"' };
    const cli = run(['--jsonld', '--headline', options.headline, '--url', options.url], text);
    const analysis = run([], text).value;
    assert.equal(JSON.stringify(toJsonLd(analysis, options)), cli.line, name);
    assert.equal(JSON.stringify(toJsonLd(analysis)), run(['--jsonld'], text).line, name);
  }
});

test('about holds the most salient named entities, mentions the rest, with sameAs from a custom url', () => {
  const analysis = run([], texts['OpenAI story']).value;
  const article = toJsonLd(analysis);
  const named = analysis.groups.filter((g) => ['PERSON', 'ORG', 'LOC', 'MISC'].includes(g.label));
  assert.equal(article.about.length, Math.min(ABOUT, named.length));
  assert.equal(article.about.length + article.mentions.length, named.length);
  const top = Math.max(...named.map((g) => g.salience));
  const first = named.find((g) => g.salience === top);
  assert.equal(article.about[0].name, first.text);
  const openai = [...article.about, ...article.mentions].find((t) => t.name === 'OpenAI');
  assert.deepEqual(openai, { '@type': 'Organization', name: 'OpenAI', sameAs: 'https://openai.com' });
  const saliences = [...article.about, ...article.mentions].map((t) => named.find((g) => g.text === t.name).salience);
  assert.deepEqual(saliences, [...saliences].sort((a, b) => b - a));
  assert.ok(!article.mentions.some((t) => /\$|Monday/.test(t.name)), 'no dates or amounts');
});

test('a JSON-LD processor reads it as a schema.org NewsArticle with typed, named entities (offline)', async () => {
  const cli = run(['--jsonld', '--headline', 'OpenAI signs deal', '--url', 'https://news.example/openai'],
    texts['OpenAI story']).value;
  const [expanded, ...rest] = await jsonld.expand(cli, { documentLoader });
  assert.equal(rest.length, 0);
  const S = 'http://schema.org/';
  assert.deepEqual(expanded['@type'], [`${S}NewsArticle`]);
  assert.deepEqual(expanded[`${S}headline`], [{ '@value': 'OpenAI signs deal' }]);
  assert.deepEqual(expanded[`${S}url`], [{ '@id': 'https://news.example/openai' }]);
  const read = (things) => things.map((thing) => ({
    type: thing['@type'][0].slice(S.length),
    name: thing[`${S}name`][0]['@value'],
    sameAs: thing[`${S}sameAs`]?.[0]['@id'],
  }));
  const about = read(expanded[`${S}about`]);
  const mentions = read(expanded[`${S}mentions`] ?? []);
  const expected = (things) => things.map((t) => ({ type: t['@type'], name: t.name, sameAs: t.sameAs }));
  assert.deepEqual(about, expected(cli.about));
  assert.deepEqual(mentions, expected(cli.mentions));
  const all = [...about, ...mentions];
  assert.ok(all.some((t) => t.type === 'Organization' && t.name === 'OpenAI' && t.sameAs === 'https://openai.com'), JSON.stringify(all));
  assert.ok(all.some((t) => t.type === 'Person' && t.name === 'Satya Nadella'), JSON.stringify(all));
  assert.ok(all.some((t) => t.type === 'Place' && t.name === 'Redmond'), JSON.stringify(all));
  assert.deepEqual([...new Set(requested)], ['https://schema.org']);
  // Any other context is refused, not fetched.
  await assert.rejects(jsonld.expand({ '@context': 'https://example.org/ctx', name: 'x' }, { documentLoader }));
  assert.equal(requested.at(-1), 'https://example.org/ctx');
});
