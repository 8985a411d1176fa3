//! Sentence boundaries for news text, decided token by token.
//!
//! A boundary falls before a token when one of these holds, checked in order (each rule names the
//! case it exists for):
//! 1. A blank line precedes it: paragraphs never share a sentence.
//! 2. It is a bullet ("•", "⁃", or "-"/"*" opening a line): list items are sentences.
//! 3. It is a list marker opening a line, or the next marker of a list that the current sentence
//!    opened ("1) ... 2) ...", "a. ... b. ...").
//! 4. It is the label of a photo credit ("Image: Reuters"), which follows a caption.
//! 5. It follows a dateline's date alone ("Thursday, May 7, 2015").
//! 6. Terminal punctuation precedes it, possibly followed by closing quotes and brackets, and the
//!    next word says a new sentence begins; see `Splitter::ends_after_terminal` for the cases
//!    (abbreviations, initials, ellipses, numbers, quotations).
//! 7. A single line break precedes it and the lines around it look like separate sentences (a
//!    headline or caption without final punctuation), not one sentence wrapped.
//! 8. The sentence already has [`MAX_SENTENCE_TOKENS`] tokens: a table, a list or a run of
//!    symbols without a full stop is cut into pieces of that many, so that every later stage,
//!    which reads a sentence at a time, works in memory bounded per sentence. No prose sentence
//!    comes near.

use std::ops::Range;

use crate::abbreviation::{abbreviation_kind, is_sentence_starter, AbbreviationKind};
use crate::calendar::{MONTHS, WEEKDAYS};
use crate::span::Span;
use crate::token::{tokenize, Gap, Token, TokenKind};

/// The most tokens a sentence has (rule 8 in the [module docs](self)).
pub const MAX_SENTENCE_TOKENS: usize = 20_000;

/// One sentence: its span in the text and the range of its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span from its first token's start to its last token's end.
    pub span: Span,
    /// Indices of its tokens in the token slice it was split from.
    pub tokens: Range<usize>,
}

/// Splits `text` into sentence spans (byte offsets), in order, trimmed of surrounding whitespace.
///
/// ```
/// let text = "I live in the U.S. How about you? I work for the U.S. Government.";
/// let spans = article_analyzer::sentence::split(text);
/// assert_eq!(spans.len(), 3);
/// assert_eq!(spans[2].slice(text), "I work for the U.S. Government.");
/// ```
pub fn split(text: &str) -> Vec<Span> {
    split_tokens(text, &tokenize(text)).into_iter().map(|s| s.span).collect()
}

/// Splits the tokens of `text` (from [`tokenize`]) into sentences.
pub fn split_tokens(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let splitter = Splitter { text, tokens };
    let mut sentences = Vec::new();
    let mut first = 0;
    let mut list = splitter.list_marker_at_sentence_start(0);
    for i in 1..tokens.len() {
        if i - first >= MAX_SENTENCE_TOKENS || splitter.breaks_before(i, first, list) {
            sentences.push(splitter.sentence(first..i));
            first = i;
            if let Some(marker) = splitter.list_marker_at_sentence_start(i) {
                list = Some(marker);
            }
        }
    }
    if !tokens.is_empty() {
        sentences.push(splitter.sentence(first..tokens.len()));
    }
    sentences
}

/// How a list numbers its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MarkerStyle {
    /// "1." or "a."
    Dot,
    /// "1)" or "a)"
    Paren,
    /// "1.)"
    DotParen,
}

/// A list item's marker: its style and its ordinal (1 for "1" and "a").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ListMarker {
    style: MarkerStyle,
    ordinal: u32,
}

/// What the word after a candidate boundary looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NextWord {
    /// Nothing follows.
    End,
    /// Starts with a lowercase letter and has no capital ("in", but not "iPhone").
    Lower,
    /// A number.
    Digit,
    /// A capitalized word that typically opens a sentence ("The", "He", "However").
    Starter,
    /// A title that precedes a name ("Mr.", "Dr.").
    Title,
    /// Anything else: a capitalized word, a symbol.
    Other,
}

struct Splitter<'t> {
    text: &'t str,
    tokens: &'t [Token],
}

impl Splitter<'_> {
    fn sentence(&self, tokens: Range<usize>) -> Sentence {
        let span = Span::new(self.tokens[tokens.start].start, self.tokens[tokens.end - 1].end);
        Sentence { span, tokens }
    }

    fn text(&self, i: usize) -> &str {
        self.tokens[i].text(self.text)
    }

    fn breaks_before(&self, i: usize, first: usize, list: Option<ListMarker>) -> bool {
        let token = self.tokens[i];
        // Rule 1: a blank line.
        if token.gap == Gap::BlankLine {
            return true;
        }
        // Rule 2: a bullet.
        if self.is_bullet(i) {
            return true;
        }
        // Rule 3: a list marker opening a line, or the next item of a list.
        if token.gap != Gap::None {
            if let Some(marker) = self.list_marker(i) {
                let continues_list =
                    list.is_some_and(|open| marker.style == open.style && marker.ordinal == open.ordinal + 1);
                if continues_list || token.gap == Gap::LineBreak {
                    return true;
                }
            }
        }
        // Rule 4: a photo credit after a caption ("Belle Image: Nick Moreau.").
        if token.gap != Gap::None && self.is_credit_label(i) {
            return true;
        }
        // Rule 5: a dateline's date ("Thursday, May 7, 2015 On Tuesday, ...").
        if token.gap != Gap::None
            && self.is_date_line(first..i)
            && matches!(self.next_word(i), NextWord::Starter | NextWord::Other)
        {
            return true;
        }
        // Rule 6: terminal punctuation, then closing quotes or brackets that touch it.
        let mut terminal = i - 1;
        while terminal > first
            && i - terminal <= MAX_BRACKETS
            && self.tokens[terminal].gap == Gap::None
            && is_closer(self.text(terminal))
        {
            terminal -= 1;
        }
        if self.is_terminal(terminal) {
            return self.ends_after_terminal(terminal, i, first);
        }
        // Rule 7: a single line break.
        token.gap == Gap::LineBreak && self.line_break_ends_sentence(i)
    }

    /// "Image:", "Photo:", "Credit:": the label of a photo credit.
    fn is_credit_label(&self, i: usize) -> bool {
        matches!(self.text(i), "Image" | "Photo" | "Photograph" | "Picture" | "Credit" | "Video" | "Source")
            && self.tokens.get(i + 1).is_some_and(|t| t.gap == Gap::None && t.text(self.text) == ":")
    }

    /// Whether the tokens are a date alone: "Thursday, May 7, 2015" or "May 7, 2015".
    fn is_date_line(&self, tokens: Range<usize>) -> bool {
        let word = |n: usize| self.text(tokens.start + n);
        let is_number = |s: &str, digits: std::ops::RangeInclusive<usize>| {
            digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        let date = match tokens.len() {
            4 => 0,
            6 if WEEKDAYS.contains(&word(0)) && word(1) == "," => 2,
            _ => return false,
        };
        MONTHS.contains(&word(date))
            && is_number(word(date + 1), 1..=2)
            && word(date + 2) == ","
            && is_number(word(date + 3), 4..=4)
    }

    fn is_terminal(&self, i: usize) -> bool {
        let text = self.text(i);
        match self.tokens[i].kind {
            TokenKind::Punct => text.bytes().all(|b| matches!(b, b'.' | b'!' | b'?')) || text == "…",
            TokenKind::Word => text.ends_with('.'),
            _ => false,
        }
    }

    /// Rule 6: whether the sentence ends after the terminal token `k`, whose closers end before `i`.
    fn ends_after_terminal(&self, k: usize, i: usize, first: usize) -> bool {
        // "1." or "a." opening a list item is a marker, not a sentence.
        if k - first < 4 && (first..=k).all(|j| self.is_marker_part(j)) {
            return false;
        }
        // "mean...see", "Jr.'s", "U.S.-based": touching text continues the sentence.
        if self.tokens[i].gap == Gap::None {
            return false;
        }
        let next = self.next_word(i);
        if next == NextWord::Lower {
            // "Yahoo! in", "'This is great.' she said", "(... engineer.) at the University".
            return false;
        }
        let line_break = self.tokens[i].gap >= Gap::LineBreak;
        let text = self.text(k);
        if self.tokens[k].kind == TokenKind::Word {
            let word = &text[..text.len() - 1];
            let kind = abbreviation_kind(word);
            if line_break && !matches!(kind, Some(AbbreviationKind::Prefix | AbbreviationKind::Inner)) {
                return true;
            }
            return match kind {
                // "Mr. Smith", "No. 5": only a sentence opener such as "The" ends one after a title.
                Some(AbbreviationKind::Prefix) => next == NextWord::Starter,
                // "e.g. Reuters"
                Some(AbbreviationKind::Inner) => false,
                Some(AbbreviationKind::Letter) => self.initial_ends_sentence(k, first, next),
                // "Inc.", "U.S.", "a.m.": "the U.S. How" ends a sentence, "the U.S. Government"
                // does not; before a title, only when what precedes is long enough to be a
                // sentence ("He left at 6 P.M. Mr. Smith" but not "At 5 a.m. Mr. Smith").
                Some(AbbreviationKind::Final) | None => match next {
                    NextWord::Starter => true,
                    NextWord::Title => k + 1 - first >= 4,
                    _ => false,
                },
            };
        }
        if text.contains(['!', '?']) {
            // "Hello!! Long time", "Is that you?! I".
            return next != NextWord::End;
        }
        if text == "..." || text == "…" {
            // An unspaced ellipsis before a capital ends a sentence ("I chose her ... In Hong Kong"),
            // unless a citation follows ("stairways [...]" (Smith 55)); the spaced form is an
            // omission inside one ("the thing is . . . I didn't"), see `period_ends_sentence`.
            return line_break || (!matches!(next, NextWord::End | NextWord::Digit) && self.text(i) != "(");
        }
        if text == "." {
            // "N°. 1026": a number sign before a number.
            if k > first && matches!(self.text(k - 1), "°" | "º") && next == NextWord::Digit {
                return false;
            }
            return self.period_ends_sentence(k, next);
        }
        // "that.... She": an ellipsis followed by a period.
        next != NextWord::End
    }

    /// A lone "." token, which may belong to a spaced ellipsis (". . ." or ". . . .").
    fn period_ends_sentence(&self, k: usize, next: NextWord) -> bool {
        // Looking at most four dots either way tells runs of up to four exactly, and keeps a text of
        // a million ". " linear.
        let is_dot = |j: usize| self.text(j) == ".";
        let mut run_start = k;
        while k - run_start < 4
            && run_start > 0
            && self.tokens[run_start].gap == Gap::Space
            && is_dot(run_start - 1)
        {
            run_start -= 1;
        }
        let mut run_end = k;
        while run_end - k < 4
            && run_end + 1 < self.tokens.len()
            && self.tokens[run_end + 1].gap == Gap::Space
            && is_dot(run_end + 1)
        {
            run_end += 1;
        }
        let attached = self.tokens[run_start].gap == Gap::None && run_start > 0;
        match run_end - run_start + 1 {
            1 => next != NextWord::End,
            // "compounds. . . . The": the attached period ends the sentence, and the spaced
            // ellipsis opens the next one.
            4 if attached => {
                let mut after = run_end + 1;
                while after < self.tokens.len()
                    && self.tokens[after].gap == Gap::None
                    && is_closer(self.text(after))
                {
                    after += 1;
                }
                k == run_start && !matches!(self.next_word(after), NextWord::End | NextWord::Lower)
            }
            // ". . ." marks an omission inside a sentence.
            3 => false,
            // ". . . .": an ellipsis and the sentence's own period.
            _ => k == run_end && next != NextWord::End,
        }
    }

    /// A single letter with a period before a non-lowercase word: an initial or a sentence's end.
    fn initial_ends_sentence(&self, k: usize, first: usize, next: NextWord) -> bool {
        let letter = &self.text(k)[..self.text(k).len() - 1];
        if letter.chars().all(char::is_lowercase) {
            // "p. 55", but "in section c. The".
            return next != NextWord::Digit;
        }
        if k == first || next == NextWord::Digit {
            // "J. R. R. Tolkien" opening a sentence.
            return false;
        }
        let previous = self.text(k - 1);
        let previous_is_name = previous.starts_with(char::is_uppercase);
        let next_is_initial = k + 1 < self.tokens.len()
            && abbreviation_kind(self.text(k + 1).trim_end_matches('.')) == Some(AbbreviationKind::Letter);
        if previous_is_name || next_is_initial {
            // "Jonas E. Smith", "Albert I. Jones", "J. R. R. Tolkien".
            return false;
        }
        if letter == "I" {
            // "you and I. Did you".
            return previous.starts_with(char::is_lowercase);
        }
        // "vitamin C. The", but "writer L. Ron Hubbard".
        next == NextWord::Starter
    }

    /// Rule 7: a line break with no terminal punctuation before it.
    fn line_break_ends_sentence(&self, i: usize) -> bool {
        if matches!(self.next_word(i), NextWord::Lower | NextWord::End) {
            // A wrapped line continues its sentence.
            return false;
        }
        let previous = self.text(i - 1);
        // A line that ends in a comma, a connective or a function word is wrapped, not a headline.
        let continues = matches!(previous, "," | ";" | ":" | "-" | "–" | "—" | "(" | "&" | "/" | "+")
            || matches!(
                previous,
                "the"
                    | "a"
                    | "an"
                    | "of"
                    | "to"
                    | "in"
                    | "for"
                    | "and"
                    | "or"
                    | "but"
                    | "with"
                    | "by"
                    | "on"
                    | "at"
                    | "from"
                    | "as"
                    | "that"
                    | "is"
                    | "are"
                    | "was"
                    | "were"
                    | "be"
                    | "will"
                    | "would"
                    | "has"
                    | "have"
                    | "had"
                    | "its"
                    | "their"
                    | "his"
                    | "her"
                    | "said"
                    | "says"
                    | "than"
                    | "into"
                    | "about"
                    | "after"
                    | "before"
                    | "which"
            );
        !continues
    }

    /// Classifies the first word at or after token `i`, skipping opening quotes and brackets.
    fn next_word(&self, i: usize) -> NextWord {
        let mut j = i;
        while j < self.tokens.len() && j - i < MAX_BRACKETS && is_opener(self.text(j)) {
            j += 1;
        }
        if j >= self.tokens.len() {
            return if j > i { NextWord::Other } else { NextWord::End };
        }
        let word = self.text(j);
        let token = self.tokens[j];
        if token.kind == TokenKind::Number {
            return NextWord::Digit;
        }
        if word.starts_with(char::is_lowercase) && !word.contains(char::is_uppercase) {
            return NextWord::Lower;
        }
        if is_sentence_starter(word) {
            return NextWord::Starter;
        }
        if word.ends_with('.') && abbreviation_kind(&word[..word.len() - 1]) == Some(AbbreviationKind::Prefix)
        {
            return NextWord::Title;
        }
        NextWord::Other
    }

    fn is_bullet(&self, i: usize) -> bool {
        let token = self.tokens[i];
        match self.text(i) {
            "•" | "◦" | "▪" | "‣" | "⁃" | "●" | "■" | "□" | "►" | "➢" => {
                token.gap != Gap::None || i == 0
            }
            "-" | "*" => {
                (token.gap >= Gap::LineBreak || i == 0)
                    && self.tokens.get(i + 1).is_some_and(|t| t.gap == Gap::Space)
            }
            _ => false,
        }
    }

    /// Whether token `j` can be part of a list marker: "1", ".", ")", "(", "a.", a bullet.
    fn is_marker_part(&self, j: usize) -> bool {
        let text = self.text(j);
        match self.tokens[j].kind {
            TokenKind::Number => text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit()),
            TokenKind::Word => text.trim_end_matches('.').chars().count() == 1,
            _ => matches!(text, "." | ")" | "(") || self.is_bullet(j),
        }
    }

    /// The list marker that opens the sentence starting at token `i`, looking past a bullet.
    fn list_marker_at_sentence_start(&self, i: usize) -> Option<ListMarker> {
        if i < self.tokens.len() && self.is_bullet(i) {
            return self.list_marker(i + 1);
        }
        self.list_marker(i)
    }

    /// The list marker at token `i`: "1.", "1)", "1.)", "a.", "a)".
    fn list_marker(&self, i: usize) -> Option<ListMarker> {
        let token = *self.tokens.get(i)?;
        let text = token.text(self.text);
        let touching = |j: usize, s: &str| {
            self.tokens.get(j).is_some_and(|t| t.gap == Gap::None && t.text(self.text) == s)
        };
        let (ordinal, after) = match token.kind {
            TokenKind::Number if text.len() <= 3 => (text.parse().ok()?, i + 1),
            TokenKind::Word => {
                let mut chars = text.chars();
                let letter = chars.next().filter(char::is_ascii_lowercase)?;
                let ordinal = u32::from(letter) - u32::from('a') + 1;
                match chars.as_str() {
                    "." => return Some(ListMarker { style: MarkerStyle::Dot, ordinal }),
                    "" => (ordinal, i + 1),
                    _ => return None,
                }
            }
            _ => return None,
        };
        let style = if touching(after, ".") && touching(after + 1, ")") {
            MarkerStyle::DotParen
        } else if touching(after, ".") {
            MarkerStyle::Dot
        } else if touching(after, ")") {
            MarkerStyle::Paren
        } else {
            return None;
        };
        Some(ListMarker { style, ordinal })
    }
}

/// Quotes and brackets that close what a terminal punctuation mark ends. Opening quotes count too
/// when they touch the mark: "decision.“ However" is a typo for a closing quote.
fn is_closer(text: &str) -> bool {
    matches!(text, "\"" | "'" | "”" | "’" | "“" | "‘" | "»" | ")" | "]" | "}")
}

/// How many quotes and brackets in a row are looked through around a terminal mark; more are
/// treated as text, which keeps a line of a million ")" linear.
const MAX_BRACKETS: usize = 8;

fn is_opener(text: &str) -> bool {
    matches!(text, "\"" | "'" | "“" | "‘" | "«" | "(" | "[" | "{")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text).iter().map(|s| s.slice(text)).collect()
    }

    #[test]
    fn a_sentence_longer_than_the_limit_is_cut_into_pieces_of_the_limit() {
        let text = "Aaa ".repeat(2 * MAX_SENTENCE_TOKENS + 5);
        let tokens = tokenize(&text);
        let lengths: Vec<usize> = split_tokens(&text, &tokens).iter().map(|s| s.tokens.len()).collect();
        assert_eq!(lengths, [MAX_SENTENCE_TOKENS, MAX_SENTENCE_TOKENS, 5]);
    }

    #[test]
    fn abbreviations_before_names_do_not_end_sentences() {
        assert_eq!(
            sentences("Gov. Smith met Sen. Jones and Dr. Lee."),
            ["Gov. Smith met Sen. Jones and Dr. Lee."]
        );
    }

    #[test]
    fn final_abbreviations_end_sentences_before_sentence_openers() {
        assert_eq!(
            sentences("He joined Acme Corp. The firm grew. Acme Corp. Chief Executive Jane Doe agreed."),
            ["He joined Acme Corp.", "The firm grew.", "Acme Corp. Chief Executive Jane Doe agreed."]
        );
    }

    #[test]
    fn dates_and_money_do_not_end_sentences() {
        assert_eq!(
            sentences("On Jan. 5 the company raised $1.5 billion. It was No. 5 on the list."),
            ["On Jan. 5 the company raised $1.5 billion.", "It was No. 5 on the list."]
        );
    }

    #[test]
    fn quotations_split_inside_and_continue_after_attribution() {
        assert_eq!(
            sentences("\"We won. It was hard,\" she said. \"He left.\" She stayed."),
            ["\"We won.", "It was hard,\" she said.", "\"He left.\"", "She stayed."]
        );
    }

    #[test]
    fn domains_and_urls_do_not_end_sentences() {
        assert_eq!(
            sentences("Visit openai.com or https://example.com/a.b today. Thanks."),
            ["Visit openai.com or https://example.com/a.b today.", "Thanks."]
        );
    }

    #[test]
    fn datelines_stay_with_their_sentence() {
        assert_eq!(
            sentences("WASHINGTON (Reuters) - The U.S. Senate voted on Tuesday."),
            ["WASHINGTON (Reuters) - The U.S. Senate voted on Tuesday."]
        );
    }

    #[test]
    fn headlines_end_at_a_line_break_and_wrapped_lines_do_not() {
        assert_eq!(
            sentences("OpenAI and Microsoft reach impasse\nThe talks stalled, according to\nthe report. It said so."),
            ["OpenAI and Microsoft reach impasse", "The talks stalled, according to\nthe report.", "It said so."]
        );
    }

    #[test]
    fn a_blank_line_always_ends_a_sentence() {
        assert_eq!(sentences("A caption with the\n\nbody text."), ["A caption with the", "body text."]);
    }

    #[test]
    fn lists_split_at_each_item() {
        assert_eq!(sentences("Steps:\n1. Open it\n2. Read it"), ["Steps:", "1. Open it", "2. Read it"]);
        assert_eq!(sentences("- one item\n- another item"), ["- one item", "- another item"]);
    }

    #[test]
    fn text_without_letters_is_kept() {
        assert_eq!(sentences("... 123 !!!"), ["... 123 !!!"]);
        assert!(sentences(" \n\t ").is_empty());
    }
}
