//! The invariants every analysis keeps, whatever the text and the custom entities: checked by the
//! property tests (tests/properties.rs) and by the fuzz targets (fuzz/), which include this file by
//! path so that both assert the same thing.

use article_analyzer::entity::MIN_CONFIDENCE;
use article_analyzer::{token::tokenize, Analysis};

/// Checks every invariant of `analysis`, the analysis of `text`; panics with the first one broken.
///
/// Sentences: in order, non-overlapping, on character boundaries, trimmed, covering every
/// non-whitespace character. Tokens: the same order and coverage. Entities: in order,
/// non-overlapping, within the text on character boundaries, their `text` the slice they span, their
/// confidence in [[`MIN_CONFIDENCE`], 1] (the model's less likely names are left out).
/// Groups: in order of first mention, counting every mention once; their salience in thousandths
/// of [0, 1], summing to exactly 1 over the named groups (if any), 0 for the others. Quotes: in order,
/// non-overlapping, each opening with a quote mark, its speaker's `text` the slice it spans and its
/// `group` a group, its cue inside the text. UTF-16: the converted offsets span the same text.
pub fn assert_invariants(text: &str, analysis: &Analysis) {
    let mut covered = 0;
    for sentence in &analysis.sentences {
        assert!(sentence.start >= covered && sentence.start < sentence.end, "order: {sentence:?}");
        assert!(text.is_char_boundary(sentence.start) && text.is_char_boundary(sentence.end));
        let slice = sentence.slice(text);
        assert_eq!(slice.trim(), slice, "sentence not trimmed: {slice:?}");
        assert!(text[covered..sentence.start].trim().is_empty(), "uncovered text before {sentence:?}");
        covered = sentence.end;
    }
    assert!(text[covered..].trim().is_empty(), "uncovered text at the end");
    let mut token_end = 0;
    for token in tokenize(text) {
        assert!(token.start >= token_end && token.start < token.end, "token order: {token:?}");
        assert!(text[token_end..token.start].trim().is_empty(), "uncovered text before {token:?}");
        token_end = token.end;
    }
    let mut previous_end = 0;
    for entity in &analysis.entities {
        let span = entity.span;
        assert!(span.start >= previous_end && span.start < span.end, "entity order: {entity:?}");
        assert!(span.end <= text.len(), "entity past the end: {entity:?}");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{entity:?}");
        assert_eq!(span.slice(text), entity.text);
        let confidence = entity.confidence;
        assert!((MIN_CONFIDENCE..=1.0).contains(&confidence), "confidence out of range: {entity:?}");
        previous_end = span.end;
    }
    assert_groups(analysis);
    assert_quotes(text, analysis);
    assert_utf16_consistent(text, analysis);
}

/// See [`assert_invariants`].
fn assert_quotes(text: &str, analysis: &Analysis) {
    let mut previous_end = 0;
    for quote in &analysis.quotes {
        assert!(
            quote.start >= previous_end && quote.start < quote.end && quote.end <= text.len(),
            "{quote:?}"
        );
        let slice =
            text.get(quote.start..quote.end).unwrap_or_else(|| panic!("not on boundaries: {quote:?}"));
        assert!(slice.starts_with(['"', '“', '”', '„', '″']), "no opening mark: {slice:?}");
        if let Some(speaker) = &quote.speaker {
            assert_eq!(text.get(speaker.start..speaker.end), Some(speaker.text.as_str()), "{quote:?}");
            assert!(speaker.group.is_none_or(|g| g < analysis.groups.len()), "{quote:?}");
        }
        if let Some(cue) = quote.cue {
            assert!(cue.start < cue.end && text.get(cue.start..cue.end).is_some(), "{quote:?}");
        }
        previous_end = quote.end;
    }
}

/// Groups come in order of first mention, each `first` the start of the first mention whose
/// `group` it is, with the group's label; each mention's `group` is a group of its label, and
/// each group counts its mentions. Entities must be in order.
fn assert_groups(analysis: &Analysis) {
    let mut previous_first = None;
    for (index, group) in analysis.groups.iter().enumerate() {
        assert!(previous_first < Some(group.first), "groups out of order at {group:?}");
        let mention = mention_at(analysis, group.first);
        assert_eq!(analysis.entities[mention].label, group.label, "{group:?}");
        assert_eq!(analysis.entities[mention].group, index, "the first mention of {group:?}");
        previous_first = Some(group.first);
    }
    let mut counts = vec![0; analysis.groups.len()];
    for entity in &analysis.entities {
        let group = analysis.groups.get(entity.group).unwrap_or_else(|| panic!("no group for {entity:?}"));
        assert_eq!(group.label, entity.label, "{entity:?} in {group:?}");
        assert!(group.first <= entity.span.start, "{entity:?} before the first mention of {group:?}");
        counts[entity.group] += 1;
    }
    for (group, count) in analysis.groups.iter().zip(counts) {
        assert_eq!(group.count, count, "mentions of {group:?}");
    }
    let mut named = (0, 0);
    for group in &analysis.groups {
        let thousandths = group.salience * 1000.0;
        assert!((0.0..=1000.0).contains(&thousandths), "salience out of range: {group:?}");
        assert!((thousandths - thousandths.round()).abs() < 1e-6, "salience in thousandths: {group:?}");
        if article_analyzer::salience::is_named(group.label) {
            named = (named.0 + 1, named.1 + thousandths.round() as u32);
        } else {
            assert_eq!(group.salience, 0.0, "a date or amount has no salience: {group:?}");
        }
    }
    assert!(named.0 == 0 || named.1 == 1000, "the named groups' saliences sum to {} thousandths", named.1);
}

/// [`Analysis::to_utf16`] keeps every item, and each converted span holds the same text.
fn assert_utf16_consistent(text: &str, analysis: &Analysis) {
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let converted = analysis.to_utf16(text);
    assert_eq!(converted.sentences.len(), analysis.sentences.len());
    assert_eq!(converted.entities.len(), analysis.entities.len());
    assert_eq!(converted.groups.len(), analysis.groups.len());
    for (bytes, units) in analysis.sentences.iter().zip(&converted.sentences) {
        assert_eq!(String::from_utf16(&utf16[units.start..units.end]).unwrap(), bytes.slice(text));
    }
    for (bytes, units) in analysis.entities.iter().zip(&converted.entities) {
        assert_eq!(String::from_utf16(&utf16[units.span.start..units.span.end]).unwrap(), bytes.text);
    }
    for (bytes, units) in analysis.groups.iter().zip(&converted.groups) {
        let mention = mention_at(analysis, bytes.first);
        assert_eq!(units.first, converted.entities[mention].span.start, "group {bytes:?}");
    }
    assert_eq!(converted.quotes.len(), analysis.quotes.len());
    let slice = |start: usize, end: usize| String::from_utf16(&utf16[start..end]).unwrap();
    for (bytes, units) in analysis.quotes.iter().zip(&converted.quotes) {
        assert_eq!(slice(units.start, units.end), text[bytes.start..bytes.end]);
        if let (Some(b), Some(u)) = (&bytes.speaker, &units.speaker) {
            assert_eq!(slice(u.start, u.end), b.text);
            assert_eq!(u.group, b.group);
        }
        assert_eq!(bytes.speaker.is_some(), units.speaker.is_some());
        if let (Some(b), Some(u)) = (bytes.cue, units.cue) {
            assert_eq!(slice(u.start, u.end), text[b.start..b.end]);
        }
    }
}

/// The index of the mention that starts at byte `start`; panics when none does.
fn mention_at(analysis: &Analysis, start: usize) -> usize {
    let found = analysis.entities.binary_search_by_key(&start, |e| e.span.start);
    found.unwrap_or_else(|_| panic!("no mention starts at {start}"))
}
