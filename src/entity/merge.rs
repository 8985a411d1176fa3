//! The merge of the three sources of mentions (custom entities, rules, the model) into one sorted
//! list in which no two overlap; the policy is on [`EntityTagger`](super::EntityTagger).

use std::ops::Range;

use super::{Entity, Label};
use crate::document::Document;
use crate::token::{partition_point_near, Token, TokenKind};

/// Merges the three sources into sorted, non-overlapping mentions; see [`EntityTagger`](super::EntityTagger).
pub(super) fn merge(
    document: &Document,
    custom: Vec<Entity>,
    rules: Vec<Entity>,
    model: Vec<(Entity, Range<usize>)>,
) -> Vec<Entity> {
    let (text, tokens) = (document.text(), document.tokens());
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
        let range = document.token_range(entity.span, custom_near);
        custom_near = range.start;
        keep(entity, range, &mut taken);
    }
    let (mut rule_near, mut model_near) = (0, 0);
    for rule in rules {
        let range = document.token_range(rule.span, rule_near);
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
            let span = document.span_of(run.clone());
            let range = document.token_range(span, run.start);
            let cut = Entity::new(text, span, mention.label).with_confidence(mention.confidence);
            keep(cut, range, &mut taken);
        }
    }
    merged.sort_by_key(|e| (e.span.start, e.span.end));
    merged
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::tests::pairs;
    use crate::entity::{custom, rules, CustomEntity};
    use crate::span::Span;

    /// The mention of the first occurrence of `needle` in `text`.
    fn at(text: &str, needle: &str, label: Label) -> Entity {
        let start = text.find(needle).expect("needle in text");
        Entity::new(text, Span::new(start, start + needle.len()), label)
    }

    /// Merges `custom` matches of `entities`, the rules' mentions and the given model mentions.
    fn merged(text: &str, entities: Vec<CustomEntity>, model: Vec<Entity>) -> Vec<(String, Label)> {
        let document = Document::new(text);
        let custom = custom::Gazetteer::new(entities).unwrap().find(&document);
        let rules = rules::tag(&document);
        let model =
            model.into_iter().map(|e| (document.token_range(e.span, 0), e)).map(|(r, e)| (e, r)).collect();
        let result = merge(&document, custom, rules, model);
        for pair in result.windows(2) {
            assert!(pair[0].span.end <= pair[1].span.start, "overlap in {result:?}");
        }
        for entity in &result {
            assert_eq!(entity.span.slice(text), entity.text);
        }
        result.into_iter().map(|e| (e.text, e.label)).collect()
    }

    fn custom(name: &str, label: Label) -> CustomEntity {
        CustomEntity { name: name.into(), label, aliases: Vec::new(), url: None }
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
}
