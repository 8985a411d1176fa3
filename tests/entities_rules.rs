//! Golden tests for the rule-based entities (DATE, TIME, MONEY, PERCENT, QUANTITY): every case of
//! `tests/golden/entities_rules.txt` (a text with its expected mentions bracketed in place, as in
//! `cost the company [MONEY $20 billion] in funding`) must come out of [`rules::tag`] exactly,
//! independently of the statistical model. Then property tests: the annotated format reads back
//! what it writes, and on arbitrary mixes of the words the rules and custom entities look at, the
//! merged mentions are sorted, non-overlapping, on character boundaries and equal to their slice
//! of the text.

/// The annotated format of the golden cases, shared with the unit tests of `entity::rules`.
mod annotated {
    include!("golden/annotated.rs");
}

use annotated::Mention;
use article_analyzer::entity::rules;
use article_analyzer::{Analyzer, CustomEntity, Document, Label};
use proptest::prelude::*;

/// The mentions the rules find in `text`.
fn rule_mentions(text: &str) -> Vec<Mention> {
    rules::tag(&Document::new(text))
        .into_iter()
        .map(|e| Mention {
            span: e.span.start..e.span.end,
            label: e.label.as_str().to_string(),
            text: e.text,
        })
        .collect()
}

#[test]
fn every_golden_rule_case_passes() {
    let cases = annotated::cases(include_str!("golden/entities_rules.txt"))
        .unwrap_or_else(|error| panic!("tests/golden/entities_rules.txt, {error}"));
    assert!(cases.len() >= 88, "the golden file lost cases: {} left", cases.len());
    annotated::assert_cases_pass(&cases, rule_mentions);
}

#[test]
fn malformed_annotations_are_refused_with_the_column() {
    for (annotated, error) in [
        ("cost [MONEY $20 billion in funding", "column 6: [MONEY is never closed"),
        ("cost $20] in funding", "column 9: ] closes no mention; write \\] for a literal bracket"),
        ("cost [$20] in funding", "column 6: [ opens no [LABEL text]"),
        ("cost [money $20] in funding", "column 6: [ opens no [LABEL text]"),
        ("cost [MONEY] in funding", "column 6: [ opens no [LABEL text]"),
        ("cost [MONEY ] in funding", "column 6: the mention [MONEY ] has no text"),
        ("in [DATE [DATE May] 5]", "column 10: mentions do not nest"),
        (r"a \n here", r"column 3: a backslash escapes only [, ] or \"),
        (r"a trailing \\\", r"column 14: a backslash escapes only [, ] or \"),
    ] {
        let refused = annotated::parse(annotated).expect_err(annotated);
        assert!(refused.starts_with(error), "{annotated:?} gave {refused:?}");
    }
    let refused = annotated::cases("# fine\nIt is [DATE May].\n\nIt is May].").expect_err("a stray bracket");
    assert!(refused.starts_with("line 4: column 10:"), "{refused:?}");
}

#[test]
fn cases_are_named_by_the_comment_directly_above() {
    let cases =
        annotated::cases("# source\n\n# first\n  It is \\[not\\] [DATE May].  \nNothing here.\n").unwrap();
    let read: Vec<_> =
        cases.iter().map(|c| (c.line, c.name.as_deref(), c.text.as_str(), c.expected.len())).collect();
    assert_eq!(read, [(4, Some("first"), "It is [not] May.", 1), (5, None, "Nothing here.", 0)]);
}

/// A text cut into pieces, each plain or a mention with a label, from characters the format
/// escapes, characters of several bytes and line breaks.
fn annotated_pieces() -> impl Strategy<Value = Vec<(String, Option<&'static str>)>> {
    let piece =
        prop::collection::vec(prop::sample::select(vec!['[', ']', '\\', ' ', 'a', 'é', '😀', '\n']), 1..6)
            .prop_map(|chars| chars.into_iter().collect::<String>());
    let label = prop::option::of(prop::sample::select(vec!["MONEY", "DATE"]));
    prop::collection::vec((piece, label), 0..8)
}

proptest! {
    #[test]
    fn parse_reads_back_what_annotate_writes(pieces in annotated_pieces()) {
        let mut text = String::new();
        let mut mentions = Vec::new();
        for (piece, label) in pieces {
            if let Some(label) = label {
                let span = text.len()..text.len() + piece.len();
                mentions.push(Mention { span, label: label.to_string(), text: piece.clone() });
            }
            text.push_str(&piece);
        }
        let annotated = annotated::annotate(&text, &mentions);
        prop_assert_eq!(annotated::parse(&annotated), Ok((text, mentions)));
    }
}

/// Pieces that exercise every rule family and the custom matcher, with odd characters between.
fn rule_text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "$",
        "US",
        "€",
        "£",
        "3.5m",
        "20",
        "1,000",
        "2019",
        "2019-20",
        "%",
        "percent",
        "per",
        "cent",
        "billion",
        "five",
        "twenty-five",
        "a",
        "miles",
        "kg",
        "10km",
        "3",
        ":",
        "30",
        "p.m.",
        "ET",
        "0600",
        "GMT",
        "noon",
        "May",
        "Jan.",
        "5",
        "5th",
        ",",
        "January",
        "Tuesday",
        "last",
        "the",
        "end",
        "of",
        "year",
        "two",
        "years",
        "ago",
        "first",
        "quarter",
        "fiscal",
        "Q3",
        "/",
        "-",
        "Open",
        "AI",
        "OpenAI",
        "'s",
        "’s",
        "OPENAI",
        ".",
        "\n",
        "\n\n",
        "😀",
        "é",
        "\u{301}",
        "\u{200f}",
        "\0",
        "\r",
    ]);
    let gap = prop::sample::select(vec!["", " ", " ", " ", "\t"]);
    prop::collection::vec((piece, gap), 0..40)
        .prop_map(|pieces| pieces.into_iter().flat_map(|(p, g)| [p, g]).collect())
}

proptest! {
    #[test]
    fn merged_mentions_are_clean_on_arbitrary_text(text in rule_text()) {
        let analyzer = Analyzer::with_custom_entities(vec![
            CustomEntity { name: "OpenAI".into(), label: Label::Org, aliases: vec!["Open AI".into()], url: None },
            CustomEntity { name: "May".into(), label: Label::Person, aliases: Vec::new(), url: None },
        ])
        .unwrap();
        let analysis = analyzer.analyze(&text);
        let mut previous_end = 0;
        for entity in &analysis.entities {
            prop_assert!(entity.span.start >= previous_end && entity.span.start < entity.span.end);
            prop_assert!(text.is_char_boundary(entity.span.start) && text.is_char_boundary(entity.span.end));
            prop_assert_eq!(entity.span.slice(&text), entity.text.as_str());
            previous_end = entity.span.end;
        }
        let mentions: usize = analysis.groups.iter().map(|g| g.count).sum();
        prop_assert_eq!(mentions, analysis.entities.len());
    }
}
