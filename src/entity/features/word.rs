//! Word analysis: what the features need of each token, computed once per document. A [`Word`]
//! holds the hashes of the token's lowercased and exact forms, its shape and affixes, its flags
//! (capitalised, all capitals, digits, inner capitals...), its [cue](CUES) class ("startup",
//! "Inc.", "Mr."), and, once [`mark_sentence`] has read its sentence, whether it opens the sentence
//! or stands in an all-capitals headline, and the gazetteer names it is part of.

use std::sync::OnceLock;

use super::gazetteer::{Gazetteer, KeyBuilder, KeyFilter, GAZETTEER_MAX_LEN};
use super::hash::{lower_hash, lowered, normalized, Hash};

// Flags of a word.
pub(super) const CAP: u32 = 1;
pub(super) const ALL_CAPS: u32 = 1 << 1;
const HAS_DIGIT: u32 = 1 << 2;
const HAS_HYPHEN: u32 = 1 << 3;
const HAS_PERIOD: u32 = 1 << 4;
const INNER_CAP: u32 = 1 << 5;
pub(super) const ALL_LOWER: u32 = 1 << 6;
pub(super) const SENTENCE_START: u32 = 1 << 7;
pub(super) const CAPS_SENTENCE: u32 = 1 << 8;
pub(super) const NO_ALNUM: u32 = 1 << 9;
const HAS_APOSTROPHE: u32 = 1 << 10;
const SINGLE_CHAR: u32 = 1 << 11;

/// What the features need of one token, hashed once per document.
#[derive(Clone, Copy)]
pub(super) struct Word {
    /// The [lowercased, normalized hash](super::hash::lower_hash) of the word.
    pub(super) lower: u64,
    /// The hash of the word as written (normalized only).
    pub(super) exact: u64,
    /// The hash of its shape: its classes of characters, runs collapsed ("Xx.", "d,d").
    pub(super) shape: u64,
    /// The hashes of its first 1 to 4 lowercased characters.
    pub(super) prefixes: [u64; 4],
    /// The hashes of its last 1 to 4 lowercased characters.
    pub(super) suffixes: [u64; 4],
    /// How many characters it has, lowercased.
    pub(super) chars: usize,
    uppers: usize,
    lowers: usize,
    /// Its flags ([`CAP`] and the others).
    pub(super) flags: u32,
    /// For words with inner capitals ("OpenAI", "McDonald"): lowercase letters before the first
    /// inner capital and capitals at the end, bucketed.
    pub(super) camel: Option<u64>,
    /// Gazetteer hits: bit `4 * kind + position` (B, I, L, U).
    pub(super) gazetteer: u64,
    /// The [cue](CUES) class of the word.
    pub(super) cue: Option<u64>,
}

impl Word {
    /// Analyses one token's text; the sentence-level flags and gazetteer hits come later, from
    /// [`mark_sentence`].
    pub(super) fn new(word: &str) -> Word {
        if word.is_ascii() {
            // Most words: masked to seven bits (a no-op here), the characters tell the compiler
            // they are ASCII, and every Unicode table look-up below drops out of this copy.
            Word::from_chars(word.bytes().map(|b| char::from(b & 0x7F)))
        } else {
            Word::from_chars(word.chars())
        }
    }

    #[inline(always)]
    fn from_chars(word: impl Iterator<Item = char>) -> Word {
        let mut lower = Hash::new(1);
        let mut exact = Hash::new(2);
        let mut shape = Hash::new(3);
        let mut prefix = Hash::new(4);
        let mut prefixes = [0; 4];
        // The last four lowercased characters: character k at `last[k % 4]`.
        let mut last = ['\0'; 4];
        let (mut chars, mut uppers, mut lowers, mut flags) = (0, 0, 0, 0);
        let mut lowers_before_inner_cap = 0;
        let mut upper_tail = 0;
        let mut last_class = '\0';
        for c in word {
            let class = match c {
                _ if c.is_uppercase() => {
                    uppers += 1;
                    if lowers > 0 && flags & INNER_CAP == 0 {
                        flags |= INNER_CAP;
                        lowers_before_inner_cap = lowers;
                    }
                    'X'
                }
                _ if c.is_lowercase() => {
                    lowers += 1;
                    'x'
                }
                _ if c.is_numeric() => {
                    flags |= HAS_DIGIT;
                    'd'
                }
                '-' | '–' => {
                    flags |= HAS_HYPHEN;
                    '-'
                }
                '.' => {
                    flags |= HAS_PERIOD;
                    '.'
                }
                '\'' | '’' | '‘' => {
                    flags |= HAS_APOSTROPHE;
                    '\''
                }
                '&' | '/' | ',' | ':' | '@' | '#' => c,
                _ if c.is_alphabetic() => 'a',
                _ => 'o',
            };
            upper_tail = if class == 'X' { upper_tail + 1 } else { 0 };
            if chars == 0 && class == 'X' {
                flags |= CAP;
            }
            if class != last_class {
                shape = shape.char(class);
                last_class = class;
            }
            exact = exact.char(normalized(c));
            lowered(c, |n| {
                lower = lower.char(n);
                if chars < 4 {
                    prefix = prefix.char(n);
                    prefixes[chars] = prefix.mixed();
                }
                last[chars % 4] = n;
                chars += 1;
            });
        }
        let mut suffixes = [0; 4];
        let mut suffix = Hash::new(5);
        for n in 0..4.min(chars) {
            suffix = suffix.char(last[(chars - 1 - n) % 4]);
            suffixes[n] = suffix.mixed();
        }
        if uppers > 0 && lowers == 0 {
            flags |= ALL_CAPS;
        }
        if lowers > 0 && uppers == 0 {
            flags |= ALL_LOWER;
        }
        if uppers + lowers == 0 && flags & HAS_DIGIT == 0 {
            flags |= NO_ALNUM;
        }
        if chars == 1 {
            flags |= SINGLE_CHAR;
        }
        let lower = lower.mixed();
        Word {
            lower,
            exact: exact.mixed(),
            shape: shape.mixed(),
            prefixes,
            suffixes,
            chars,
            uppers,
            lowers,
            flags,
            camel: (flags & INNER_CAP != 0)
                .then_some(1 + lowers_before_inner_cap.min(3) as u64 * 4 + upper_tail.min(3) as u64),
            gazetteer: 0,
            cue: cue(lower),
        }
    }

    /// Whether the word starts with a capital or is all capitals.
    pub(super) fn capitalized(&self) -> bool {
        self.flags & (CAP | ALL_CAPS) != 0
    }
}

/// Sets the sentence-level flags and the gazetteer hits of one sentence's words.
pub(super) fn mark_sentence(words: &mut [Word], gazetteer: &Gazetteer) {
    let uppers: usize = words.iter().map(|w| w.uppers).sum();
    let lowers: usize = words.iter().map(|w| w.lowers).sum();
    let caps = if uppers > 3 * lowers && uppers >= 4 { CAPS_SENTENCE } else { 0 };
    if let Some(first) = words.iter_mut().find(|w| w.flags & NO_ALNUM == 0) {
        first.flags |= SENTENCE_START;
    }
    for word in words.iter_mut() {
        word.flags |= caps;
    }
    for start in 0..words.len() {
        if !words[start].capitalized() && words[start].flags & HAS_DIGIT == 0 {
            continue;
        }
        let mut key = KeyBuilder::new();
        for end in start + 1..=(start + GAZETTEER_MAX_LEN).min(words.len()) {
            key.push(words[end - 1].lower);
            let kinds = gazetteer.get(key.key());
            if kinds == 0 {
                continue;
            }
            for kind in bits(u64::from(kinds)) {
                for (i, word) in words[start..end].iter_mut().enumerate() {
                    let position = match i {
                        _ if end - start == 1 => 3,
                        0 => 0,
                        _ if start + i + 1 == end => 2,
                        _ => 1,
                    };
                    word.gazetteer |= 1 << (4 * kind + position);
                }
            }
        }
    }
}

/// Words that say what kind of name stands next to them, by class: they let what the training text
/// teaches about "rival X" or "X shares" carry over to "startup X" or "X executives".
const CUES: [(u64, &[&str]); 4] = [
    // Before an organization.
    (
        0,
        &[
            "startup",
            "company",
            "firm",
            "rival",
            "maker",
            "carrier",
            "bank",
            "insurer",
            "retailer",
            "giant",
            "conglomerate",
            "automaker",
            "airline",
            "subsidiary",
            "brewer",
            "chipmaker",
            "lender",
            "broker",
            "group",
            "operator",
            "developer",
            "publisher",
            "distributor",
            "supplier",
            "manufacturer",
        ],
    ),
    // After an organization.
    (
        1,
        &[
            "inc",
            "inc.",
            "corp",
            "corp.",
            "ltd",
            "ltd.",
            "co",
            "co.",
            "labs",
            "plc",
            "ag",
            "sa",
            "nv",
            "gmbh",
            "llc",
            "holdings",
            "executives",
            "shares",
            "spokesman",
            "spokeswoman",
            "subsidiary",
            "stock",
            "ceo",
            "shareholders",
            "employees",
            "unit",
        ],
    ),
    // After a product.
    (
        2,
        &[
            "platform",
            "app",
            "software",
            "service",
            "chatbot",
            "model",
            "models",
            "device",
            "browser",
            "phone",
            "system",
            "tool",
            "tools",
            "assistant",
            "console",
            "cloud",
            "chip",
            "chips",
            "engine",
            "jet",
            "car",
        ],
    ),
    // Before a person.
    (
        3,
        &["mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "president", "minister", "chairman", "coach"],
    ),
];

/// The cue class of a lowercased word hash.
fn cue(lower: u64) -> Option<u64> {
    // Sorted (hash, class) pairs, and a 512-byte filter that turns away nearly every other word
    // before the binary search.
    static TABLE: OnceLock<(Vec<(u64, u64)>, KeyFilter)> = OnceLock::new();
    let (table, filter) = TABLE.get_or_init(|| {
        let mut table: Vec<(u64, u64)> = CUES
            .iter()
            .flat_map(|&(class, words)| words.iter().map(move |w| (lower_hash(w), class)))
            .collect();
        table.sort_unstable();
        let filter = KeyFilter::new(12, table.iter().map(|e| e.0));
        (table, filter)
    });
    if !filter.may_contain(lower) {
        return None;
    }
    table.binary_search_by_key(&lower, |e| e.0).ok().map(|i| table[i].1)
}

/// The indices of the set bits of `x`, lowest first.
pub(super) fn bits(mut x: u64) -> impl Iterator<Item = u64> {
    std::iter::from_fn(move || {
        let bit = x.trailing_zeros();
        x &= x.wrapping_sub(1);
        (bit < 64).then_some(u64::from(bit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_words_hash_as_on_the_general_path() {
        let fields =
            |w: Word| (w.lower, w.exact, w.shape, w.prefixes, w.suffixes, w.chars, w.flags, w.camel, w.cue);
        for word in ["OpenAI", "McDonald's", "U.S.", "1,200", "e-mail", "a", "Inc.", "", "C++", "x86-64"] {
            assert_eq!(fields(Word::new(word)), fields(Word::from_chars(word.chars())), "{word}");
        }
        // Curly quotes take the general path and still meet the straight ones; so do other letters.
        assert_eq!(fields(Word::new("O’Neil")), fields(Word::new("O'Neil")));
        assert_eq!(Word::new("ÉCOLE").lower, lower_hash("école"));
        assert_ne!(Word::new("École").lower, Word::new("Ecole").lower);
    }
}
