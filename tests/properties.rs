#![cfg(not(target_arch = "wasm32"))]
//! Property tests: on arbitrary strings the offsets stay valid and the sentence invariants hold
//! (in order, non-overlapping, trimmed, covering every non-whitespace character), in bytes and
//! in UTF-16 units.

use article_analyzer::{token::tokenize, Analyzer};
use proptest::prelude::*;

/// Checks every invariant of an analysis of `text`; panics with the first one broken.
fn check_invariants(text: &str) {
    let analysis = Analyzer::new().analyze(text);
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
    let mut previous_end = 0;
    for entity in &analysis.entities {
        assert!(entity.span.start >= previous_end && entity.span.start < entity.span.end);
        assert_eq!(entity.span.slice(text), entity.text);
        previous_end = entity.span.end;
    }
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let converted = analysis.to_utf16(text);
    for (bytes, units) in analysis.sentences.iter().zip(&converted.sentences) {
        assert_eq!(String::from_utf16(&utf16[units.start..units.end]).unwrap(), bytes.slice(text));
    }
    for (bytes, units) in analysis.entities.iter().zip(&converted.entities) {
        assert_eq!(String::from_utf16(&utf16[units.span.start..units.span.end]).unwrap(), bytes.text);
    }
    let mut token_end = 0;
    for token in tokenize(text) {
        assert!(token.start >= token_end && token.start < token.end, "token order: {token:?}");
        assert!(text[token_end..token.start].trim().is_empty(), "uncovered text before {token:?}");
        token_end = token.end;
    }
}

/// Characters that stress offsets and rules: emoji, combining marks, RTL, NUL, lone CR, quotes.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("Mr.".to_string()),
            Just("U.S.".to_string()),
            Just(". ".to_string()),
            Just("...".to_string()),
            Just("\r".to_string()),
            Just("\n\n".to_string()),
            Just("\0".to_string()),
            Just("😀👍🏽".to_string()),
            Just("e\u{301}".to_string()),
            Just(" \u{301}".to_string()),
            Just("שלום עולם.".to_string()),
            Just("“Quote.” ".to_string()),
            Just("(1) ".to_string()),
            Just("https://x.io/a_(b). ".to_string()),
            "[A-Za-z]{1,8}",
            "[ .!?\"'()]{1,3}",
            any::<char>().prop_map(String::from),
        ],
        0..40,
    );
    pieces.prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn invariants_hold_on_tricky_text(text in tricky_text()) {
        check_invariants(&text);
    }

    #[test]
    fn invariants_hold_on_any_string(text in any::<String>()) {
        check_invariants(&text);
    }
}

#[test]
fn long_lines_without_spaces_are_handled() {
    for unit in
        ["a", "😀", ".", ". ", ")", "(", "1.", "e\u{301}", "a@b.c ", "one ", "billion ", "early ", "Mr. "]
    {
        let text = unit.repeat(200_000 / unit.len());
        check_invariants(&text);
    }
    let url = format!("https://x.com/{}{}", "(".repeat(20_000), ")".repeat(20_000));
    check_invariants(&url);
}
