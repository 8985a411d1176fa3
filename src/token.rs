//! Tokens with byte offsets, built on Unicode word boundaries (UAX #29) and adjusted for news text.
//!
//! Adjustments to the word boundaries, each for a case UAX #29 alone gets wrong for our purposes:
//! - URLs and e-mail addresses are one token, without trailing punctuation.
//! - An abbreviation keeps its period ("Mr.", "U.S.", "a.m."), see `src/abbreviation.rs`.
//! - Runs of `.`, `!` and `?` are one token ("!!", "?!", "...").
//! - Hyphenated compounds are one token ("six-year-long", "1996-08-30"), as in CoNLL-2003.
//! - Clitics are split off: "OpenAI's" -> "OpenAI" + "'s", "didn't" -> "did" + "n't".

use unicode_segmentation::UnicodeSegmentation;

use crate::abbreviation::abbreviation_kind;

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Contains a letter: "Microsoft", "5th", "U.S.", "'s".
    Word,
    /// Starts with a digit and contains no letter: "2019", "1.5", "1,000".
    Number,
    /// Anything else: punctuation, symbols, emoji.
    Punct,
    /// A web address: "<https://example.com/a.html>", "www.example.com".
    Url,
    /// An e-mail address: "jane.doe@example.com".
    Email,
}

/// The whitespace between a token and the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gap {
    /// None: the tokens touch (or this is the first token and the text starts with it).
    None,
    /// Spaces or tabs, no line break.
    Space,
    /// Exactly one line break.
    LineBreak,
    /// Two or more line breaks: a blank line.
    BlankLine,
}

/// One token of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// What the token is made of.
    pub kind: TokenKind,
    /// The whitespace before the token.
    pub gap: Gap,
}

impl Token {
    /// The token's text.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Splits `text` into tokens. Every non-whitespace character of `text` is in exactly one token.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokenize_into(text, &mut tokens);
    tokens
}

/// Like [`tokenize`], but reuses `tokens` (cleared first) to avoid allocating for each text.
pub fn tokenize_into(text: &str, tokens: &mut Vec<Token>) {
    tokens.clear();
    let mut builder = Builder { text, tokens, newlines: 0, spaced: false, special_end: 0, special_scans: 0 };
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // Text splits into runs of ASCII whitespace and chunks between them; UAX #29 always puts a
        // word boundary at their edges, so each chunk can be segmented on its own.
        let is_space = |b: &u8| b.is_ascii_whitespace() || *b == 0x0B;
        let run = bytes[at..].iter().position(|b| !is_space(b)).unwrap_or(bytes.len() - at);
        builder.whitespace(&text[at..at + run]);
        at += run;
        let chunk_len = bytes[at..].iter().position(is_space).unwrap_or(bytes.len() - at);
        let chunk = &text[at..at + chunk_len];
        if chunk.is_ascii() {
            ascii_word_bounds(chunk.as_bytes(), |start, end| builder.segment(at + start, at + end));
        } else {
            for (start, segment) in chunk.split_word_bound_indices() {
                builder.segment(at + start, at + start + segment.len());
            }
        }
        at += chunk_len;
    }
}

/// The UAX #29 word boundaries of an ASCII chunk without whitespace, found byte by byte (about
/// three times faster than the general algorithm, and news text is mostly ASCII). Letters, digits
/// and "_" join (WB5, WB8-WB10, WB13a-b); a letter joins a letter across ".", "'" or ":" (WB6-7);
/// a digit joins a digit across ".", "'", "," or ";" (WB11-12); everything else stands alone.
fn ascii_word_bounds(chunk: &[u8], mut segment: impl FnMut(usize, usize)) {
    let joins = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = 0;
    while start < chunk.len() {
        let mut end = start + 1;
        if joins(chunk[start]) {
            loop {
                if end < chunk.len() && joins(chunk[end]) {
                    end += 1;
                } else if end + 1 < chunk.len() && {
                    let (before, mid, after) = (chunk[end - 1], chunk[end], chunk[end + 1]);
                    let letters = before.is_ascii_alphabetic() && after.is_ascii_alphabetic();
                    let digits = before.is_ascii_digit() && after.is_ascii_digit();
                    (letters && matches!(mid, b'.' | b'\'' | b':'))
                        || (digits && matches!(mid, b'.' | b'\'' | b',' | b';'))
                } {
                    end += 2;
                } else {
                    break;
                }
            }
        }
        segment(start, end);
        start = end;
    }
}

struct Builder<'t, 'v> {
    text: &'t str,
    tokens: &'v mut Vec<Token>,
    /// Line breaks in the whitespace since the last token.
    newlines: usize,
    /// Whether there was whitespace since the last token.
    spaced: bool,
    /// End of the last URL or e-mail token: word segments before it are already covered.
    special_end: usize,
    /// How often the current whitespace-delimited chunk was scanned for a URL or e-mail address.
    special_scans: u8,
}

impl Builder<'_, '_> {
    /// Takes one word-boundary segment, `text[start..end]`.
    fn segment(&mut self, start: usize, end: usize) {
        if end <= self.special_end {
            return;
        }
        let start = start.max(self.special_end);
        let segment = &self.text[start..end];
        let trimmed_start = segment.trim_start();
        let leading = segment.len() - trimmed_start.len();
        self.whitespace(&segment[..leading]);
        let piece = trimmed_start.trim_end();
        if !piece.is_empty() {
            let piece_start = start + leading;
            self.piece(piece_start, piece_start + piece.len());
        }
        self.whitespace(&trimmed_start[piece.len()..]);
    }

    fn whitespace(&mut self, space: &str) {
        if space.is_empty() {
            return;
        }
        self.spaced = true;
        let mut chars = space.chars().peekable();
        while let Some(c) = chars.next() {
            let is_break = match c {
                '\r' => chars.peek() != Some(&'\n'),
                '\n' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => true,
                _ => false,
            };
            self.newlines += usize::from(is_break);
        }
    }

    /// Takes a non-whitespace piece and merges or splits it into tokens.
    fn piece(&mut self, start: usize, end: usize) {
        let gap = match (self.spaced, self.newlines) {
            (false, _) => Gap::None,
            (true, 0) => Gap::Space,
            (true, 1) => Gap::LineBreak,
            (true, _) => Gap::BlankLine,
        };
        self.spaced = false;
        self.newlines = 0;
        // (Openers are at most 3 bytes long: most tokens are told apart by their length alone.)
        let after_opener = self.tokens.last().is_some_and(|t| {
            t.end - t.start <= 3
                && matches!(&self.text[t.start..t.end], "(" | "[" | "<" | "\"" | "'" | "“" | "‘")
        });
        if gap != Gap::None || self.tokens.is_empty() {
            self.special_scans = 0;
        }
        // At most a few looks for a URL per whitespace-delimited chunk: "((((" stays linear.
        if (gap != Gap::None || self.tokens.is_empty() || after_opener) && self.special_scans < 3 {
            self.special_scans += 1;
            if let Some((kind, special_end)) = special_at(self.text, start) {
                self.special_end = special_end;
                self.tokens.push(Token { start, end: special_end, kind, gap });
                if special_end < end {
                    self.piece(special_end, end);
                }
                return;
            }
        }
        let text = &self.text[start..end];
        if gap == Gap::None && self.merge_into_previous(end, text) {
            return;
        }
        if let Some(stem_len) = clitic_split(text) {
            let kind = kind_of(&text[..stem_len]);
            self.tokens.push(Token { start, end: start + stem_len, kind, gap });
            self.tokens.push(Token { start: start + stem_len, end, kind: TokenKind::Word, gap: Gap::None });
            return;
        }
        self.tokens.push(Token { start, end, kind: kind_of(text), gap });
    }

    /// Joins a piece that touches the previous token to it where news tokenization wants one token.
    fn merge_into_previous(&mut self, end: usize, piece: &str) -> bool {
        let n = self.tokens.len();
        let Some(&previous) = self.tokens.last() else { return false };
        let previous_text = &self.text[previous.start..previous.end];
        let joined = match piece {
            // "!!", "?!", "...": terminal punctuation runs.
            "." | "!" | "?" if previous.kind == TokenKind::Punct && is_terminal_run(previous_text) => true,
            // "Mr.", "U.S.", "E.": the abbreviation keeps its period.
            "." => previous.kind == TokenKind::Word && abbreviation_kind(previous_text).is_some(),
            // "Jr.'s": the apostrophe and s that the word boundaries left apart.
            "s" | "S" => matches!(previous_text, "'" | "’") && n >= 2,
            _ => false,
        };
        if joined {
            let last = &mut self.tokens[n - 1];
            last.end = end;
            if piece.len() == 1 && piece.chars().all(char::is_alphabetic) {
                last.kind = TokenKind::Word;
            }
            return true;
        }
        // "six-year-long", "1996-08-30": a hyphen between two touching words or numbers.
        let kind = kind_of(piece);
        if n >= 2 && matches!(kind, TokenKind::Word | TokenKind::Number) && matches!(previous_text, "-" | "‐")
        {
            let before = self.tokens[n - 2];
            if matches!(before.kind, TokenKind::Word | TokenKind::Number) && previous.gap == Gap::None {
                self.tokens.pop();
                let last = &mut self.tokens[n - 2];
                last.end = end;
                if kind == TokenKind::Word {
                    last.kind = TokenKind::Word;
                }
                return true;
            }
        }
        false
    }
}

/// Whether a punctuation token is a run of terminal marks. Such runs are only ever built by
/// merging, so the first byte tells (in O(1), which keeps a line of a million dots linear).
fn is_terminal_run(text: &str) -> bool {
    matches!(text.as_bytes().first(), Some(b'.' | b'!' | b'?'))
}

fn kind_of(text: &str) -> TokenKind {
    if text.chars().any(char::is_alphabetic) {
        TokenKind::Word
    } else if text.starts_with(|c: char| c.is_ascii_digit()) {
        TokenKind::Number
    } else {
        TokenKind::Punct
    }
}

/// Where a word with a clitic ends its stem: "OpenAI's" -> 6, "didn't" -> 3.
fn clitic_split(word: &str) -> Option<usize> {
    // Every clitic ends in s or t: most words are turned away by their last byte.
    if !matches!(word.as_bytes().last(), Some(b's' | b'S' | b't' | b'T')) {
        return None;
    }
    for clitic in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = word.strip_suffix(clitic) {
            return (!stem.is_empty() && stem.ends_with(char::is_alphanumeric)).then_some(stem.len());
        }
    }
    for clitic in ["n't", "n’t", "N'T", "N’T"] {
        if let Some(stem) = word.strip_suffix(clitic) {
            return (!stem.is_empty()).then_some(stem.len());
        }
    }
    None
}

/// Characters that may close a URL or e-mail address in running text but belong to the sentence.
fn is_trailing_punctuation(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '’' | '”' | ')' | ']' | '}' | '>')
}

/// A URL or e-mail address starting at byte `start` of `text`: its kind and end.
fn special_at(text: &str, start: usize) -> Option<(TokenKind, usize)> {
    let rest = &text[start..];
    // Most pieces are neither: a URL starts with h or w, and an e-mail address has an @ before
    // the next whitespace (ASCII whitespace ends the chunk below, if nothing before it does).
    let bytes = rest.as_bytes();
    if !matches!(bytes.first(), Some(b'h' | b'H' | b'w' | b'W'))
        && !bytes.iter().take_while(|b| !b.is_ascii_whitespace()).any(|&b| b == b'@')
    {
        return None;
    }
    let chunk_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let chunk = &rest[..chunk_len];
    let lower_prefix =
        |prefix: &str| chunk.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    let kind = if lower_prefix("http://") || lower_prefix("https://") || lower_prefix("www.") {
        TokenKind::Url
    } else if is_email(chunk.trim_end_matches(is_trailing_punctuation)) {
        TokenKind::Email
    } else {
        return None;
    };
    let mut value = chunk.trim_end_matches(is_trailing_punctuation);
    // Keep a closing bracket that closes one opened inside the URL: "wiki/Rust_(language)".
    // The brackets still open are counted once, so a URL of 20,000 brackets stays linear.
    if kind == TokenKind::Url {
        let open = |opening: u8, closing: u8| {
            value
                .bytes()
                .fold(0isize, |depth, b| depth + isize::from(b == opening) - isize::from(b == closing))
        };
        let (mut parens, mut squares) = (open(b'(', b')'), open(b'[', b']'));
        for b in chunk.as_bytes()[value.len()..].iter() {
            let depth = match b {
                b')' => &mut parens,
                b']' => &mut squares,
                _ => break,
            };
            if *depth <= 0 {
                break;
            }
            *depth -= 1;
            value = &chunk[..value.len() + 1];
        }
    }
    (value.len() > 4).then_some((kind, start + value.len()))
}

fn is_email(chunk: &str) -> bool {
    let Some((local, domain)) = chunk.split_once('@') else { return false };
    !local.is_empty()
        && local.chars().all(|c| c.is_alphanumeric() || "._%+-".contains(c))
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.chars().all(|c| c.is_alphanumeric() || ".-".contains(c))
}

/// `items.partition_point(pred)`, searched from index `near` onward when the point lies there: the
/// step doubles until it passes the point, so a point a few items on costs a few reads of nearby
/// items, where a binary search over a long text's million tokens would miss the cache at each of
/// its 20 steps. Any `near` gives the same answer; a point before `near` is binary-searched.
pub(crate) fn partition_point_near<T>(items: &[T], near: usize, pred: impl Fn(&T) -> bool) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    fn texts(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn abbreviations_keep_their_period() {
        assert_eq!(texts("Mr. Smith of the U.S. left."), ["Mr.", "Smith", "of", "the", "U.S.", "left", "."]);
    }

    #[test]
    fn clitics_are_split_off() {
        assert_eq!(texts("OpenAI's and Microsoft’s"), ["OpenAI", "'s", "and", "Microsoft", "’s"]);
        assert_eq!(texts("JFK Jr.'s book"), ["JFK", "Jr.", "'s", "book"]);
        assert_eq!(texts("didn't"), ["did", "n't"]);
    }

    #[test]
    fn money_numbers_and_compounds() {
        assert_eq!(
            texts("$1.5 billion, 20% of 1,000"),
            ["$", "1.5", "billion", ",", "20", "%", "of", "1,000"]
        );
        assert_eq!(texts("a six-year-long deal"), ["a", "six-year-long", "deal"]);
    }

    #[test]
    fn terminal_punctuation_runs_are_one_token() {
        assert_eq!(texts("Hello?! Wait... what...."), ["Hello", "?!", "Wait", "...", "what", "...."]);
    }

    #[test]
    fn urls_and_emails_exclude_trailing_punctuation() {
        assert_eq!(
            texts(
                "See https://www.example.50.com/new-site/awesome_content.html. Or mail Jane.Doe@example.com."
            ),
            [
                "See",
                "https://www.example.50.com/new-site/awesome_content.html",
                ".",
                "Or",
                "mail",
                "Jane.Doe@example.com",
                "."
            ]
        );
        assert_eq!(
            texts("(https://en.wikipedia.org/wiki/Rust_(language))"),
            ["(", "https://en.wikipedia.org/wiki/Rust_(language)", ")"]
        );
    }

    #[test]
    fn the_ascii_fast_path_agrees_with_unicode_word_bounds() {
        let chunks = [
            "U.S.A.", "a.m.", "1,000.50", "3:30", "e.g.", "x_1", "foo's", "a:b", "1.a", "a1.2b", "..", "''",
            "a.'b", "_a_",
        ];
        for chunk in chunks {
            let mut ours = Vec::new();
            ascii_word_bounds(chunk.as_bytes(), |start, end| ours.push(&chunk[start..end]));
            let theirs: Vec<&str> = chunk.split_word_bounds().collect();
            assert_eq!(ours, theirs, "{chunk}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn the_ascii_fast_path_agrees_on_any_ascii_chunk(chunk in "[a-c1-2_.,;:'!$-]{0,12}") {
            let mut ours = Vec::new();
            ascii_word_bounds(chunk.as_bytes(), |start, end| ours.push(&chunk[start..end]));
            let theirs: Vec<&str> = chunk.split_word_bounds().collect();
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn gaps_record_line_breaks() {
        let gaps: Vec<Gap> = tokenize("a b\nc\r\n\r\nd").iter().map(|t| t.gap).collect();
        assert_eq!(gaps, [Gap::None, Gap::Space, Gap::LineBreak, Gap::BlankLine]);
    }
}
