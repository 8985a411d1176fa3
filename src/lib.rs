//! # article-analyzer
//!
//! Reads an English news article, splits it into sentences and tags its entities. The same core runs
//! natively (the `article-analyzer` CLI, the benches) and in the browser (the thin wasm layer in
//! `src/wasm.rs`).
//!
//! Data flows one way: text -> [tokens](token) with byte offsets -> [sentences](sentence), held
//! together as a [`Document`] -> [entities](entity) -> the [plan of its rendering](render). Offsets
//! are byte offsets into the input inside the core; an [`Analysis`] can be converted to UTF-16 code
//! units (what JavaScript's `String.prototype.slice` uses) at the edge with [`Analysis::to_utf16`].
//!
//! ```
//! let analyzer = article_analyzer::Analyzer::new();
//! let text = "Mr. Smith went to Washington. He met the U.S. President.";
//! let analysis = analyzer.analyze(text);
//! let sentences: Vec<&str> = analysis.sentences.iter().map(|s| &text[s.start..s.end]).collect();
//! assert_eq!(sentences, ["Mr. Smith went to Washington.", "He met the U.S. President."]);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod abbreviation;
mod calendar;
pub mod document;
pub mod entity;
pub mod jsonl;
pub mod jsonld;
pub mod quote;
pub mod render;
pub mod salience;
pub mod sentence;
pub mod span;
pub mod token;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use document::Document;
pub use entity::{CustomEntity, CustomEntityError, Entity, EntityGroup, Label};
pub use quote::{Quote, Speaker};
pub use span::Span;

use serde::{Deserialize, Serialize};

/// The result of analysing one text: its sentences, its entity mentions and the distinct entities.
///
/// It serializes as the CLI prints it and JavaScript receives it (declared for TypeScript in
/// `src/wasm.d.ts`), and deserializes from exactly that.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "an Analysis {sentences, entities, groups, quotes}")]
pub struct Analysis {
    /// Sentences in order, non-overlapping, trimmed of surrounding whitespace.
    pub sentences: Vec<Span>,
    /// Entity mentions in order, non-overlapping.
    pub entities: Vec<Entity>,
    /// The distinct entities, in order of first mention.
    pub groups: Vec<EntityGroup>,
    /// Direct quotations in order, with who said them (see [`quote`]). Empty when deserialized from
    /// an analysis without them, which renders the same.
    #[serde(default)]
    pub quotes: Vec<Quote>,
}

impl Analysis {
    /// Returns the same analysis with every offset converted from bytes of `text` to UTF-16 code units.
    ///
    /// `text` must be the text this analysis was made from.
    pub fn to_utf16(&self, text: &str) -> Analysis {
        self.clone().into_utf16(text)
    }

    /// Converts every offset from bytes of `text` to UTF-16 code units in place: like
    /// [`Analysis::to_utf16`] without a copy of every mention's text, which on a long article is
    /// tens of megabytes.
    ///
    /// `text` must be the text this analysis was made from.
    pub fn into_utf16(mut self, text: &str) -> Analysis {
        let index = span::Utf16Index::new(text);
        for sentence in &mut self.sentences {
            *sentence = index.span(*sentence);
        }
        for entity in &mut self.entities {
            entity.span = index.span(entity.span);
        }
        for group in &mut self.groups {
            group.first = index.offset(group.first);
        }
        for quote in &mut self.quotes {
            (quote.start, quote.end) = (index.offset(quote.start), index.offset(quote.end));
            if let Some(speaker) = &mut quote.speaker {
                (speaker.start, speaker.end) = (index.offset(speaker.start), index.offset(speaker.end));
            }
            if let Some(cue) = &mut quote.cue {
                *cue = index.span(*cue);
            }
        }
        self
    }
}

/// Analyses texts. Holds the embedded entity model and any custom entities; build it once and reuse it.
#[derive(Clone, Debug, Default)]
pub struct Analyzer {
    entities: entity::EntityTagger,
}

impl Analyzer {
    /// Creates an analyzer with the embedded model and no custom entities.
    pub fn new() -> Analyzer {
        Analyzer::default()
    }

    /// Creates an analyzer that also tags `entities`, a newsroom's own names: their mentions win
    /// over the model and rules, and group under each entity's `name`. Matching is on token
    /// boundaries, leftmost-longest, case-sensitive (see [`entity::custom`]); it costs the same per
    /// token of text for ten names or a hundred thousand.
    ///
    /// Fails when a name or alias has more than [`entity::custom::MAX_NAME_TOKENS`] tokens.
    ///
    /// ```
    /// use article_analyzer::{Analyzer, CustomEntity, Label};
    ///
    /// let analyzer = Analyzer::with_custom_entities(vec![CustomEntity {
    ///     name: "OpenAI".into(),
    ///     label: Label::Org,
    ///     aliases: vec!["the ChatGPT maker".into()],
    ///     url: None,
    /// }])
    /// .expect("names of a few words");
    /// let analysis = analyzer.analyze("OpenAI's deal: the ChatGPT maker agreed.");
    /// assert_eq!(analysis.groups[0].text, "OpenAI");
    /// assert_eq!(analysis.groups[0].count, 2);
    /// ```
    pub fn with_custom_entities(entities: Vec<CustomEntity>) -> Result<Analyzer, CustomEntityError> {
        let mut analyzer = Analyzer::new();
        analyzer.set_custom_entities(entities)?;
        Ok(analyzer)
    }

    /// Creates an analyzer with another entity model in place of the embedded one: a candidate
    /// from `cargo xtask train`, read with [`Model::from_bytes`](entity::model::Model::from_bytes).
    ///
    /// ```
    /// use article_analyzer::{entity::model::Model, Analyzer};
    ///
    /// let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/model/ner.bin"))?;
    /// let analyzer = Analyzer::with_model(Model::from_bytes(&bytes)?);
    /// assert_eq!(analyzer.analyze("Angela Merkel visited Paris.").entities.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_model(model: entity::model::Model) -> Analyzer {
        Analyzer { entities: entity::EntityTagger::with_model(model) }
    }

    /// Replaces the custom entities this analyzer tags (see [`Analyzer::with_custom_entities`]);
    /// fails, changing nothing, when a name or alias is too long.
    pub fn set_custom_entities(&mut self, entities: Vec<CustomEntity>) -> Result<(), CustomEntityError> {
        self.entities.set_custom_entities(entities)
    }

    /// Analyses `text`, with offsets in bytes of `text`.
    pub fn analyze(&self, text: &str) -> Analysis {
        let document = Document::new(text);
        let mut entities = self.entities.tag(&document);
        let mut groups = self.entities.group(&mut entities);
        salience::set_salience(&document, &entities, &mut groups);
        let quotes = quote::find(&document, &entities);
        Analysis {
            sentences: document.sentences().iter().map(|s| s.span).collect(),
            entities,
            groups,
            quotes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TypeScript declarations of the values the wasm API exchanges with JavaScript.
    const DECLARATIONS: &str = include_str!("wasm.d.ts");

    /// The fields that `interface name` of [`DECLARATIONS`] declares, its parent's included, sorted.
    fn declared_fields(name: &str) -> Vec<String> {
        let opening = format!("export interface {name} ");
        let (_, rest) = DECLARATIONS.split_once(&opening).expect("the interface is declared");
        let (head, body) = rest.split_once("{\n").expect("an interface body");
        let (body, _) = body.split_once("\n}").expect("an interface's end");
        let mut fields: Vec<String> = match head.trim().strip_prefix("extends ") {
            Some(parent) => declared_fields(parent),
            None => Vec::new(),
        };
        let declaration =
            |line: &str| line.split_once(':').map(|(field, _)| field.trim_end_matches('?').into());
        fields.extend(
            body.lines().map(str::trim).filter(|line| !line.starts_with(['/', '*'])).filter_map(declaration),
        );
        fields.sort();
        fields
    }

    /// The keys of a JSON object, sorted.
    fn keys(value: &serde_json::Value) -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().expect("an object").keys().cloned().collect();
        keys.sort();
        keys
    }

    #[test]
    fn the_typescript_declarations_name_exactly_the_fields_that_serialize() {
        let analyzer = Analyzer::with_custom_entities(vec![CustomEntity {
            name: "Acme Corp.".into(),
            label: Label::Org,
            aliases: vec!["Acme".into()],
            url: Some("https://acme.example".into()),
        }])
        .expect("a short name");
        let text = "Acme Corp. hired Jane Doe on Monday. Acme rose. \"We will grow in every market,\" Jane Doe said.";
        let analysis = analyzer.analyze(text);
        let json = serde_json::to_value(&analysis).expect("serializes");
        assert_eq!(keys(&json["quotes"][0]), declared_fields("Quote"));
        assert_eq!(keys(&json["quotes"][0]["speaker"]), declared_fields("Speaker"));
        assert_eq!(keys(&json["quotes"][0]["cue"]), declared_fields("Span"));
        assert_eq!(keys(&json), declared_fields("Analysis"));
        assert_eq!(keys(&json["sentences"][0]), declared_fields("Span"));
        assert_eq!(keys(&json["entities"][0]), declared_fields("Entity"));
        assert_eq!(keys(&json["groups"][0]), declared_fields("EntityGroup"));
        let custom = CustomEntity {
            name: "Acme".into(),
            label: Label::Org,
            aliases: Vec::new(),
            url: Some("https://acme.example".into()),
        };
        let custom = serde_json::to_value(custom).expect("serializes");
        assert_eq!(keys(&custom), declared_fields("CustomEntity"));
        let labels =
            DECLARATIONS.split_once("export type Label = ").and_then(|(_, rest)| rest.split_once(';'));
        let labels: Vec<&str> =
            labels.expect("a Label type").0.split(" | ").map(|l| l.trim_matches('"')).collect();
        assert_eq!(labels, Label::ALL.map(Label::as_str));
    }

    #[test]
    fn an_analysis_deserializes_from_what_it_serializes() {
        let text = "Zoë met Acme Corp. in Zürich on Monday. “Acme’s shares rose 5% in a week,” Zoë said.";
        let analysis = Analyzer::new().analyze(text).to_utf16(text);
        assert_eq!(analysis.quotes.len(), 1);
        let json = serde_json::to_string(&analysis).expect("serializes");
        assert_eq!(serde_json::from_str::<Analysis>(&json).expect("deserializes"), analysis);
    }
}
