//! A text with its tokens and sentences: built and checked once, then read by every entity stage
//! (custom entities, rules, the model, its refinements, the merge), so that each has one shape: a
//! document in, mentions out.

use std::fmt;
use std::ops::Range;

use crate::sentence::{split_tokens, Sentence, MAX_SENTENCE_TOKENS};
use crate::span::Span;
use crate::token::{partition_point_near, tokenize, Token};

/// A text with its [tokens](crate::token) and [sentences](crate::sentence), which describe it:
/// every token lies inside the text on character boundaries, in order, and the sentences are
/// ranges of those tokens, in order.
#[derive(Clone, Debug)]
pub struct Document<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    sentences: Vec<Sentence>,
}

/// Tokens or sentences that do not describe their text (see [`Document::from_parts`]).
///
/// Opaque: [`Display`](fmt::Display) says what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentError {
    problem: &'static str,
    index: usize,
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.problem, self.index)
    }
}

impl std::error::Error for DocumentError {}

impl<'t> Document<'t> {
    /// Tokenizes `text` and splits it into sentences.
    pub fn new(text: &'t str) -> Document<'t> {
        let tokens = tokenize(text);
        let sentences = split_tokens(text, &tokens);
        Document { text, tokens, sentences }
    }

    /// A document of tokens and sentences made elsewhere (a corpus's own tokenization, say),
    /// checked to describe `text`: tokens in order, not empty, on character boundaries; sentences
    /// in order, each a range of the tokens of at most [`MAX_SENTENCE_TOKENS`] whose span is theirs.
    pub fn from_parts(
        text: &'t str,
        tokens: Vec<Token>,
        sentences: Vec<Sentence>,
    ) -> Result<Document<'t>, DocumentError> {
        let error = |problem, index| Err(DocumentError { problem, index });
        let mut previous_end = 0;
        for (index, token) in tokens.iter().enumerate() {
            if token.start < previous_end
                || token.start >= token.end
                || text.get(token.start..token.end).is_none()
            {
                return error(
                    "not in order, empty or outside the text on character boundaries: token",
                    index,
                );
            }
            previous_end = token.end;
        }
        let mut previous_end = 0;
        for (index, sentence) in sentences.iter().enumerate() {
            let range = &sentence.tokens;
            if range.start < previous_end || range.start > range.end || range.end > tokens.len() {
                return error("not in order or outside the tokens: sentence", index);
            }
            if range.len() > MAX_SENTENCE_TOKENS {
                return error("longer than MAX_SENTENCE_TOKENS: sentence", index);
            }
            let covered =
                |range: &Range<usize>| Span::new(tokens[range.start].start, tokens[range.end - 1].end);
            if !range.is_empty() && sentence.span != covered(range) {
                return error("a span other than its tokens': sentence", index);
            }
            previous_end = range.end;
        }
        Ok(Document { text, tokens, sentences })
    }

    /// The text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// Its tokens, in order.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Its sentences, in order, as ranges of [`Self::tokens`].
    pub fn sentences(&self) -> &[Sentence] {
        &self.sentences
    }

    /// The text of token `k`.
    pub fn word(&self, k: usize) -> &'t str {
        self.tokens[k].text(self.text)
    }

    /// The token indices that `span` covers (tokens partly inside count). The search starts at
    /// token `near` (see [`partition_point_near`]): callers that go through spans in text order
    /// pass the start of their previous answer.
    pub(crate) fn token_range(&self, span: Span, near: usize) -> Range<usize> {
        let first = partition_point_near(&self.tokens, near, |t| t.end <= span.start);
        let end = partition_point_near(&self.tokens, first, |t| t.start < span.end);
        first..end.max(first)
    }

    /// The byte span of the tokens in `range` (not empty).
    pub(crate) fn span_of(&self, range: Range<usize>) -> Span {
        Span::new(self.tokens[range.start].start, self.tokens[range.end - 1].end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_that_do_not_describe_the_text_are_refused() {
        let text = "Hello, world.";
        let document = Document::new(text);
        let (tokens, sentences) = (document.tokens().to_vec(), document.sentences().to_vec());
        assert!(Document::from_parts(text, tokens.clone(), sentences.clone()).is_ok());
        let mut outside = tokens.clone();
        outside[1].end = 100;
        assert!(Document::from_parts(text, outside, sentences.clone()).is_err());
        let mut reversed = tokens.clone();
        reversed.swap(0, 1);
        assert!(Document::from_parts(text, reversed, sentences.clone()).is_err());
        let mut other_span = sentences.clone();
        other_span[0].span.start += 1;
        let error = Document::from_parts(text, tokens.clone(), other_span).unwrap_err();
        assert_eq!(error.to_string(), "a span other than its tokens': sentence 0");
        let mut beyond = sentences;
        beyond[0].tokens.end = tokens.len() + 1;
        let error = Document::from_parts(text, tokens, beyond).unwrap_err();
        assert_eq!(error.to_string(), "not in order or outside the tokens: sentence 0");
        assert!(Document::from_parts("é", vec![Token { start: 0, end: 1, ..document.tokens()[0] }], vec![])
            .is_err());
    }

    #[test]
    fn token_ranges_cover_tokens_partly_inside() {
        let document = Document::new("New York-based Acme rose.");
        let words: Vec<&str> = (0..document.tokens().len()).map(|k| document.word(k)).collect();
        assert_eq!(words, ["New", "York-based", "Acme", "rose", "."]);
        assert_eq!(document.token_range(Span::new(0, 8), 0), 0..2);
        // From any start point, and with a span that ends inside a token.
        assert_eq!(document.token_range(Span::new(4, 17), 3), 1..3);
        assert_eq!(document.span_of(1..3), Span::new(4, 19));
    }
}
