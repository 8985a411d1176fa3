//! Salience: how much a text is about each of its named entities, a share in [0, 1] that sums to 1
//! over the named entities (PERSON, ORG, LOC and MISC, a newsroom's own included).
//!
//! An entity's score is a weighted sum of what the text does with it ([`Features`]): how often it
//! is mentioned (short forms included, as [grouping](crate::entity::group) counts them) and how
//! early it is first mentioned, counted in sentences, so that the headline and the first paragraph
//! weigh most. Its salience is its share of the scores of all named entities. The two [`WEIGHTS`]
//! are round, chosen on GUM's Wikinews documents (five summaries of each, one by a person and four
//! by language models, say which entities matter), the set `cargo xtask eval --salience` scores: weights chosen on GUM's other genres rank
//! news worse, and a leave-one-document-out run measures how well the choice carries to a document
//! it did not see. A mention's place as a sentence's subject, a bonus for the lead and being a
//! quotation's speaker were tried and left out: none ranked better. Method and figures:
//! docs/salience.md.
//!
//! The features are read in one pass over the sentences and the mentions: linear time.

use crate::document::Document;
use crate::entity::{Entity, EntityGroup, Label};

/// How many entities a story is about: the named groups of highest salience, at most this many
/// (the page's "what this story is about", JSON-LD's `about`).
pub const ABOUT: usize = 3;

/// The indices of the [named](is_named) groups in order of salience, highest first; equal saliences
/// in order of first mention. The first [`ABOUT`] are what the story is about.
pub fn ranked(groups: &[EntityGroup]) -> Vec<usize> {
    let mut ranked: Vec<usize> = (0..groups.len()).filter(|&g| is_named(groups[g].label)).collect();
    ranked.sort_by(|&a, &b| groups[b].salience.total_cmp(&groups[a].salience).then(a.cmp(&b)));
    ranked
}

/// What the text does with one named entity: the inputs of its salience.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Features {
    /// How many mentions it has, short forms included.
    pub mentions: usize,
    /// How early it is first mentioned: `1 / (1 + n)` when n sentences come before its first
    /// mention's (1 in the first sentence, 1/2 in the second, ...).
    pub early: f64,
}

/// How much each [feature](Features) counts. The count enters as `ln(1 + n)`: the tenth mention
/// says less than the second. A new feature is a field here, one in [`Features`] and a term of
/// [`Weights::score`] (being a quotation's speaker was tried so and chose weight 0: docs/salience.md).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// Of `ln(1 + mentions)`.
    pub mentions: f64,
    /// Of [`Features::early`].
    pub early: f64,
}

/// The weights of every analysis (see the [module docs](self)): a first mention in the headline adds
/// 4 to the score, in the second sentence 2, in the fifth 0.8; one mention gives ln 2 = 0.7, ten
/// give ln 11 = 2.4.
pub const WEIGHTS: Weights = Weights { mentions: 1.0, early: 4.0 };

impl Weights {
    /// The score of an entity with `features`: 0 or more.
    pub fn score(&self, features: &Features) -> f64 {
        let log = |n: usize| (n as f64).ln_1p();
        self.mentions * log(features.mentions) + self.early * features.early
    }
}

/// Whether entities with `label` are named entities, which have a salience: people,
/// organizations, places and other names, not dates or amounts.
pub fn is_named(label: Label) -> bool {
    matches!(label, Label::Person | Label::Org | Label::Loc | Label::Misc)
}

/// The features of each group of `entities` (which must be `groups`' mentions, in order, as the
/// analysis of `document` gives them; byte offsets), `None` for a group that is not
/// [named](is_named).
pub fn features(document: &Document, entities: &[Entity], groups: &[EntityGroup]) -> Vec<Option<Features>> {
    let mut features: Vec<Option<Features>> = groups
        .iter()
        .map(|group| is_named(group.label).then(|| Features { mentions: group.count, ..Features::default() }))
        .collect();
    let mut mentions = entities.iter().peekable();
    for (index, sentence) in document.sentences().iter().enumerate() {
        while let Some(mention) = mentions.next_if(|m| m.span.start < sentence.span.end) {
            let Some(Some(group)) = features.get_mut(mention.group) else { continue };
            if mention.span.start < sentence.span.start {
                continue;
            }
            if group.early == 0.0 {
                group.early = 1.0 / (1 + index) as f64;
            }
        }
    }
    features
}

/// Each group's salience from its score (`None` for a group that is not named, which gets 0): its
/// share of the sum, in thousandths, rounded so that the shares of the named groups sum to exactly
/// 1 (largest remainders round up); equal shares when every score is 0.
pub fn shares(scores: &[Option<f64>]) -> Vec<f64> {
    let named = scores.iter().flatten().count();
    let total: f64 = scores.iter().flatten().map(|s| s.max(0.0)).sum();
    let share = |score: f64| if total > 0.0 { score.max(0.0) / total } else { 1.0 / named as f64 };
    // Thousandths rounded down, and what rounding down left out of each.
    let mut thousandths: Vec<(usize, u32, f64)> = Vec::with_capacity(named);
    for (index, score) in scores.iter().enumerate() {
        if let Some(&score) = score.as_ref() {
            let exact = share(score) * 1000.0;
            let floor = exact.floor().clamp(0.0, 1000.0);
            thousandths.push((index, floor as u32, exact - floor));
        }
    }
    let given: u32 = thousandths.iter().map(|t| t.1).sum();
    let missing = (1000u32.saturating_sub(given) as usize).min(thousandths.len());
    if missing > 0 {
        // The `missing` largest remainders, found in linear time; ties go to the earlier group.
        let by_remainder =
            |a: &(usize, u32, f64), b: &(usize, u32, f64)| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0));
        thousandths.select_nth_unstable_by(missing - 1, by_remainder);
        for entry in &mut thousandths[..missing] {
            entry.1 += 1;
        }
    }
    let mut salience = vec![0.0; scores.len()];
    for (index, value, _) in thousandths {
        salience[index] = f64::from(value) / 1000.0;
    }
    salience
}

/// Sets the [`salience`](EntityGroup::salience) of each of `groups`, the groups of `entities` in
/// `document` (byte offsets), with [`WEIGHTS`].
pub fn set_salience(document: &Document, entities: &[Entity], groups: &mut [EntityGroup]) {
    let scores: Vec<Option<f64>> =
        features(document, entities, groups).iter().map(|f| f.as_ref().map(|f| WEIGHTS.score(f))).collect();
    for (group, salience) in groups.iter_mut().zip(shares(&scores)) {
        group.salience = salience;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::group;
    use crate::span::Span;
    use crate::Analyzer;

    #[test]
    fn shares_sum_to_one_in_thousandths() {
        let salience = shares(&[Some(1.0), None, Some(1.0), Some(1.0)]);
        assert_eq!(salience, [0.334, 0.0, 0.333, 0.333]);
        assert_eq!(shares(&[Some(0.0), Some(0.0)]), [0.5, 0.5]);
        assert_eq!(shares(&[None, None]), [0.0, 0.0]);
        assert!(shares(&[]).is_empty());
        let many: Vec<Option<f64>> = (0..3000).map(|i| Some(f64::from(i % 7))).collect();
        let sum: u32 = shares(&many).iter().map(|s| (s * 1000.0).round() as u32).sum();
        assert_eq!(sum, 1000);
    }

    #[test]
    fn ranked_puts_the_most_salient_named_groups_first() {
        let group = |label, salience| EntityGroup { salience, ..EntityGroup::new(String::new(), label, 0) };
        let groups = [
            group(Label::Org, 0.2),
            group(Label::Date, 0.0),
            group(Label::Person, 0.6),
            group(Label::Loc, 0.2),
        ];
        assert_eq!(ranked(&groups), [2, 0, 3]);
    }

    #[test]
    fn features_count_mentions_and_the_sentence_of_the_first() {
        let text = "Acme buys Nordvik\n\nAcme said on Monday it would buy Nordvik Shipping. The deal was \
                    praised. Oslo welcomed it. Later, Jane Doe of Nordvik said she was glad. Nordvik rose.";
        let document = Document::new(text);
        let mut entities: Vec<Entity> = [
            ("Acme", 0, Label::Org),
            ("Nordvik", 0, Label::Org),
            ("Acme", 1, Label::Org),
            ("Monday", 0, Label::Date),
            ("Nordvik Shipping", 0, Label::Org),
            ("Oslo", 0, Label::Loc),
            ("Jane Doe", 0, Label::Person),
            ("Nordvik", 2, Label::Org),
            ("Nordvik", 3, Label::Org),
        ]
        .iter()
        .map(|&(name, nth, label)| {
            let start = text.match_indices(name).nth(nth).expect("in the text").0;
            Entity::new(text, Span::new(start, start + name.len()), label)
        })
        .collect();
        let groups = group(&mut entities);
        let features = features(&document, &entities, &groups);
        let of = |name: &str| {
            let index = groups.iter().position(|g| g.text == name).expect(name);
            features[index].expect("a named group")
        };
        let (acme, nordvik, oslo, jane) = (of("Acme"), of("Nordvik Shipping"), of("Oslo"), of("Jane Doe"));
        assert_eq!((acme.mentions, nordvik.mentions, oslo.mentions, jane.mentions), (2, 4, 1, 1));
        // Sentences: the headline, "Acme said ...", "The deal ...", "Oslo ...", "Later, Jane Doe ...".
        assert_eq!((acme.early, nordvik.early, oslo.early, jane.early), (1.0, 1.0, 0.25, 0.2));
        let monday = groups.iter().position(|g| g.label == Label::Date).expect("a date");
        assert_eq!(features[monday], None);
    }

    #[test]
    fn the_entity_a_story_is_about_ranks_first() {
        let text = "Nordvik Shipping to cut 500 jobs\n\nNordvik Shipping said on Monday it would cut 500 \
                    jobs in Oslo. The company's chief, Jane Doe, said Nordvik had no choice. Unions in \
                    Bergen and Oslo protested. Nordvik's shares fell 3% in London.";
        let analysis = Analyzer::new().analyze(text);
        let named: Vec<&EntityGroup> = analysis.groups.iter().filter(|g| is_named(g.label)).collect();
        let top = named.iter().max_by(|a, b| a.salience.total_cmp(&b.salience)).expect("named groups");
        assert_eq!(top.text, "Nordvik Shipping");
        let sum: f64 = named.iter().map(|g| g.salience).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
        assert!(analysis.groups.iter().filter(|g| !is_named(g.label)).all(|g| g.salience == 0.0));
    }
}
