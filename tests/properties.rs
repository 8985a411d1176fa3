#![cfg(not(target_arch = "wasm32"))]
//! Property tests: on arbitrary strings the offsets stay valid and the invariants of
//! tests/invariants hold (sentences in order, non-overlapping, trimmed, covering every
//! non-whitespace character; entities, groups and quotes consistent), in bytes and in UTF-16 units.

mod invariants;

use article_analyzer::Analyzer;
use proptest::prelude::*;

/// Analyses `text` and checks every invariant of the result; panics with the first one broken.
fn check_invariants(text: &str) {
    invariants::assert_invariants(text, &Analyzer::new().analyze(text));
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
            Just("\"We will win,\" Ann Lee said. ".to_string()),
            Just(" he said: \"".to_string()),
            Just("according to ".to_string()),
            Just("\n\n\"".to_string()),
            Just("“x “".to_string()),
            Just(" - ".to_string()),
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
