//! Entity mentions: labels, spans, and the distinct entities they refer to.

use serde::Serialize;

use crate::sentence::Sentence;
use crate::span::Span;
use crate::token::Token;

/// What an entity mention is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

/// One entity mention in a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entity {
    /// Where the mention is.
    #[serde(flatten)]
    pub span: Span,
    /// What it is.
    pub label: Label,
    /// The mention's text.
    pub text: String,
}

/// A distinct entity: all mentions with the same label and canonical text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

/// Finds entity mentions in tokenized, sentence-split text.
#[derive(Clone, Debug, Default)]
pub struct EntityTagger {}

impl EntityTagger {
    /// Tags the entities of `text`, given its tokens and sentences.
    pub fn tag(&self, _text: &str, _tokens: &[Token], _sentences: &[Sentence]) -> Vec<Entity> {
        Vec::new()
    }
}

/// Groups mentions into distinct entities, in order of first mention.
pub fn group(entities: &[Entity]) -> Vec<EntityGroup> {
    let mut groups: Vec<EntityGroup> = Vec::new();
    let mut index: std::collections::HashMap<(String, Label), usize> = std::collections::HashMap::new();
    for entity in entities {
        let text = canonical_text(&entity.text);
        match index.entry((text.clone(), entity.label)) {
            std::collections::hash_map::Entry::Occupied(slot) => groups[*slot.get()].count += 1,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(groups.len());
                groups.push(EntityGroup { text, label: entity.label, count: 1, first: entity.span.start });
            }
        }
    }
    groups
}

/// The text that identifies an entity across mentions: "Microsoft’s" and "Microsoft's" become "Microsoft".
fn canonical_text(mention: &str) -> String {
    let straight = mention.replace('’', "'");
    let trimmed = straight.strip_suffix("'s").or_else(|| straight.strip_suffix("'S")).unwrap_or(&straight);
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ")
}
