//! Any text through [`Analyzer::analyze`]: every invariant of an analysis holds (see
//! [`assert_invariants`]). Bytes that are not UTF-8 become U+FFFD, so every input is a text.
#![no_main]

use article_analyzer::Analyzer;
use article_analyzer_fuzz::invariants::assert_invariants;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    assert_invariants(&text, &Analyzer::new().analyze(&text));
});
