//! What a mention is: its [`Label`], the [`Entity`] mention itself, and the [`EntityGroup`] of
//! mentions that name one thing.

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// What an entity mention is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Label {
    /// People, real or fictional.
    Person,
    /// Companies, agencies, institutions, teams.
    Org,
    /// Countries, cities, states, regions, geographic features.
    Loc,
    /// Nationalities, events, products, works and other names.
    Misc,
    /// Absolute or relative dates and periods ("2019", "last month").
    Date,
    /// Times of day ("3:30 p.m.").
    Time,
    /// Monetary amounts ("$20 billion").
    Money,
    /// Percentages ("20%").
    Percent,
    /// Measurements ("five miles").
    Quantity,
}

impl Label {
    /// Every label, in a fixed order.
    pub const ALL: [Label; 9] = [
        Label::Person,
        Label::Org,
        Label::Loc,
        Label::Misc,
        Label::Date,
        Label::Time,
        Label::Money,
        Label::Percent,
        Label::Quantity,
    ];

    /// The label's name as the CLI and the page write it ("PERSON", "ORG", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Person => "PERSON",
            Label::Org => "ORG",
            Label::Loc => "LOC",
            Label::Misc => "MISC",
            Label::Date => "DATE",
            Label::Time => "TIME",
            Label::Money => "MONEY",
            Label::Percent => "PERCENT",
            Label::Quantity => "QUANTITY",
        }
    }
}

/// One entity mention in a text. Serializes flat: `{"start", "end", "label", "text", "group"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Where the mention is.
    pub span: Span,
    /// What it is.
    pub label: Label,
    /// The mention's text.
    pub text: String,
    /// The index of the distinct entity it names in [`Analysis::groups`](crate::Analysis::groups),
    /// set when mentions are [grouped](super::group); 0 before.
    pub group: usize,
}

impl Entity {
    /// The mention of `span` in `text` with `label`, not yet grouped.
    pub fn new(text: &str, span: Span, label: Label) -> Entity {
        Entity { span, label, text: span.slice(text).to_string(), group: 0 }
    }
}

/// An [`Entity`] as it serializes and deserializes: one struct of five fields, not
/// `#[serde(flatten)]`, which would make it a map (serde-wasm-bindgen then sends every key of every
/// mention to JavaScript as a new string). `Text` is `&str` to serialize, `String` to deserialize.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Entity", expecting = "an Entity {start, end, label, text, group}")]
struct FlatEntity<Text> {
    start: usize,
    end: usize,
    label: Label,
    text: Text,
    group: usize,
}

impl Serialize for Entity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Entity { span, label, ref text, group } = *self;
        FlatEntity { start: span.start, end: span.end, label, text: text.as_str(), group }
            .serialize(serializer)
    }
}

/// Accepts exactly what [`Serialize`] writes, `group` included (as the page's `renderAnalysis`
/// gets back an analysis from its worker).
impl<'de> Deserialize<'de> for Entity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Entity, D::Error> {
        let FlatEntity { start, end, label, text, group } = FlatEntity::<String>::deserialize(deserializer)?;
        Ok(Entity { span: Span::new(start, end), label, text, group })
    }
}

/// A distinct entity: all mentions with the same label and canonical text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "an EntityGroup {text, label, count, first}")]
pub struct EntityGroup {
    /// The canonical text (possessive endings removed, curly apostrophes made straight).
    pub text: String,
    /// The label shared by its mentions.
    pub label: Label,
    /// How many mentions it has.
    pub count: usize,
    /// The offset of its first mention.
    pub first: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_serializes_as_one_flat_object() {
        let acme = Entity { group: 3, ..Entity::new("The Acme deal", Span::new(4, 8), Label::Org) };
        let json = serde_json::to_string(&acme).expect("serializes");
        assert_eq!(json, r#"{"start":4,"end":8,"label":"ORG","text":"Acme","group":3}"#);
        assert_eq!(serde_json::from_str::<Entity>(&json).expect("deserializes"), acme);
    }
}
