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

/// One entity mention in a text. Serializes flat: `{"start", "end", "label", "text", "group",
/// "confidence"}`.
#[derive(Clone, Debug)]
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
    /// How likely the mention is right, span and label, in [0, 1], to three decimals (never NaN).
    /// For the model's names, a probability from its scores, calibrated on held-out text (see
    /// [`EntityTagger`](super::EntityTagger)); for the rules' labels and a custom entity's names,
    /// a fixed value.
    pub confidence: f64,
}

impl Entity {
    /// The mention of `span` in `text` with `label`, not yet grouped, with confidence 1.
    pub fn new(text: &str, span: Span, label: Label) -> Entity {
        Entity { span, label, text: span.slice(text).to_string(), group: 0, confidence: 1.0 }
    }

    /// The same mention with `confidence`, clamped to [0, 1] (NaN: 0) and rounded to three
    /// decimals, the precision the output gives it.
    pub fn with_confidence(self, confidence: f64) -> Entity {
        let clamped = if confidence.is_nan() { 0.0 } else { confidence.clamp(0.0, 1.0) };
        Entity { confidence: (clamped * 1000.0).round() / 1000.0, ..self }
    }
}

/// Field by field, the confidence by its bits: it is never NaN, so this is an equivalence, and
/// [`Eq`] holds.
impl PartialEq for Entity {
    fn eq(&self, other: &Entity) -> bool {
        self.span == other.span
            && self.label == other.label
            && self.text == other.text
            && self.group == other.group
            && self.confidence.to_bits() == other.confidence.to_bits()
    }
}

impl Eq for Entity {}

/// An [`Entity`] as it serializes and deserializes: one struct of six fields, not
/// `#[serde(flatten)]`, which would make it a map (serde-wasm-bindgen then sends every key of every
/// mention to JavaScript as a new string). `Text` is `&str` to serialize, `String` to deserialize.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Entity", expecting = "an Entity {start, end, label, text, group, confidence}")]
struct FlatEntity<Text> {
    start: usize,
    end: usize,
    label: Label,
    text: Text,
    group: usize,
    confidence: f64,
}

impl Serialize for Entity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Entity { span, label, ref text, group, confidence } = *self;
        FlatEntity { start: span.start, end: span.end, label, text: text.as_str(), group, confidence }
            .serialize(serializer)
    }
}

/// Accepts exactly what [`Serialize`] writes, `group` and `confidence` included (as the page's
/// `renderAnalysis` gets back an analysis from its worker); a confidence outside [0, 1] is refused.
impl<'de> Deserialize<'de> for Entity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Entity, D::Error> {
        let FlatEntity { start, end, label, text, group, confidence } =
            FlatEntity::<String>::deserialize(deserializer)?;
        if !(0.0..=1.0).contains(&confidence) {
            return Err(serde::de::Error::custom(format!("confidence {confidence} is not in [0, 1]")));
        }
        Ok(Entity { span: Span::new(start, end), label, text, group, confidence })
    }
}

/// A distinct entity: all mentions with the same label and canonical text.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(expecting = "an EntityGroup {text, label, count, first, salience, url}")]
pub struct EntityGroup {
    /// The canonical text (possessive endings removed, curly apostrophes made straight).
    pub text: String,
    /// The label shared by its mentions.
    pub label: Label,
    /// How many mentions it has.
    pub count: usize,
    /// The offset of its first mention.
    pub first: usize,
    /// How much the text is about it, in [0, 1] to three decimals, summing to 1 over the named
    /// groups (PERSON, ORG, LOC, MISC); 0 for dates and amounts. See [`salience`](crate::salience).
    /// Read as 0 when absent, as in an analysis saved before salience existed.
    #[serde(default)]
    pub salience: f64,
    /// The web address that identifies it, when a custom entity supplies one (its `url`); not
    /// serialized when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl EntityGroup {
    /// A group of no mentions yet, with salience 0 and no address.
    pub fn new(text: String, label: Label, first: usize) -> EntityGroup {
        EntityGroup { text, label, count: 0, first, salience: 0.0, url: None }
    }
}

/// Field by field, the salience by its bits: it is never NaN, so this is an equivalence, and
/// [`Eq`] holds.
impl PartialEq for EntityGroup {
    fn eq(&self, other: &EntityGroup) -> bool {
        self.text == other.text
            && self.label == other.label
            && self.count == other.count
            && self.first == other.first
            && self.salience.to_bits() == other.salience.to_bits()
            && self.url == other.url
    }
}

impl Eq for EntityGroup {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_serializes_as_one_flat_object() {
        let acme = Entity { group: 3, ..Entity::new("The Acme deal", Span::new(4, 8), Label::Org) }
            .with_confidence(0.87654);
        let json = serde_json::to_string(&acme).expect("serializes");
        assert_eq!(json, r#"{"start":4,"end":8,"label":"ORG","text":"Acme","group":3,"confidence":0.877}"#);
        assert_eq!(serde_json::from_str::<Entity>(&json).expect("deserializes"), acme);
    }

    #[test]
    fn a_confidence_is_kept_in_zero_to_one() {
        let acme = Entity::new("Acme", Span::new(0, 4), Label::Org);
        assert_eq!(acme.confidence, 1.0);
        for (given, kept) in [(1.5, 1.0), (-0.2, 0.0), (f64::NAN, 0.0), (0.0004, 0.0), (0.9996, 1.0)] {
            assert_eq!(acme.clone().with_confidence(given).confidence, kept, "{given}");
        }
        let json = r#"{"start":0,"end":4,"label":"ORG","text":"Acme","group":0,"confidence":1.2}"#;
        let error = serde_json::from_str::<Entity>(json).unwrap_err().to_string();
        assert!(error.starts_with("confidence 1.2 is not in [0, 1]"), "{error}");
    }
}
