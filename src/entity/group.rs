//! Distinct entities: mentions with one label and one [canonical text](canonical_text) name one
//! thing.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::features::WordHashes;
use super::{Entity, EntityGroup, Label};

/// Groups mentions into distinct entities, in order of first mention, and sets each mention's
/// [`group`](Entity::group). Mentions with the same label are one entity when their
/// [canonical texts](canonical_text) are the same but for case ("OpenAI" and "OpenAI's",
/// "Microsoft's" and "Microsoft’s", "OSLO" and "Oslo"), or when one is a short form of the other
/// that the text gives no other reading of: a person's last names ("Nadella" for "Satya Nadella"),
/// an organization's first words ("Nordvik" for "Nordvik Shipping"), each the short form of one
/// longer name only. Places and other names have no short forms: "Hong Kong" is not "Hong Kong
/// Island". An entity's text is its longest name, in the first spelling that is not all capitals.
///
/// ```
/// use article_analyzer::{entity, Entity, Label, Span};
///
/// let text = "Microsoft’s deal with OpenAI made Microsoft rich.";
/// let mention = |name: &str| Entity::new(text, Span::new(text.rfind(name).unwrap(), text.rfind(name).unwrap() + name.len()), Label::Org);
/// let mut mentions = [mention("Microsoft’s"), mention("OpenAI"), mention("Microsoft")];
/// let groups = entity::group(&mut mentions);
/// assert_eq!((groups[0].text.as_str(), groups[0].count, groups[0].first), ("Microsoft", 2, 0));
/// assert_eq!((groups[1].text.as_str(), groups[1].count, groups[1].first), ("OpenAI", 1, 24));
/// assert_eq!(mentions.map(|m| m.group), [0, 1, 0]);
/// ```
pub fn group(entities: &mut [Entity]) -> Vec<EntityGroup> {
    group_by(entities, |entity| canonical_text(&entity.text))
}

/// The longest name, in words, whose short forms are looked for: a name of more words is no
/// person's or organization's full name, and reading all its shorter forms would cost the square
/// of its length.
const MAX_FULL_NAME_WORDS: usize = 8;

/// One spelling of an entity: the mentions with one label and one canonical text but for case.
struct Spelling {
    /// The text shown: the first spelling that is not all capitals, or else the first.
    text: String,
    /// The canonical text, lowercased, which identifies it.
    key: String,
    label: Label,
    count: usize,
    first: usize,
}

/// Groups mentions like [`group`], by label and the text `canonical` gives each (hash maps hashed
/// by [`WordHashes`]: std's SipHash costs more than the look-up of a short name), and sets each
/// mention's group.
pub(super) fn group_by(
    entities: &mut [Entity],
    canonical: impl for<'a> Fn(&'a Entity) -> Cow<'a, str>,
) -> Vec<EntityGroup> {
    let mut spellings: Vec<Spelling> = Vec::new();
    let mut index: HashMap<(String, Label), usize, WordHashes> = HashMap::default();
    let mut spelling_of = Vec::with_capacity(entities.len());
    for entity in entities.iter() {
        let text = canonical(entity);
        let key = text.to_lowercase();
        let spelling = match index.entry((key, entity.label)) {
            Entry::Occupied(slot) => {
                let spelling = &mut spellings[*slot.get()];
                if !has_lowercase(&spelling.text) && has_lowercase(&text) {
                    spelling.text = text.into_owned();
                }
                *slot.get()
            }
            Entry::Vacant(slot) => {
                let key = slot.key().0.clone();
                slot.insert(spellings.len());
                let (label, first) = (entity.label, entity.span.start);
                spellings.push(Spelling { text: text.into_owned(), key, label, count: 0, first });
                spellings.len() - 1
            }
        };
        spellings[spelling].count += 1;
        spelling_of.push(spelling);
    }
    drop(index);
    let full_name = full_names(&spellings);
    // The entities, in order of first mention: each full name with its short forms. Spellings are
    // numbered in order of first mention, so an entity's first spelling is its smallest number.
    let mut first = vec![(usize::MAX, usize::MAX); spellings.len()];
    for (s, spelling) in spellings.iter().enumerate() {
        let full = full_name[s];
        first[full] = (first[full].0.min(s), first[full].1.min(spelling.first));
    }
    let mut order: Vec<usize> = (0..spellings.len()).filter(|&s| full_name[s] == s).collect();
    order.sort_by_key(|&s| first[s].0);
    let mut group_of = vec![0; spellings.len()];
    let mut groups: Vec<EntityGroup> = Vec::with_capacity(order.len());
    for &s in &order {
        group_of[s] = groups.len();
        let spelling = &spellings[s];
        groups.push(EntityGroup::new(spelling.text.clone(), spelling.label, first[s].1));
    }
    for (s, spelling) in spellings.iter().enumerate() {
        group_of[s] = group_of[full_name[s]];
        groups[group_of[s]].count += spelling.count;
    }
    for (entity, spelling) in entities.iter_mut().zip(spelling_of) {
        entity.group = group_of[spelling];
    }
    groups
}

/// For each spelling, the spelling of the full name it is a short form of (itself if none): the
/// longest name that ends with its words (a person) or begins with them (an organization), when all
/// names that do are one full name and its own short forms.
fn full_names(spellings: &[Spelling]) -> Vec<usize> {
    let words: Vec<Vec<&str>> = spellings.iter().map(|s| s.key.split(' ').collect()).collect();
    // Longest names first, so that a name's own full name is known before its short forms look.
    let mut by_length: Vec<usize> = (0..spellings.len()).collect();
    by_length.sort_by_key(|&s| std::cmp::Reverse(words[s].len()));
    let mut full_name: Vec<usize> = (0..spellings.len()).collect();
    // A short form (label and words) -> the full name of the longer names it is part of, or none
    // when they are more than one.
    let mut short_forms: HashMap<(Label, &[&str]), Option<usize>, WordHashes> = HashMap::default();
    for &s in &by_length {
        let (label, name) = (spellings[s].label, words[s].as_slice());
        if let Some(&Some(full)) = short_forms.get(&(label, name)) {
            full_name[s] = full;
        }
        if name.len() > MAX_FULL_NAME_WORDS {
            continue;
        }
        let full = full_name[s];
        for k in 1..name.len() {
            let short = match label {
                Label::Person => &name[k..],
                Label::Org => &name[..k],
                _ => continue,
            };
            short_forms
                .entry((label, short))
                .and_modify(|known| *known = known.filter(|&f| f == full))
                .or_insert(Some(full));
        }
    }
    full_name
}

/// Whether `text` has a lowercase letter: "Oslo", not "OSLO".
fn has_lowercase(text: &str) -> bool {
    text.chars().any(char::is_lowercase)
}

/// The text that identifies an entity across mentions: curly apostrophes made straight, a
/// possessive ending removed ("Microsoft’s" -> "Microsoft", "Reuters'" -> "Reuters") and runs of
/// whitespace made one space ("Microsoft\n365" -> "Microsoft 365").
pub fn canonical_text(mention: &str) -> Cow<'_, str> {
    if let Cow::Owned(straightened) = straight(mention) {
        return Cow::Owned(canonical_text(&straightened).into_owned());
    }
    let trimmed = mention
        .strip_suffix("'s")
        .or_else(|| mention.strip_suffix("'S"))
        .or_else(|| mention.strip_suffix('\'').filter(|t| t.ends_with(['s', 'S'])))
        .unwrap_or(mention);
    if is_single_spaced(trimmed) {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(trimmed.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// "’" -> "'", borrowing when there is nothing to replace.
pub(crate) fn straight(text: &str) -> Cow<'_, str> {
    // `contains` of a character beyond ASCII runs a substring search, slow on a short word (1% of
    // an analysis in wasm); most words are ASCII, which `is_ascii` tells eight bytes at a time.
    if !text.is_ascii() && text.contains('’') {
        Cow::Owned(text.replace('’', "'"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether `text` has no whitespace but single spaces between words, as most mentions.
fn is_single_spaced(text: &str) -> bool {
    let mut after_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if c != ' ' || after_space {
                return false;
            }
            after_space = true;
        } else {
            after_space = false;
        }
    }
    !after_space || text.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    /// The mention of the first occurrence of `needle` in `text`.
    fn at(text: &str, needle: &str, label: Label) -> Entity {
        let start = text.find(needle).expect("needle in text");
        Entity::new(text, Span::new(start, start + needle.len()), label)
    }

    #[test]
    fn canonical_text_straightens_trims_and_single_spaces() {
        for (mention, canonical) in [
            ("Acme Corp", "Acme Corp"),
            ("O’Neil’s", "O'Neil"),
            ("Reuters'", "Reuters"),
            (" New  York\u{a0}City\t", "New York City"),
            ("", ""),
        ] {
            assert_eq!(canonical_text(mention), canonical, "{mention:?}");
        }
        assert!(matches!(canonical_text("Acme Corp's"), Cow::Borrowed("Acme Corp")));
    }

    #[test]
    fn grouping_merges_possessives_and_apostrophes() {
        let text = "OpenAI OpenAI's Microsoft's Microsoft’s Reuters' Reuters Microsoft\n365";
        let mut entities = vec![
            at(text, "OpenAI", Label::Org),
            Entity::new(text, Span::new(7, 15), Label::Org),
            at(text, "Microsoft's", Label::Org),
            at(text, "Microsoft’s", Label::Org),
            at(text, "Reuters'", Label::Org),
            at(text, "Reuters ", Label::Org),
            at(text, "Microsoft\n365", Label::Misc),
            at(text, "OpenAI", Label::Person),
        ];
        let groups: Vec<(String, Label, usize, usize)> =
            group(&mut entities).into_iter().map(|g| (g.text, g.label, g.count, g.first)).collect();
        assert_eq!(
            groups,
            [
                ("OpenAI".to_string(), Label::Org, 2, 0),
                ("Microsoft".to_string(), Label::Org, 2, text.find("Microsoft's").unwrap()),
                ("Reuters".to_string(), Label::Org, 2, text.find("Reuters'").unwrap()),
                ("Microsoft 365".to_string(), Label::Misc, 1, text.find("Microsoft\n").unwrap()),
                ("OpenAI".to_string(), Label::Person, 1, 0),
            ]
        );
    }

    #[test]
    fn case_variants_and_short_forms_are_one_entity() {
        let text = "NADELLA: Satya Nadella of Nordvik Shipping met Nadella of NORDVIK, Nordvik and OSLO. \
                    Oslo. Hong Kong Island. Hong Kong. John Smith, Jane Smith and Smith.";
        let mut entities = vec![
            at(text, "NADELLA", Label::Person),
            at(text, "Satya Nadella", Label::Person),
            at(text, "Nordvik Shipping", Label::Org),
            at(text, "Nadella of", Label::Person),
            at(text, "NORDVIK", Label::Org),
            at(text, "Nordvik and", Label::Org),
            at(text, "OSLO", Label::Loc),
            at(text, "Oslo", Label::Loc),
            at(text, "Hong Kong Island", Label::Loc),
            at(text, "Hong Kong.", Label::Loc),
            at(text, "John Smith", Label::Person),
            at(text, "Jane Smith", Label::Person),
            at(text, "Smith.", Label::Person),
        ];
        for entity in &mut entities {
            entity.text = entity
                .text
                .trim_end_matches([' ', '.'])
                .trim_end_matches(" of")
                .trim_end_matches(" and")
                .into();
        }
        let groups: Vec<(String, usize)> =
            group(&mut entities).into_iter().map(|g| (g.text, g.count)).collect();
        let expected = [
            ("Satya Nadella", 3),
            ("Nordvik Shipping", 3),
            ("Oslo", 2),
            ("Hong Kong Island", 1),
            ("Hong Kong", 1),
            ("John Smith", 1),
            ("Jane Smith", 1),
            ("Smith", 1),
        ];
        assert_eq!(groups, expected.map(|(t, n)| (t.to_string(), n)));
        assert_eq!(entities[0].group, entities[1].group);
        assert_eq!(entities[0].group, 0, "a group is first where its first mention is");
    }
}
