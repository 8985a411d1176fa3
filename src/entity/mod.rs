//! Entity mentions: labels, spans, and the distinct entities they refer to. [`EntityTagger`] is
//! the front door: it runs the three sources of mentions over a [`Document`] (custom entities,
//! [rules], the statistical [model] and its refinements), merges them, and groups the result.

mod decode;
mod features;
pub mod model;
#[cfg(feature = "training")]
pub mod training;

pub mod custom;
mod group;
mod mention;
mod merge;
mod refine;
pub mod rules;

use std::borrow::Cow;
use std::sync::Arc;

pub use custom::{CustomEntity, CustomEntityError};
pub use group::{canonical_text, group};
pub use mention::{Entity, EntityGroup, Label};

use crate::document::Document;
use model::Model;

/// The confidence of a label or a span that a rule gave, a fixed value: a pattern rarely misfires
/// (a person called "May", a team's "Hot Spurs"), but no annotated text of ours holds dates,
/// amounts or products to measure how rarely, so it stands below a newsroom's own names (1) and
/// above the confidence of most of the model's wrong names.
pub const RULE_CONFIDENCE: f32 = 0.9;

/// The model's names below this confidence are left out. With calibrated confidences, a mention
/// right with probability p adds to the expected F1 only if p is above about half the F1, so the
/// least likely names cost more precision than they give recall. Chosen on held-out text (a model
/// trained without CoNLL-2003 dev, `cargo xtask train --train-only`; CoNLL-2003 dev through the
/// full pipeline): F1 93.19 keeping every name, 93.24 from 0.3, 93.30 from 0.4, 93.25 from 0.5.
pub const MIN_CONFIDENCE: f64 = 0.4;

/// Finds entity mentions in tokenized, sentence-split text: custom entities, rule-based dates and
/// amounts, and the statistical model's names, merged into one clean list.
///
/// Merge policy, in order (each rule names the case it exists for):
/// 1. Custom matches win over everything: a newsroom's own taxonomy is authoritative. A rule span
///    that overlaps one is dropped; a model span is cut back to its tokens outside it (see 4).
/// 2. A DATE or TIME inside a longer model name that has a name word outside the date is
///    dropped, and the name kept: "Tuesday Morning Corp", "Windows 2000", "Good Morning America".
/// 3. Otherwise rule spans win over the model: MONEY, PERCENT and QUANTITY always (a model MISC or
///    ORG over "$20 billion" or "20%" is a tagging slip), and DATE/TIME where the model span does
///    not contain them ("Last month" over a model's "Last").
/// 4. A model span that overlaps what was kept is cut to its longest run of free tokens that
///    still holds a capitalized word other than a sentence opener such as "The" (without
///    punctuation or lowercase words at its edges), or dropped when none is left.
///
/// The result is sorted by position and no two mentions overlap.
///
/// Each mention has a [confidence](Entity::confidence), and the model's names below
/// [`MIN_CONFIDENCE`] are left out before the merge:
/// - a custom entity's: 1, the newsroom's word;
/// - a rule's (DATE, TIME, MONEY, PERCENT, QUANTITY, and the names that the refinements make, such
///   as a product after "its"): [`RULE_CONFIDENCE`];
/// - the model's: the probability that the mention is a name, that its span is exactly one entity
///   ([`Model::tag`]), times the share of its label in the scores of every mention of the name
///   (refinement rule 4); a label that a cue word decided has at least [`RULE_CONFIDENCE`] as its
///   share. A span cut back by the merge keeps the confidence of the name it was cut from.
#[derive(Clone, Debug)]
pub struct EntityTagger {
    custom: custom::Gazetteer,
    model: Arc<Model>,
}

/// The embedded model and no custom entities.
impl Default for EntityTagger {
    fn default() -> EntityTagger {
        EntityTagger { custom: custom::Gazetteer::default(), model: Arc::clone(Model::shared_embedded()) }
    }
}

impl EntityTagger {
    /// Creates a tagger with `model` in place of the embedded one, and no custom entities.
    pub fn with_model(model: Model) -> EntityTagger {
        EntityTagger { custom: custom::Gazetteer::default(), model: Arc::new(model) }
    }

    /// Replaces the custom entities the tagger finds, with the semantics of [`custom`]. Fails,
    /// changing nothing, when a name or alias is too long.
    pub fn set_custom_entities(&mut self, entities: Vec<CustomEntity>) -> Result<(), CustomEntityError> {
        self.custom = custom::Gazetteer::new(entities)?;
        Ok(())
    }

    /// Tags the entities of `document`: sorted, no two overlapping.
    pub fn tag(&self, document: &Document) -> Vec<Entity> {
        let custom = self.custom.find(document);
        let rules = rules::tag(document);
        let rules = rules.into_iter().map(|e| e.with_confidence(f64::from(RULE_CONFIDENCE))).collect();
        let mut model = refine::apply(document, self.model.tag_scored(document));
        model.retain(|(entity, _)| entity.confidence >= MIN_CONFIDENCE);
        merge::merge(document, custom, rules, model)
    }

    /// Groups mentions into distinct entities like [`group`] (setting each mention's group),
    /// except that mentions spelling a custom entity's name or alias (with its label) group under
    /// its name, and the group gets its `url`.
    pub fn group(&self, entities: &mut [Entity]) -> Vec<EntityGroup> {
        let mut groups = group::group_by(entities, |entity| {
            let text = canonical_text(&entity.text);
            match self.custom.name_of(&text, entity.label) {
                Some(name) => Cow::Owned(name.to_string()),
                None => text,
            }
        });
        for group in &mut groups {
            group.url = self.custom.entity_of(&group.text, group.label).and_then(|e| e.url.clone());
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected `(text, label)` mentions, shared by the tests of this module and of its children.
    pub(crate) fn pairs(expected: &[(&str, Label)]) -> Vec<(String, Label)> {
        expected.iter().map(|&(t, l)| (t.to_string(), l)).collect()
    }

    #[test]
    fn the_models_least_likely_names_are_left_out() {
        let tagger = EntityTagger::default();
        let scored = tagger.model.tag_scored(&Document::new("The Sheriff said nothing."));
        let sheriff = scored.iter().find(|s| s.entity.text == "Sheriff").expect("the model's guess");
        assert!(sheriff.entity.confidence < MIN_CONFIDENCE, "{sheriff:?}");
        assert!(tagger.tag(&Document::new("The Sheriff said nothing.")).is_empty());
        let named = tagger.tag(&Document::new("Sheriff Ana Ruiz said nothing."));
        assert!(named.iter().all(|e| e.confidence >= MIN_CONFIDENCE) && !named.is_empty(), "{named:?}");
    }

    #[test]
    fn tagger_output_is_sorted_and_groups_use_custom_names() {
        let mut tagger = EntityTagger::default();
        let openai = CustomEntity {
            name: "OpenAI".into(),
            label: Label::Org,
            aliases: vec!["Open AI".into()],
            url: Some("https://openai.com".into()),
        };
        tagger.set_custom_entities(vec![openai]).unwrap();
        let text = "In 2019, Open AI's chief met OpenAI staff. OpenAI’s plan cost $1 billion.";
        let mut entities = tagger.tag(&Document::new(text));
        assert!(entities.windows(2).all(|p| p[0].span.end <= p[1].span.start));
        let groups = tagger.group(&mut entities);
        let openai = groups.iter().find(|g| g.label == Label::Org).expect("an ORG group");
        assert_eq!(
            (openai.text.as_str(), openai.count, openai.first),
            ("OpenAI", 3, text.find("Open AI").unwrap())
        );
        assert_eq!(openai.url.as_deref(), Some("https://openai.com"));
        assert!(groups.iter().filter(|g| g.label != Label::Org).all(|g| g.url.is_none()));
        // Without the custom entity, the alias is its own group.
        let plain = group(&mut entities);
        assert_eq!(plain.iter().filter(|g| g.label == Label::Org).count(), 2);
    }
}
