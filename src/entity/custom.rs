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
//! - **Length.** A name or alias has at most [`MAX_NAME_TOKENS`] tokens; a longer one is an error.
//!
//! Spellings are paths in a trie of tokens, so matching reads each token of the text at most
//! [`MAX_NAME_TOKENS`] times, however many names there are and however many share a first word.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::features::WordHashes;
use super::group::straight;
use super::{canonical_text, Entity, Label};
use crate::document::Document;
use crate::token::{tokenize_into, Gap, Token};

/// An entity supplied at run time: its canonical name, its label and other names it goes by.
///
/// Deserializes from `{"name": "OpenAI", "label": "ORG", "aliases": ["Open AI"], "url":
/// "https://openai.com"}` (`aliases` and `url` may be omitted; another field is an error, and so is
/// anything but an object). Every mention of the name or an alias is tagged with `label`, and the
/// mentions group under `name` in [`Analysis::groups`](crate::Analysis::groups), with `url`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct CustomEntity {
    /// The canonical name, also matched in the text.
    pub name: String,
    /// The label of every mention.
    pub label: Label,
    /// Other spellings matched in the text ("Open AI", "the ChatGPT maker").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A web address that identifies it (its site, its Wikipedia or Wikidata page): the group's
    /// [`url`](crate::EntityGroup::url) and its `sameAs` in JSON-LD. Not serialized when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Only an object is a custom entity: serde's derived code would also take the fields in order from
/// an array (`["OpenAI", "ORG"]`), a form nobody means to write.
impl<'de> Deserialize<'de> for CustomEntity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<CustomEntity, D::Error> {
        struct ObjectOnly;
        impl<'de> serde::de::Visitor<'de> for ObjectOnly {
            type Value = CustomEntity;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object {name, label, aliases, url}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<CustomEntity, A::Error> {
                CustomEntity::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer.deserialize_map(ObjectOnly)
    }
}

impl Serialize for CustomEntity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CustomEntity::serialize(self, serializer)
    }
}

/// The most tokens a name or alias may have: matching reads at most this many tokens from each
/// position of a text, so it stays linear in the text whatever the names are.
pub const MAX_NAME_TOKENS: usize = 64;

/// Why custom entities were refused.
///
/// Opaque: [`Display`](std::fmt::Display) says which entity and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomEntityError {
    /// The index of the entity in the list given.
    entity: usize,
    /// The start of the offending name or alias, for the message.
    name: String,
    tokens: usize,
}

impl std::fmt::Display for CustomEntityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: String = self.name.chars().take(40).collect();
        let ellipsis = if shown.len() < self.name.len() { "…" } else { "" };
        write!(
            f,
            "custom entity {}: the name or alias {shown:?}{ellipsis} has {} tokens, at most {MAX_NAME_TOKENS} are allowed",
            self.entity, self.tokens
        )
    }
}

impl std::error::Error for CustomEntityError {}

/// A node of the [`Gazetteer`]'s trie of spellings.
type Node = u32;

/// An edge of the trie: from a node, the next token (as its number in [`Gazetteer::token_numbers`])
/// and whether whitespace precedes it (never for a spelling's first token).
type Edge = (Node, u32, bool);

/// Custom entities compiled for matching; see the [module docs](self) for the semantics.
///
/// Every spelling is a path of tokens in a trie, so that a text is matched token by token,
/// reading at most [`MAX_NAME_TOKENS`] tokens from each position, however many names there are.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    entities: Vec<CustomEntity>,
    /// Each distinct token text of a spelling (curly apostrophes made straight) and its number.
    token_numbers: HashMap<Box<str>, u32, WordHashes>,
    /// The trie's edges; the root is node 0.
    children: HashMap<Edge, Node, WordHashes>,
    /// Per node, the entity whose spelling ends there, if any: the first entity to claim it.
    ends: Vec<Option<u32>>,
    /// Entity index by (canonical text of a spelling, label), for grouping mentions under names.
    names: HashMap<(String, Label), usize, WordHashes>,
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
    /// Compiles `entities`; names and aliases that contain no token are ignored. Fails on a name
    /// or alias of more than [`MAX_NAME_TOKENS`] tokens.
    pub fn new(entities: Vec<CustomEntity>) -> Result<Gazetteer, CustomEntityError> {
        let mut gazetteer = Gazetteer { ends: vec![None], ..Gazetteer::default() };
        // Room for a few tokens a spelling up front: a list of a hundred thousand names would
        // otherwise rehash its maps again and again.
        let names: usize = entities.iter().map(|e| 1 + e.aliases.len()).sum();
        gazetteer.children.reserve(4 * names);
        gazetteer.ends.reserve(4 * names);
        gazetteer.names.reserve(2 * names);
        let mut tokens = Vec::new();
        // Exact spellings of every entity first, then the case allowances, so that an exact
        // spelling always has priority.
        for allowance in [false, true] {
            for (index, entity) in entities.iter().enumerate() {
                for name in std::iter::once(&entity.name).chain(&entity.aliases) {
                    let all = spellings(name);
                    let chosen = if allowance { &all[1..] } else { &all[..1] };
                    for spelling in chosen {
                        tokenize_into(spelling, &mut tokens);
                        if tokens.len() > MAX_NAME_TOKENS {
                            let (name, tokens) = (name.clone(), tokens.len());
                            return Err(CustomEntityError { entity: index, name, tokens });
                        }
                        if tokens.is_empty() || !gazetteer.insert(spelling, &tokens, index) {
                            continue;
                        }
                        let key = (canonical_text(spelling).into_owned(), entity.label);
                        gazetteer.names.entry(key).or_insert(index);
                    }
                }
            }
        }
        gazetteer.entities = entities;
        Ok(gazetteer)
    }

    /// Adds the path of `spelling`'s `tokens` for entity `index`; false if an entity has it already.
    fn insert(&mut self, spelling: &str, tokens: &[Token], index: usize) -> bool {
        let mut node = 0;
        for (position, token) in tokens.iter().enumerate() {
            let text = straight(token.text(spelling));
            let next_number = self.token_numbers.len() as u32;
            // Most tokens of a long list are known already: look up before allocating a key.
            let number = match self.token_numbers.get(text.as_ref()) {
                Some(&number) => number,
                None => *self.token_numbers.entry(text.into()).or_insert(next_number),
            };
            let next_node = self.ends.len() as Node;
            node = *self
                .children
                .entry((node, number, position > 0 && token.gap != Gap::None))
                .or_insert(next_node);
            if node == next_node {
                self.ends.push(None);
            }
        }
        let end = &mut self.ends[node as usize];
        let new = end.is_none();
        end.get_or_insert(index as u32);
        new
    }

    /// The mentions of the custom entities in `document`: in order, non-overlapping.
    pub fn find(&self, document: &Document) -> Vec<Entity> {
        let (text, tokens) = (document.text(), document.tokens());
        let mut found = Vec::new();
        if self.children.is_empty() {
            return found;
        }
        let mut i = 0;
        while i < tokens.len() {
            match self.longest_at(text, tokens, i) {
                Some((end, entity)) => {
                    let span = document.span_of(i..end);
                    let label = self.entities[entity].label;
                    found.push(Entity::new(text, span, label));
                    i = end;
                }
                None => i += 1,
            }
        }
        found
    }

    /// The longest spelling that matches the tokens of `text` from token `i`: the token after its
    /// last and its entity.
    fn longest_at(&self, text: &str, tokens: &[Token], i: usize) -> Option<(usize, usize)> {
        let mut node = 0;
        let mut longest = None;
        for (j, token) in tokens.iter().enumerate().skip(i) {
            if j > i && token.gap == Gap::BlankLine {
                break;
            }
            let Some(&number) = self.token_numbers.get(straight(token.text(text)).as_ref()) else { break };
            let Some(&child) = self.children.get(&(node, number, j > i && token.gap != Gap::None)) else {
                break;
            };
            node = child;
            if let Some(entity) = self.ends[node as usize] {
                longest = Some((j + 1, entity as usize));
            }
        }
        longest
    }

    /// The canonical name of the custom entity that a mention with this canonical text and label
    /// spells, if any.
    pub fn name_of(&self, canonical: &str, label: Label) -> Option<&str> {
        self.entity_of(canonical, label).map(|entity| entity.name.as_str())
    }

    /// The custom entity that a mention with this canonical text and label spells, if any.
    pub fn entity_of(&self, canonical: &str, label: Label) -> Option<&CustomEntity> {
        // The key is an owned (String, Label) pair: skip building it when there are no names.
        if self.names.is_empty() {
            return None;
        }
        self.names.get(&(canonical.to_string(), label)).map(|&index| &self.entities[index])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::tests::pairs;

    fn entity(name: &str, label: Label, aliases: &[&str]) -> CustomEntity {
        let aliases = aliases.iter().map(|a| a.to_string()).collect();
        CustomEntity { name: name.into(), label, aliases, url: None }
    }

    fn compiled(entities: Vec<CustomEntity>) -> Gazetteer {
        Gazetteer::new(entities).expect("names within the length limit")
    }

    fn found(gazetteer: &Gazetteer, text: &str) -> Vec<(String, Label)> {
        gazetteer.find(&Document::new(text)).into_iter().map(|e| (e.text, e.label)).collect()
    }

    #[test]
    fn matches_names_and_aliases_on_token_boundaries() {
        let g = compiled(vec![entity("Meta", Label::Org, &["Meta Platforms", "Facebook"])]);
        assert_eq!(
            found(&g, "Meta Platforms, formerly Facebook, runs the Metaverse; Meta-owned apps and Meta's."),
            pairs(&[("Meta Platforms", Label::Org), ("Facebook", Label::Org), ("Meta", Label::Org)])
        );
    }

    #[test]
    fn leftmost_longest_wins() {
        let g = compiled(vec![
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
        let g = compiled(vec![
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
        let g = compiled(vec![entity("AT&T", Label::Org, &[]), entity("McDonald's", Label::Org, &[])]);
        assert_eq!(
            found(&g, "AT & T, AT&T, McDonald’s and McDonald's"),
            pairs(&[("AT&T", Label::Org), ("McDonald’s", Label::Org), ("McDonald's", Label::Org)])
        );
    }

    #[test]
    fn first_entity_wins_a_shared_spelling() {
        let g = compiled(vec![entity("Apple", Label::Org, &[]), entity("apple", Label::Misc, &["Apple"])]);
        assert_eq!(found(&g, "Apple and apple"), pairs(&[("Apple", Label::Org), ("apple", Label::Misc)]));
    }

    #[test]
    fn names_without_tokens_are_ignored() {
        let g = compiled(vec![entity("  ", Label::Org, &[""])]);
        assert!(found(&g, "  text  ").is_empty());
    }

    #[test]
    fn aliases_map_to_the_canonical_name() {
        let g = compiled(vec![entity("OpenAI", Label::Org, &["Open AI"])]);
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
        assert_eq!(
            serde_json::to_string(&parsed[0]).unwrap(),
            r#"{"name":"OpenAI","label":"ORG","aliases":[]}"#
        );
        let with_url: CustomEntity =
            serde_json::from_str(r#"{"name":"OpenAI","label":"ORG","url":"https://openai.com"}"#).unwrap();
        assert_eq!(with_url.url.as_deref(), Some("https://openai.com"));
        assert_eq!(
            serde_json::to_string(&with_url).unwrap(),
            r#"{"name":"OpenAI","label":"ORG","aliases":[],"url":"https://openai.com"}"#
        );
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn only_objects_with_known_fields_are_custom_entities() {
        let error = |json| serde_json::from_str::<CustomEntity>(json).unwrap_err().to_string();
        assert!(error(r#"["OpenAI", "ORG", ["Open AI"]]"#)
            .contains("expected an object {name, label, aliases, url}"));
        assert!(error(r#"{"name": "OpenAI", "label": "ORG", "alias": []}"#).contains("unknown field `alias`"));
        assert!(error(r#"{"name": "OpenAI"}"#).contains("missing field `label`"));
    }
}
