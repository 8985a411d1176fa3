//! Custom entities: a newsroom's own people, companies and places, supplied at run time.
//!
//! Each [`CustomEntity`] has a canonical name, a label and optional aliases. The [`Gazetteer`]
//! built from them finds their mentions with these semantics:
//!
//! - **Token boundaries.** Names are tokenized like the text, and a mention is a run of whole
//!   tokens: "Meta" never matches inside "Metaverse" or "Meta-owned". A possessive "'s" is its own
//!   token, so "OpenAI's" yields the mention "OpenAI". Where the name has a space the text needs
//!   whitespace (not a blank line), and where it has none the text has none.
//! - **Leftmost-longest.** Scanning left to right, the first position where some name matches wins,
//!   and there the longest name wins: with "Microsoft" and "Microsoft 365 Copilot" both listed,
//!   "Microsoft 365 Copilot" is one mention. This is the usual choice for dictionaries of names
//!   (as aho-corasick's `MatchKind::LeftmostLongest`).
//! - **Case.** Matching is case-sensitive, with two allowances for a name that is not all capitals:
//!   its first letter may be capitalized ("bitcoin" matches "Bitcoin" at a sentence's start), and
//!   it may be written all in capitals as in a headline ("OpenAI" matches "OPENAI"). An all-caps
//!   name or alias ("IBM", "US") matches only exactly, so "US" never matches "us". Curly and
//!   straight apostrophes are the same.
//! - **Conflicts.** When two entities share a name or alias, the first in the list wins; an exact
//!   spelling wins over a case allowance of another entity.
//!
//! Lookup is by first token in a hash map, then comparing the candidates (longest first) token by
//! token, so the cost per token is independent of how many thousands of names there are.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{canonical_text, Entity, Label};
use crate::span::Span;
use crate::token::{tokenize, Gap, Token};

/// An entity supplied at run time: its canonical name, its label and other names it goes by.
///
/// Deserializes from `{"name": "OpenAI", "label": "ORG", "aliases": ["Open AI"]}` (`aliases` may be
/// omitted). Every mention of the name or an alias is tagged with `label`, and the mentions group
/// under `name` in [`Analysis::groups`](crate::Analysis::groups).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct CustomEntity {
    /// The canonical name, also matched in the text.
    pub name: String,
    /// The label of every mention.
    pub label: Label,
    /// Other spellings matched in the text ("Open AI", "the ChatGPT maker").
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// One spelling of a custom entity, as tokens.
#[derive(Clone, Debug)]
struct Pattern {
    /// Token texts with curly apostrophes made straight.
    tokens: Vec<String>,
    /// For each token after the first, whether whitespace precedes it.
    spaced: Vec<bool>,
    /// Index of its entity in [`Gazetteer::entities`].
    entity: usize,
}

/// Custom entities compiled for matching; see the [module docs](self) for the semantics.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    entities: Vec<CustomEntity>,
    /// Patterns by their first token, longest first, then in priority order.
    by_first: HashMap<String, Vec<Pattern>>,
    /// Entity index by (canonical text of a spelling, label), for grouping mentions under names.
    names: HashMap<(String, Label), usize>,
}

/// "’" -> "'", borrowing when there is nothing to replace.
fn straight(text: &str) -> Cow<'_, str> {
    if text.contains('’') {
        Cow::Owned(text.replace('’', "'"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The spellings matched for `name`: itself, then its case allowances (see the module docs).
fn spellings(name: &str) -> Vec<String> {
    let mut spellings = vec![name.to_string()];
    let has_lower = name.chars().any(char::is_lowercase);
    if has_lower {
        let mut chars = name.chars();
        if let Some(first) = chars.next().filter(|c| c.is_lowercase()) {
            spellings.push(first.to_uppercase().chain(chars).collect());
        }
        spellings.push(name.to_uppercase());
    }
    spellings
}

impl Gazetteer {
    /// Compiles `entities`; names and aliases that contain no token are ignored.
    pub fn new(entities: Vec<CustomEntity>) -> Gazetteer {
        let mut by_first: HashMap<String, Vec<Pattern>> = HashMap::new();
        let mut names = HashMap::new();
        let mut seen = HashSet::new();
        // Exact spellings of every entity first, then the case allowances, so that an exact
        // spelling always has priority.
        for allowance in [false, true] {
            for (index, entity) in entities.iter().enumerate() {
                for name in std::iter::once(&entity.name).chain(&entity.aliases) {
                    let all = spellings(name);
                    let chosen = if allowance { &all[1..] } else { &all[..1] };
                    for spelling in chosen {
                        let tokens = tokenize(spelling);
                        let Some(first) = tokens.first() else { continue };
                        let texts: Vec<String> =
                            tokens.iter().map(|t| straight(t.text(spelling)).into_owned()).collect();
                        let spaced: Vec<bool> = tokens[1..].iter().map(|t| t.gap != Gap::None).collect();
                        if !seen.insert((texts.clone(), spaced.clone())) {
                            continue;
                        }
                        names.entry((canonical_text(spelling).into_owned(), entity.label)).or_insert(index);
                        let key = straight(first.text(spelling)).into_owned();
                        by_first.entry(key).or_default().push(Pattern {
                            tokens: texts,
                            spaced,
                            entity: index,
                        });
                    }
                }
            }
        }
        for patterns in by_first.values_mut() {
            // Stable: equal lengths keep their priority order.
            patterns.sort_by_key(|p| std::cmp::Reverse(p.tokens.len()));
        }
        Gazetteer { entities, by_first, names }
    }

    /// The mentions of the custom entities in `text`, given its tokens: in order, non-overlapping.
    pub fn find(&self, text: &str, tokens: &[Token]) -> Vec<Entity> {
        let mut found = Vec::new();
        if self.by_first.is_empty() {
            return found;
        }
        let mut i = 0;
        while i < tokens.len() {
            let first = straight(tokens[i].text(text));
            let matched = self
                .by_first
                .get(first.as_ref())
                .and_then(|patterns| patterns.iter().find(|p| matches_at(p, text, tokens, i)));
            match matched {
                Some(pattern) => {
                    let end = i + pattern.tokens.len();
                    let span = Span::new(tokens[i].start, tokens[end - 1].end);
                    let label = self.entities[pattern.entity].label;
                    found.push(Entity { span, label, text: span.slice(text).to_string() });
                    i = end;
                }
                None => i += 1,
            }
        }
        found
    }

    /// The canonical name of the custom entity that a mention with this canonical text and label
    /// spells, if any.
    pub fn name_of(&self, canonical: &str, label: Label) -> Option<&str> {
        // The key is an owned (String, Label) pair: skip building it when there are no names.
        if self.names.is_empty() {
            return None;
        }
        self.names.get(&(canonical.to_string(), label)).map(|&index| self.entities[index].name.as_str())
    }
}

/// Whether `pattern` matches the tokens of `text` from token `i` (whose first token already matches).
fn matches_at(pattern: &Pattern, text: &str, tokens: &[Token], i: usize) -> bool {
    let Some(candidates) = tokens.get(i..i + pattern.tokens.len()) else { return false };
    candidates.iter().zip(&pattern.tokens).zip(std::iter::once(&true).chain(&pattern.spaced)).skip(1).all(
        |((token, expected), &spaced)| {
            (token.gap != Gap::None) == spaced
                && token.gap != Gap::BlankLine
                && straight(token.text(text)) == expected.as_str()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::tests::pairs;

    fn entity(name: &str, label: Label, aliases: &[&str]) -> CustomEntity {
        CustomEntity { name: name.into(), label, aliases: aliases.iter().map(|a| a.to_string()).collect() }
    }

    fn found(gazetteer: &Gazetteer, text: &str) -> Vec<(String, Label)> {
        gazetteer.find(text, &tokenize(text)).into_iter().map(|e| (e.text, e.label)).collect()
    }

    #[test]
    fn matches_names_and_aliases_on_token_boundaries() {
        let g = Gazetteer::new(vec![entity("Meta", Label::Org, &["Meta Platforms", "Facebook"])]);
        assert_eq!(
            found(&g, "Meta Platforms, formerly Facebook, runs the Metaverse; Meta-owned apps and Meta's."),
            pairs(&[("Meta Platforms", Label::Org), ("Facebook", Label::Org), ("Meta", Label::Org)])
        );
    }

    #[test]
    fn leftmost_longest_wins() {
        let g = Gazetteer::new(vec![
            entity("Microsoft", Label::Org, &[]),
            entity("Microsoft 365 Copilot", Label::Misc, &[]),
            entity("365 Copilot Chat", Label::Misc, &[]),
        ]);
        assert_eq!(
            found(&g, "Microsoft 365 Copilot Chat and Microsoft 365."),
            pairs(&[("Microsoft 365 Copilot", Label::Misc), ("Microsoft", Label::Org)])
        );
    }

    #[test]
    fn case_allowances_and_all_caps_names() {
        let g = Gazetteer::new(vec![
            entity("OpenAI", Label::Org, &[]),
            entity("bitcoin", Label::Misc, &[]),
            entity("US", Label::Loc, &[]),
        ]);
        assert_eq!(
            found(&g, "OPENAI and Openai. Bitcoin, bitcoin, BITCOIN; US, us, Us."),
            pairs(&[
                ("OPENAI", Label::Org),
                ("Bitcoin", Label::Misc),
                ("bitcoin", Label::Misc),
                ("BITCOIN", Label::Misc),
                ("US", Label::Loc),
            ])
        );
    }

    #[test]
    fn spacing_and_apostrophes_must_agree() {
        let g = Gazetteer::new(vec![entity("AT&T", Label::Org, &[]), entity("McDonald's", Label::Org, &[])]);
        assert_eq!(
            found(&g, "AT & T, AT&T, McDonald’s and McDonald's"),
            pairs(&[("AT&T", Label::Org), ("McDonald’s", Label::Org), ("McDonald's", Label::Org)])
        );
    }

    #[test]
    fn first_entity_wins_a_shared_spelling() {
        let g =
            Gazetteer::new(vec![entity("Apple", Label::Org, &[]), entity("apple", Label::Misc, &["Apple"])]);
        assert_eq!(found(&g, "Apple and apple"), pairs(&[("Apple", Label::Org), ("apple", Label::Misc)]));
    }

    #[test]
    fn names_without_tokens_are_ignored() {
        let g = Gazetteer::new(vec![entity("  ", Label::Org, &[""])]);
        assert!(found(&g, "  text  ").is_empty());
    }

    #[test]
    fn aliases_map_to_the_canonical_name() {
        let g = Gazetteer::new(vec![entity("OpenAI", Label::Org, &["Open AI"])]);
        assert_eq!(g.name_of("Open AI", Label::Org), Some("OpenAI"));
        assert_eq!(g.name_of("OPEN AI", Label::Org), Some("OpenAI"));
        assert_eq!(g.name_of("Open AI", Label::Misc), None);
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn deserializes_with_optional_aliases() {
        let parsed: Vec<CustomEntity> =
            serde_json::from_str(r#"[{"name":"OpenAI","label":"ORG"},{"name":"Sam Altman","label":"PERSON","aliases":["Altman"]}]"#)
                .unwrap();
        assert_eq!(
            parsed,
            [entity("OpenAI", Label::Org, &[]), entity("Sam Altman", Label::Person, &["Altman"])]
        );
    }
}
