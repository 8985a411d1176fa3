//! Half-open ranges of a text, and their conversion from bytes to UTF-16 code units.

use serde::{Deserialize, Serialize};

/// A half-open range `start..end` of a text. Inside the core the unit is bytes of UTF-8; after
/// [`Analysis::to_utf16`](crate::Analysis::to_utf16) it is UTF-16 code units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(expecting = "a Span {start, end}")]
pub struct Span {
    /// First unit of the range.
    pub start: usize,
    /// One past the last unit of the range.
    pub end: usize,
}

impl Span {
    /// Creates the span `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The spanned slice of `text` (byte offsets only).
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Bytes between two checkpoints of a [`Utf16Index`].
const CHECKPOINT_BYTES: usize = 256;

/// Converts byte offsets of one text into UTF-16 offsets in O(checkpoint) time each, with a table
/// of one `usize` per 256 bytes (a 10 MB article needs 40 k entries, not one per character).
#[derive(Debug)]
pub struct Utf16Index<'t> {
    text: &'t str,
    /// `checkpoints[k]` is the UTF-16 length of `text[..floor_char_boundary(k * CHECKPOINT_BYTES)]`;
    /// empty when the text is ASCII, where both units coincide.
    checkpoints: Vec<usize>,
}

impl<'t> Utf16Index<'t> {
    /// Indexes `text`.
    pub fn new(text: &'t str) -> Utf16Index<'t> {
        let mut checkpoints = Vec::new();
        if !text.is_ascii() {
            let mut units = 0;
            let mut previous = 0;
            for k in 0..=text.len() / CHECKPOINT_BYTES {
                let at = floor_char_boundary(text, k * CHECKPOINT_BYTES);
                units += utf16_len(&text[previous..at]);
                checkpoints.push(units);
                previous = at;
            }
        }
        Utf16Index { text, checkpoints }
    }

    /// The UTF-16 offset of byte offset `byte`, which must lie on a character boundary.
    pub fn offset(&self, byte: usize) -> usize {
        if self.checkpoints.is_empty() {
            return byte;
        }
        let k = byte / CHECKPOINT_BYTES;
        let at = floor_char_boundary(self.text, k * CHECKPOINT_BYTES);
        self.checkpoints[k] + utf16_len(&self.text[at..byte])
    }

    /// The span in UTF-16 units of a span in bytes.
    pub fn span(&self, span: Span) -> Span {
        Span::new(self.offset(span.start), self.offset(span.end))
    }
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_offsets_are_unchanged() {
        let index = Utf16Index::new("plain text");
        assert_eq!(index.offset(6), 6);
    }

    #[test]
    fn astral_characters_count_two_units() {
        let text = "a😀b é";
        let index = Utf16Index::new(text);
        // "a" 1 unit, "😀" 2 units (4 bytes), "b" at byte 5 / unit 3.
        assert_eq!(index.offset(5), 3);
        assert_eq!(index.offset(text.len()), text.encode_utf16().count());
    }

    #[test]
    fn offsets_past_many_checkpoints_match_a_direct_count() {
        let text = "é😀 word ".repeat(200);
        let index = Utf16Index::new(&text);
        for (byte, _) in text.char_indices().step_by(7) {
            assert_eq!(index.offset(byte), text[..byte].encode_utf16().count());
        }
    }
}
