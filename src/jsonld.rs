//! The entities of an analysis as schema.org JSON-LD: a `NewsArticle` [`about`](NewsArticle::about)
//! its most salient entities that [`mentions`](NewsArticle::mentions) the other named ones, for a
//! CMS or a search engine. The CLI's `--jsonld` and the wasm `toJsonLd` write it; `toJsonLd` of
//! `www/jsonld.js` builds the same object in plain JavaScript, as a test checks.

use serde::Serialize;

use crate::entity::{EntityGroup, Label};
use crate::salience;

/// A schema.org `NewsArticle`; serializes as `{"@context": "https://schema.org", "@type":
/// "NewsArticle", "headline"?, "url"?, "about": [..], "mentions": [..]}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewsArticle<'a> {
    /// Always `https://schema.org`.
    #[serde(rename = "@context")]
    pub context: &'static str,
    /// Always `NewsArticle`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The article's headline, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<&'a str>,
    /// The article's address, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    /// The [`salience::ABOUT`] most salient named entities, most salient first.
    pub about: Vec<Thing<'a>>,
    /// The other named entities, by salience.
    pub mentions: Vec<Thing<'a>>,
}

/// One entity: `{"@type", "name", "sameAs"?}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Thing<'a> {
    /// `Person`, `Organization`, `Place` or `Thing` (PERSON, ORG, LOC, MISC).
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The group's name.
    pub name: &'a str,
    /// The group's [`url`](EntityGroup::url), from a custom entity.
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    pub same_as: Option<&'a str>,
}

impl<'a> NewsArticle<'a> {
    /// The article whose named entities are `groups` (an analysis' groups, with their salience),
    /// in the order of [`salience::ranked`]; dates and amounts are left out.
    pub fn new(
        groups: &'a [EntityGroup],
        headline: Option<&'a str>,
        url: Option<&'a str>,
    ) -> NewsArticle<'a> {
        let mut things = salience::ranked(groups).into_iter().map(|g| {
            let group = &groups[g];
            Thing { kind: schema_type(group.label), name: &group.text, same_as: group.url.as_deref() }
        });
        NewsArticle {
            context: "https://schema.org",
            kind: "NewsArticle",
            headline,
            url,
            about: things.by_ref().take(salience::ABOUT).collect(),
            mentions: things.collect(),
        }
    }
}

/// The schema.org type of a named entity with `label`.
fn schema_type(label: Label) -> &'static str {
    match label {
        Label::Person => "Person",
        Label::Org => "Organization",
        Label::Loc => "Place",
        _ => "Thing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_the_three_most_salient_named_entities() {
        let group = |text: &str, label, salience, url: Option<&str>| EntityGroup {
            salience,
            url: url.map(String::from),
            ..EntityGroup::new(text.into(), label, 0)
        };
        let groups = [
            group("Monday", Label::Date, 0.0, None),
            group("Oslo", Label::Loc, 0.1, None),
            group("Acme", Label::Org, 0.4, Some("https://acme.example")),
            group("Jane Doe", Label::Person, 0.3, None),
            group("Nobel Prize", Label::Misc, 0.1, None),
            group("Bergen", Label::Loc, 0.1, None),
        ];
        let json = serde_json::to_string(&NewsArticle::new(&groups, Some("Acme"), None)).unwrap();
        assert_eq!(
            json,
            r#"{"@context":"https://schema.org","@type":"NewsArticle","headline":"Acme","about":[{"@type":"Organization","name":"Acme","sameAs":"https://acme.example"},{"@type":"Person","name":"Jane Doe"},{"@type":"Place","name":"Oslo"}],"mentions":[{"@type":"Thing","name":"Nobel Prize"},{"@type":"Place","name":"Bergen"}]}"#
        );
        let empty = NewsArticle::new(&[], None, Some("https://news.example/a"));
        assert_eq!(
            (empty.about.len(), empty.mentions.len(), empty.url),
            (0, 0, Some("https://news.example/a"))
        );
    }
}
