//! Distinct entities: mentions with one label and one [canonical text](canonical_text) name one
//! thing.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::features::WordHashes;
use super::{Entity, EntityGroup, Label};

/// Groups mentions into distinct entities, in order of first mention, and sets each mention's
/// [`group`](Entity::group): mentions with the same label and [canonical text](canonical_text) are
/// one entity ("OpenAI" and "OpenAI's", "Microsoft's" and "Microsoft’s").
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

/// Groups mentions by label and the text `canonical` gives each, in a map hashed by
/// [`WordHashes`] (std's SipHash costs more than the look-up of a short name), and sets each
/// mention's group.
pub(super) fn group_by(
    entities: &mut [Entity],
    canonical: impl for<'a> Fn(&'a Entity) -> Cow<'a, str>,
) -> Vec<EntityGroup> {
    let mut groups: Vec<EntityGroup> = Vec::new();
    let mut index: HashMap<(Cow<str>, Label), usize, WordHashes> = HashMap::default();
    let mut group_of = Vec::with_capacity(entities.len());
    for entity in entities.iter() {
        let text = canonical(entity);
        let group = match index.entry((text, entity.label)) {
            Entry::Occupied(slot) => *slot.get(),
            Entry::Vacant(slot) => {
                let text = slot.key().0.to_string();
                slot.insert(groups.len());
                groups.push(EntityGroup { text, label: entity.label, count: 0, first: entity.span.start });
                groups.len() - 1
            }
        };
        groups[group].count += 1;
        group_of.push(group);
    }
    drop(index);
    for (entity, group) in entities.iter_mut().zip(group_of) {
        entity.group = group;
    }
    groups
}

/// The text that identifies an entity across mentions: curly apostrophes made straight, a
/// possessive ending removed ("Microsoft’s" -> "Microsoft", "Reuters'" -> "Reuters") and runs of
/// whitespace made one space ("Microsoft\n365" -> "Microsoft 365").
pub fn canonical_text(mention: &str) -> Cow<'_, str> {
    if mention.contains('’') {
        return Cow::Owned(canonical_text(&mention.replace('’', "'")).into_owned());
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
}
