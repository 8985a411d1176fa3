//! Entity mentions: labels, spans, and the distinct entities they refer to.

#[doc(hidden)]
pub mod decode;
#[doc(hidden)]
pub mod features;
pub mod model;

pub mod custom;
mod refine;
pub mod rules;

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use custom::{CustomEntity, CustomEntityError};

use crate::sentence::Sentence;
use crate::span::Span;
use crate::token::{Token, TokenKind};

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

/// One entity mention in a text. Serializes flat: `{"start", "end", "label", "text"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Where the mention is.
    pub span: Span,
    /// What it is.
    pub label: Label,
    /// The mention's text.
    pub text: String,
}

/// A struct of four fields, not `#[serde(flatten)]`, which would make it a map: serde-wasm-bindgen
/// then sends every key of every mention to JavaScript as a new string.
impl Serialize for Entity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut entity = serializer.serialize_struct("Entity", 4)?;
        entity.serialize_field("start", &self.span.start)?;
        entity.serialize_field("end", &self.span.end)?;
        entity.serialize_field("label", &self.label)?;
        entity.serialize_field("text", &self.text)?;
        entity.end()
    }
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
#[derive(Clone, Debug, Default)]
pub struct EntityTagger {
    custom: custom::Gazetteer,
}

impl EntityTagger {
    /// Creates a tagger that also finds `entities`, with the semantics of [`custom`].
    pub fn with_custom_entities(entities: Vec<CustomEntity>) -> Result<EntityTagger, CustomEntityError> {
        Ok(EntityTagger { custom: custom::Gazetteer::new(entities)? })
    }

    /// Tags the entities of `text`, given its tokens and sentences.
    pub fn tag(&self, text: &str, tokens: &[Token], sentences: &[Sentence]) -> Vec<Entity> {
        let custom = self.custom.find(text, tokens);
        let rules = rules::tag(text, tokens, sentences);
        let model = self.model_entities(text, tokens, sentences);
        merge(text, tokens, custom, rules, model)
    }

    /// The statistical model's PERSON, ORG, LOC and MISC mentions, with their token ranges.
    fn model_entities(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
    ) -> Vec<(Entity, Range<usize>)> {
        refine::apply(text, tokens, sentences, model::Model::embedded().tag(text, tokens, sentences))
    }

    /// Groups mentions into distinct entities like [`group`], except that mentions spelling a
    /// custom entity's name or alias (with its label) group under its name.
    pub fn group(&self, entities: &[Entity]) -> Vec<EntityGroup> {
        group_by(entities, |entity| {
            let text = canonical_text(&entity.text);
            match self.custom.name_of(&text, entity.label) {
                Some(name) => Cow::Owned(name.to_string()),
                None => text,
            }
        })
    }
}

/// The token indices that `span` covers (tokens partly inside count). The search starts at token
/// `near` (see [`partition_point_near`]): callers that go through spans in text order pass the start
/// of their previous answer.
fn token_range(tokens: &[Token], span: Span, near: usize) -> Range<usize> {
    let first = partition_point_near(tokens, near, |t| t.end <= span.start);
    let end = partition_point_near(tokens, first, |t| t.start < span.end);
    first..end.max(first)
}

/// `entities` (in text order, for speed) with the token ranges they cover.
fn with_token_ranges(tokens: &[Token], entities: Vec<Entity>) -> Vec<(Entity, Range<usize>)> {
    let mut near = 0;
    entities
        .into_iter()
        .map(|entity| {
            let range = token_range(tokens, entity.span, near);
            near = range.start;
            (entity, range)
        })
        .collect()
}

/// `items.partition_point(pred)`, searched from index `near` onward when the point lies there: the
/// step doubles until it passes the point, so a point a few items on costs a few reads of nearby
/// items, where a binary search over a long text's million tokens would miss the cache at each of
/// its 20 steps. Any `near` gives the same answer; a point before `near` is binary-searched.
fn partition_point_near<T>(items: &[T], near: usize, pred: impl Fn(&T) -> bool) -> usize {
    let near = near.min(items.len());
    if near > 0 && !pred(&items[near - 1]) {
        return items[..near].partition_point(pred);
    }
    // Every item before `low` satisfies `pred`.
    let (mut low, mut step) = (near, 1);
    while low + step <= items.len() && pred(&items[low + step - 1]) {
        low += step;
        step *= 2;
    }
    let high = (low + step).min(items.len());
    low + items[low..high].partition_point(pred)
}

/// Whether token `token` can carry a name on its own: capitalized and not a word that merely opens
/// sentences ("The" left over from a cut "The $" is not a name).
fn is_name_word(text: &str, token: &Token) -> bool {
    let word = token.text(text);
    word.starts_with(char::is_uppercase) && !crate::abbreviation::is_sentence_starter(word)
}

/// The maximal runs of tokens in `range` that are not taken.
fn free_runs(taken: &[bool], range: Range<usize>) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for k in range.clone() {
        match (taken[k], start) {
            (false, None) => start = Some(k),
            (true, Some(s)) => {
                runs.push(s..k);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push(s..range.end);
    }
    runs
}

/// `run` without punctuation, a possessive "'s" or a lowercase word at either edge: what is left of
/// a cut name ("more than OpenAI" -> "OpenAI", but "Bank of America" keeps its "of").
fn trim_edges(text: &str, tokens: &[Token], mut run: Range<usize>) -> Range<usize> {
    let is_edge = |k: usize| {
        let word = tokens[k].text(text);
        tokens[k].kind == TokenKind::Punct
            || word.starts_with(|c: char| c.is_lowercase() || c == '\'' || c == '’')
    };
    while !run.is_empty() && is_edge(run.start) {
        run.start += 1;
    }
    while !run.is_empty() && is_edge(run.end - 1) {
        run.end -= 1;
    }
    run
}

/// Whether `tokens` and `sentences` describe `text` as [`tokenize`](crate::token::tokenize) and
/// [`split_tokens`](crate::sentence::split_tokens) would: tokens inside the text, sentences in order
/// and within the tokens. The public taggers accept tokens and sentences from elsewhere, and tag
/// nothing rather than panic when they do not.
pub(crate) fn describes(text: &str, tokens: &[Token], sentences: &[Sentence]) -> bool {
    sentences.iter().all(|s| s.tokens.start <= s.tokens.end && s.tokens.end <= tokens.len())
        && sentences.windows(2).all(|w| w[0].tokens.end <= w[1].tokens.start)
        && tokens.iter().all(|t| t.start <= t.end && text.get(t.start..t.end).is_some())
}

/// Merges the three sources into sorted, non-overlapping mentions; see [`EntityTagger`].
fn merge(
    text: &str,
    tokens: &[Token],
    custom: Vec<Entity>,
    rules: Vec<Entity>,
    model: Vec<(Entity, Range<usize>)>,
) -> Vec<Entity> {
    let mut taken = vec![false; tokens.len()];
    let mut merged = Vec::with_capacity(custom.len() + rules.len() + model.len());
    let mut keep = |entity: Entity, range: Range<usize>, taken: &mut [bool]| {
        taken[range].fill(true);
        merged.push(entity);
    };
    // Each source is in text order: each token search starts where the previous one ended.
    let mut custom_near = 0;
    // 1. Custom matches are non-overlapping already.
    for entity in custom {
        let range = token_range(tokens, entity.span, custom_near);
        custom_near = range.start;
        keep(entity, range, &mut taken);
    }
    let (mut rule_near, mut model_near) = (0, 0);
    for rule in rules {
        let range = token_range(tokens, rule.span, rule_near);
        rule_near = range.start;
        if taken[range.clone()].contains(&true) {
            continue;
        }
        // 2. A date or time inside a longer name.
        let inside_name = matches!(rule.label, Label::Date | Label::Time) && {
            model_near = partition_point_near(&model, model_near, |(m, _)| m.span.end <= rule.span.start);
            model[model_near..].iter().take_while(|(m, _)| m.span.start < rule.span.end).any(|(_, name)| {
                name.start <= range.start
                    && range.end <= name.end
                    && (name.start..range.start)
                        .chain(range.end..name.end)
                        .any(|k| is_name_word(text, &tokens[k]))
            })
        };
        // 3. Otherwise the rule wins.
        if !inside_name {
            keep(rule, range, &mut taken);
        }
    }
    // 4. Model spans, cut back to what is free.
    for (mention, range) in model {
        if !taken[range.clone()].contains(&true) {
            keep(mention, range, &mut taken);
            continue;
        }
        let mut best: Option<Range<usize>> = None;
        for run in free_runs(&taken, range) {
            let run = trim_edges(text, tokens, run);
            let named = run.clone().any(|k| is_name_word(text, &tokens[k]));
            if named && best.as_ref().is_none_or(|b| run.len() > b.len()) {
                best = Some(run);
            }
        }
        if let Some(run) = best {
            let span = Span::new(tokens[run.start].start, tokens[run.end - 1].end);
            let range = token_range(tokens, span, run.start);
            keep(
                Entity { span, label: mention.label, text: span.slice(text).to_string() },
                range,
                &mut taken,
            );
        }
    }
    merged.sort_by_key(|e| (e.span.start, e.span.end));
    merged
}

/// Groups mentions into distinct entities, in order of first mention: mentions with the same label
/// and [canonical text](canonical_text) are one entity ("OpenAI" and "OpenAI's", "Microsoft's" and
/// "Microsoft’s").
///
/// ```
/// use article_analyzer::{entity, Entity, Label, Span};
///
/// let mention = |start, text: &str| Entity { span: Span::new(start, start + text.len()), label: Label::Org, text: text.into() };
/// let groups = entity::group(&[mention(0, "Microsoft’s"), mention(20, "OpenAI"), mention(40, "Microsoft")]);
/// assert_eq!((groups[0].text.as_str(), groups[0].count, groups[0].first), ("Microsoft", 2, 0));
/// assert_eq!((groups[1].text.as_str(), groups[1].count, groups[1].first), ("OpenAI", 1, 20));
/// ```
pub fn group(entities: &[Entity]) -> Vec<EntityGroup> {
    group_by(entities, |entity| canonical_text(&entity.text))
}

/// Groups mentions by label and the text `canonical` gives each, in a map hashed by
/// [`WordHashes`](features::WordHashes): std's SipHash costs more than the look-up of a short name.
fn group_by<'a>(entities: &'a [Entity], canonical: impl Fn(&'a Entity) -> Cow<'a, str>) -> Vec<EntityGroup> {
    let mut groups: Vec<EntityGroup> = Vec::new();
    let mut index: HashMap<(Cow<str>, Label), usize, features::WordHashes> = HashMap::default();
    for entity in entities {
        let text = canonical(entity);
        match index.entry((text, entity.label)) {
            Entry::Occupied(slot) => groups[*slot.get()].count += 1,
            Entry::Vacant(slot) => {
                let text = slot.key().0.to_string();
                slot.insert(groups.len());
                groups.push(EntityGroup { text, label: entity.label, count: 1, first: entity.span.start });
            }
        }
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
    use crate::sentence::split_tokens;
    use crate::token::tokenize;

    /// The mention of the first occurrence of `needle` in `text`.
    fn at(text: &str, needle: &str, label: Label) -> Entity {
        let start = text.find(needle).expect("needle in text");
        Entity { span: Span::new(start, start + needle.len()), label, text: needle.to_string() }
    }

    /// Merges `custom` matches of `entities`, the rules' mentions and the given model mentions.
    fn merged(text: &str, entities: Vec<CustomEntity>, model: Vec<Entity>) -> Vec<(String, Label)> {
        let tokens = tokenize(text);
        let sentences = split_tokens(text, &tokens);
        let custom = custom::Gazetteer::new(entities).unwrap().find(text, &tokens);
        let rules = rules::tag(text, &tokens, &sentences);
        let result = merge(text, &tokens, custom, rules, with_token_ranges(&tokens, model));
        for pair in result.windows(2) {
            assert!(pair[0].span.end <= pair[1].span.start, "overlap in {result:?}");
        }
        for entity in &result {
            assert_eq!(entity.span.slice(text), entity.text);
        }
        result.into_iter().map(|e| (e.text, e.label)).collect()
    }

    /// Expected `(text, label)` mentions, shared by the tests of this module and of its children.
    pub(super) fn pairs(expected: &[(&str, Label)]) -> Vec<(String, Label)> {
        expected.iter().map(|&(t, l)| (t.to_string(), l)).collect()
    }

    fn custom(name: &str, label: Label) -> CustomEntity {
        CustomEntity { name: name.into(), label, aliases: Vec::new() }
    }

    #[test]
    fn a_search_from_any_start_finds_the_partition_point() {
        let items = [1, 1, 2, 3, 5, 8, 8, 8, 13, 21, 34];
        for threshold in 0..36 {
            let pred = |&x: &i32| x < threshold;
            for near in 0..items.len() + 3 {
                assert_eq!(
                    partition_point_near(&items, near, pred),
                    items.partition_point(pred),
                    "threshold {threshold}, near {near}"
                );
            }
        }
    }

    #[test]
    fn a_mention_serializes_as_one_flat_object() {
        let acme = Entity { span: Span::new(4, 8), label: Label::Org, text: "Acme".to_string() };
        let json = serde_json::to_string(&acme).expect("serializes");
        assert_eq!(json, r#"{"start":4,"end":8,"label":"ORG","text":"Acme"}"#);
    }

    #[test]
    fn custom_matches_win_and_cut_model_spans() {
        let text = "Microsoft 365 Copilot launched on Tuesday.";
        let model = vec![at(text, "Microsoft 365 Copilot", Label::Misc), at(text, "Tuesday", Label::Org)];
        assert_eq!(
            merged(text, vec![custom("Microsoft", Label::Org), custom("Tuesday", Label::Misc)], model),
            pairs(&[("Microsoft", Label::Org), ("365 Copilot", Label::Misc), ("Tuesday", Label::Misc)])
        );
    }

    #[test]
    fn a_name_wins_over_a_date_inside_it() {
        let text = "Tuesday Morning Corp said it would close stores on Tuesday.";
        let model = vec![at(text, "Tuesday Morning Corp", Label::Org)];
        assert_eq!(
            merged(text, Vec::new(), model),
            pairs(&[("Tuesday Morning Corp", Label::Org), ("Tuesday", Label::Date)])
        );
    }

    #[test]
    fn amounts_and_dates_win_over_model_spans_that_cover_them() {
        let text = "Last month, it paid $20 billion, 20% more than OpenAI. The $5 fee stays.";
        let model = vec![
            at(text, "Last", Label::Org),
            at(text, "$20", Label::Misc),
            at(text, "20% more than OpenAI", Label::Misc),
            at(text, "The $", Label::Misc),
        ];
        assert_eq!(
            merged(text, Vec::new(), model),
            pairs(&[
                ("Last month", Label::Date),
                ("$20 billion", Label::Money),
                ("20%", Label::Percent),
                ("OpenAI", Label::Misc),
                ("$5", Label::Money),
            ])
        );
    }

    #[test]
    fn tagger_output_is_sorted_and_groups_use_custom_names() {
        let tagger = EntityTagger::with_custom_entities(vec![CustomEntity {
            name: "OpenAI".into(),
            label: Label::Org,
            aliases: vec!["Open AI".into()],
        }])
        .unwrap();
        let text = "In 2019, Open AI's chief met OpenAI staff. OpenAI’s plan cost $1 billion.";
        let tokens = tokenize(text);
        let entities = tagger.tag(text, &tokens, &split_tokens(text, &tokens));
        assert!(entities.windows(2).all(|p| p[0].span.end <= p[1].span.start));
        let groups = tagger.group(&entities);
        let openai = groups.iter().find(|g| g.label == Label::Org).expect("an ORG group");
        assert_eq!(
            (openai.text.as_str(), openai.count, openai.first),
            ("OpenAI", 3, text.find("Open AI").unwrap())
        );
        // Without the custom entity, the alias is its own group.
        let plain = group(&entities);
        assert_eq!(plain.iter().filter(|g| g.label == Label::Org).count(), 2);
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
        let entities = vec![
            at(text, "OpenAI", Label::Org),
            Entity { span: Span::new(7, 15), label: Label::Org, text: "OpenAI's".into() },
            at(text, "Microsoft's", Label::Org),
            at(text, "Microsoft’s", Label::Org),
            at(text, "Reuters'", Label::Org),
            at(text, "Reuters ", Label::Org),
            at(text, "Microsoft\n365", Label::Misc),
            at(text, "OpenAI", Label::Person),
        ];
        let groups: Vec<(String, Label, usize, usize)> =
            group(&entities).into_iter().map(|g| (g.text, g.label, g.count, g.first)).collect();
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
