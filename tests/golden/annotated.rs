// The annotated format of the rule-entity cases: a text with its expected mentions bracketed in
// place, as in `The failure could cost the company [MONEY $20 billion] in funding.`
//
// Format:
//
// - `[LABEL text]` marks a mention: the label in capital letters, one space, then the mention's
//   text, which is not empty. Mentions do not nest.
// - `\[`, `\]` and `\\` stand for a literal `[`, `]` and `\` (in a mention too). A backslash
//   before anything else is refused, and so is a bracket that opens or closes no mention.
// - A list of cases holds one annotated text per line, trimmed of surrounding whitespace. A line
//   that starts with `#` is a comment, and the comment directly above a case names it; blank
//   lines separate cases. A line without brackets is a case that must find nothing.
//
// One copy for two kinds of tests: the golden test `tests/entities_rules.rs` (an integration
// test, which sees only the library's public API) and the unit tests of `src/entity/rules.rs`.
// A module of the library would have to be public (a test helper in the API) or behind a cargo
// feature that the integration test must remember to enable. So both include this file, as
// `mod annotated { include!("...annotated.rs"); }`: `#[path]` cannot reach it from the unit tests
// (it resolves from the directory an inline module's files would have, which does not exist),
// and `include!` takes no inner attributes, hence this plain comment instead of a module doc.
// The file lives under `tests/golden/` so that cargo does not build it as a test of its own. It
// names nothing of the crate: labels are their names ("MONEY"), and each user turns its mentions
// into `Mention`s.

use std::ops::Range;

/// An expected or found mention: its byte span in the plain text, its label's name and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// Byte offsets in the plain text (the annotated text without brackets and escapes).
    pub span: Range<usize>,
    /// The label as the CLI writes it ("MONEY", "DATE", ...).
    pub label: String,
    /// The mention's text.
    pub text: String,
}

/// One case of a list of cases: a plain text and the mentions expected in it.
#[derive(Debug)]
pub struct Case {
    /// The case's line in its list, counted from 1.
    pub line: usize,
    /// The comment directly above the case, if any.
    pub name: Option<String>,
    /// The text to tag.
    pub text: String,
    /// The mentions expected in `text`, in order.
    pub expected: Vec<Mention>,
}

/// The cases of `source`, in the line format above, or what is malformed and on which line.
pub fn cases(source: &str) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    let mut comment_above = None;
    for (index, line) in source.lines().enumerate() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            comment_above = Some(comment.trim().to_string());
        } else if line.is_empty() {
            comment_above = None;
        } else {
            let (text, expected) = parse(line).map_err(|error| format!("line {}: {error}", index + 1))?;
            cases.push(Case { line: index + 1, name: comment_above.take(), text, expected });
        }
    }
    Ok(cases)
}

/// Splits one annotated text into the plain text and its mentions, or says what is malformed
/// and at which column (in characters, from 1).
pub fn parse(annotated: &str) -> Result<(String, Vec<Mention>), String> {
    let column = |at: usize| annotated[..at].chars().count() + 1;
    let mut text = String::with_capacity(annotated.len());
    let mut mentions = Vec::new();
    // The open mention: its label, where its text starts in `text`, and where its `[` is.
    let mut open: Option<(String, usize, usize)> = None;
    let mut chars = annotated.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, escaped @ ('[' | ']' | '\\'))) => text.push(escaped),
                _ => return Err(format!("column {}: a backslash escapes only [, ] or \\", column(at))),
            },
            '[' => {
                if open.is_some() {
                    return Err(format!(
                        "column {}: mentions do not nest; write \\[ for a literal bracket",
                        column(at)
                    ));
                }
                let mut label = String::new();
                while let Some(&(_, letter @ 'A'..='Z')) = chars.peek() {
                    label.push(letter);
                    chars.next();
                }
                if label.is_empty() || chars.next().map(|(_, c)| c) != Some(' ') {
                    return Err(format!(
                        "column {}: [ opens no [LABEL text] (the label in capital letters, then one \
                         space); write \\[ for a literal bracket",
                        column(at)
                    ));
                }
                open = Some((label, text.len(), at));
            }
            ']' => {
                let Some((label, start, opened_at)) = open.take() else {
                    return Err(format!(
                        "column {}: ] closes no mention; write \\] for a literal bracket",
                        column(at)
                    ));
                };
                if start == text.len() {
                    return Err(format!("column {}: the mention [{label} ] has no text", column(opened_at)));
                }
                mentions.push(Mention { span: start..text.len(), label, text: text[start..].to_string() });
            }
            _ => text.push(c),
        }
    }
    match open {
        Some((label, _, opened_at)) => Err(format!("column {}: [{label} is never closed", column(opened_at))),
        None => Ok((text, mentions)),
    }
}

/// Writes `mentions` into `text` in the annotated format: the reverse of [`parse`].
///
/// Panics if the mentions are out of order, overlap or leave the text, which the format cannot
/// show.
pub fn annotate(text: &str, mentions: &[Mention]) -> String {
    let mut annotated = String::with_capacity(text.len() + 16 * mentions.len());
    let mut end = 0;
    for mention in mentions {
        let before = text.get(end..mention.span.start).unwrap_or_else(|| {
            panic!("mentions out of order, overlapping or off the text {text:?}: {mentions:?}")
        });
        push_escaped(&mut annotated, before);
        annotated.push('[');
        annotated.push_str(&mention.label);
        annotated.push(' ');
        push_escaped(&mut annotated, &mention.text);
        annotated.push(']');
        end = mention.span.end;
    }
    let rest = text.get(end..).unwrap_or_else(|| panic!("a mention leaves the text {text:?}: {mentions:?}"));
    push_escaped(&mut annotated, rest);
    annotated
}

/// Appends `text` to `annotated` with its brackets and backslashes escaped.
fn push_escaped(annotated: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\') {
            annotated.push('\\');
        }
        annotated.push(c);
    }
}

/// Asserts that `find` gives every case exactly its expected mentions. On failure, lists each
/// failing case with the expected and the found mentions, both in the annotated format.
pub fn assert_cases_pass(cases: &[Case], find: impl Fn(&str) -> Vec<Mention>) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let found = find(&case.text);
            (found != case.expected).then(|| failure(case, &found))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// How `case` failed, having found `found`.
fn failure(case: &Case, found: &[Mention]) -> String {
    let title = match &case.name {
        Some(name) => format!("line {} ({name})", case.line),
        None => format!("line {}", case.line),
    };
    let (expected_annotated, found_annotated) =
        (annotate(&case.text, &case.expected), annotate(&case.text, found));
    let mut report = format!("{title}:\n    expected: {expected_annotated}\n    found:    {found_annotated}");
    if expected_annotated == found_annotated {
        // Only mentions the format cannot write back (a text that is not its span's, an empty
        // span) look the same as the expected ones.
        report += &format!("\n    expected {:?}\n    found    {:?}", case.expected, found);
    }
    report
}
