// The entities of an analysis as schema.org JSON-LD, for a CMS or a search engine: a NewsArticle
// `about` its three most salient named entities, which `mentions` the other named ones. The same
// object as the CLI's `--jsonld` and the wasm `toJsonLd` (src/jsonld.rs), as a test checks; plain
// JavaScript over an analysis (from `analyze`, the worker, the CLI's JSON), no wasm needed.

/** How many entities a story is about (`salience::ABOUT` in src/salience.rs). */
export const ABOUT = 3;

/** The schema.org type of each named label; other labels (dates, amounts) are left out. */
const TYPES = { PERSON: 'Person', ORG: 'Organization', LOC: 'Place', MISC: 'Thing' };

/**
 * `analysis` (anything with `groups` as `analyze` returns them) as a schema.org NewsArticle:
 * `{"@context", "@type", headline?, url?, about, mentions}`, each entity `{"@type", name, sameAs?}`
 * (`sameAs`: the `url` of a custom entity). Entities are in order of salience, highest first, equal
 * ones in order of first mention; `about` holds the first ABOUT.
 */
export function toJsonLd(analysis, { headline, url } = {}) {
  const named = analysis.groups
    .map((group, index) => ({ group, index }))
    .filter(({ group }) => Object.hasOwn(TYPES, group.label));
  named.sort((a, b) => b.group.salience - a.group.salience || a.index - b.index);
  const things = named.map(({ group }) => ({
    '@type': TYPES[group.label],
    name: group.text,
    ...(group.url === undefined || group.url === null ? {} : { sameAs: group.url }),
  }));
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    ...(headline === undefined || headline === null ? {} : { headline: String(headline) }),
    ...(url === undefined || url === null ? {} : { url: String(url) }),
    about: things.slice(0, ABOUT),
    mentions: things.slice(ABOUT),
  };
}
