//! Features of the statistical entity model, shared by the runtime tagger and the trainer.
//!
//! Every feature is a 32-bit hash built incrementally from the parts of a token (normalized
//! lowercase word, shape, affixes, flags, gazetteer hits, document context); no feature string is
//! ever built. Changing anything here changes what a trained model means: bump [`VERSION`].

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::sentence::Sentence;
use crate::token::Token;

/// Version of the feature definitions; stored in the model file and checked on load.
pub const VERSION: u32 = 8;

/// Longest gazetteer entry, in tokens.
pub const GAZETTEER_MAX_LEN: usize = 5;

/// Names known to be of some kind: hashes of lowercased token sequences ([`gazetteer_key`]), each
/// with a bit set of kinds (up to 16; what each bit means is up to the trainer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gazetteer {
    /// The kinds of each key, in a hash map: a look-up is one probe, not a binary search's 14 steps.
    kinds: HashMap<u32, u16, WordHashes>,
    /// The keys in 32 KB: nearly every word sequence looked up is no name, and is turned away here.
    filter: KeyFilter,
}

impl Gazetteer {
    /// A gazetteer of `(key, kinds)` entries; the kinds of duplicate keys are merged.
    pub fn new(entries: Vec<(u32, u16)>) -> Gazetteer {
        let mut kinds: HashMap<u32, u16, WordHashes> = HashMap::default();
        for (key, kind) in entries {
            *kinds.entry(key).or_default() |= kind;
        }
        let filter = KeyFilter::new(18, kinds.keys().map(|&key| KeyFilter::of_u32(key)));
        Gazetteer { kinds, filter }
    }

    /// The entries, sorted by key.
    pub fn entries(&self) -> Vec<(u32, u16)> {
        let mut entries: Vec<(u32, u16)> = self.kinds.iter().map(|(&key, &kinds)| (key, kinds)).collect();
        entries.sort_unstable();
        entries
    }

    fn get(&self, key: u32) -> u16 {
        if !self.filter.may_contain(KeyFilter::of_u32(key)) {
            return 0;
        }
        self.kinds.get(&key).copied().unwrap_or(0)
    }
}

/// A bitmap indexed by the top bits of well-mixed hashes, in front of a set that costs more to ask:
/// a clear bit says a hash is not in the set, from memory small enough to stay in cache.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyFilter {
    bits: Vec<u64>,
    /// 64 minus the number of index bits.
    shift: u32,
}

impl KeyFilter {
    /// A filter of 2^`log2_bits` bits (6 to 32) holding `keys`.
    pub(crate) fn new(log2_bits: u32, keys: impl Iterator<Item = u64>) -> KeyFilter {
        let mut filter = KeyFilter { bits: vec![0; 1 << (log2_bits - 6)], shift: 64 - log2_bits };
        for key in keys {
            let bit = filter.bit(key);
            filter.bits[bit / 64] |= 1 << (bit % 64);
        }
        filter
    }

    /// A 32-bit key as the filter takes it, its bits on top.
    pub(crate) fn of_u32(key: u32) -> u64 {
        u64::from(key) << 32
    }

    /// Whether `key` may be in the set (false: it is surely not; always false when empty).
    #[inline]
    pub(crate) fn may_contain(&self, key: u64) -> bool {
        self.bits.get(self.bit(key) / 64).is_some_and(|word| word & 1 << (self.bit(key) % 64) != 0)
    }

    fn bit(&self, key: u64) -> usize {
        (key >> self.shift) as usize
    }
}

/// The gazetteer key of a name given as its tokens.
pub fn gazetteer_key(words: &[&str]) -> u32 {
    let mut hash = Hash::new(GAZETTEER_SEED);
    for word in words {
        hash = hash.value(lower_hash(word));
    }
    hash.finish()
}

/// The features of every token of a document: `keys[offsets[i]..offsets[i + 1]]` for token `i`
/// (with [`WordFeatures::OncePerIdentity`], the features it gives its neighbours are there too).
#[derive(Clone, Debug, Default)]
pub struct Features {
    /// Start of each token's features in `keys`, plus the end.
    pub offsets: Vec<usize>,
    /// Feature hashes.
    pub keys: Vec<u32>,
    /// Each token's lowercased word hash, and whether the word is capitalized.
    pub words: Vec<(u64, bool)>,
    /// For each token, where the parts of its features end in `keys`, and its identity; none for
    /// the second pass.
    parts: Vec<Parts>,
}

/// Where the [own features](Features::own) of a token and the features
/// [its neighbours get from it](Features::as_neighbour) end in [`Features::keys`], and its identity.
#[derive(Clone, Copy, Debug)]
struct Parts {
    ends: [usize; 1 + NEIGHBOUR_OFFSETS.len()],
    identity: u64,
}

/// The offsets of the neighbours whose words are features of a token, in the order of
/// [`Features::as_neighbour`]'s slots.
pub(crate) const NEIGHBOUR_OFFSETS: [isize; 4] = [-1, 1, -2, 2];

/// How [`extract`] writes the features that depend on a single word: a token's
/// [own](Features::own), and those [its neighbours get from it](Features::as_neighbour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordFeatures {
    /// In every token's features: for training, which needs each token's full set.
    Every,
    /// Once per identity: only the first token of each identity in the document gets its own
    /// features and, apart, those its neighbours get from it; no token gets its neighbours' words
    /// among its context features. The tagger sums them once per identity, and most tokens repeat
    /// a word.
    OncePerIdentity,
}

impl Features {
    /// The feature hashes written for token `i`: all its features with [`WordFeatures::Every`].
    pub fn token(&self, i: usize) -> &[u32] {
        &self.keys[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The features of token `i` that depend only on the token itself (its word, flags,
    /// gazetteer hits and place in the sentence), and their identity: a hash of what they are
    /// made of, so tokens with the same identity have the same own features, whose weights the
    /// model can then sum once.
    pub fn own(&self, i: usize) -> (&[u32], u64) {
        let parts = &self.parts[i];
        (&self.keys[self.offsets[i]..parts.ends[0]], parts.identity)
    }

    /// The features that token `i`'s word gives the token it is the [`NEIGHBOUR_OFFSETS`]`[slot]`
    /// neighbour of (written with [`WordFeatures::OncePerIdentity`] only; the same for every token
    /// of an identity).
    pub(crate) fn as_neighbour(&self, i: usize, slot: usize) -> &[u32] {
        let ends = &self.parts[i].ends;
        &self.keys[ends[slot]..ends[slot + 1]]
    }

    /// The features of token `i` that depend on its neighbours and the document.
    pub fn context(&self, i: usize) -> &[u32] {
        &self.keys[self.parts[i].ends[NEIGHBOUR_OFFSETS.len()]..self.offsets[i + 1]]
    }
}

/// The features that a token gets for a [`NEIGHBOUR_OFFSETS`]`[slot]` neighbour beyond its sentence's
/// edge, which [`WordFeatures::OncePerIdentity`] leaves out of its context.
pub(crate) fn beyond_edge(slot: usize) -> Vec<u32> {
    let mut out = Features::default();
    Emitter { words: &[], at: 0, out: &mut out }.as_neighbour(slot, None);
    out.keys
}

/// Computes the features of every token of `text` (tokens outside every sentence get none), with
/// the features of single words written as `word_features` says.
pub fn extract(
    text: &str,
    tokens: &[Token],
    sentences: &[Sentence],
    gazetteer: &Gazetteer,
    word_features: WordFeatures,
    out: &mut Features,
) {
    out.offsets.clear();
    out.keys.clear();
    out.parts.clear();
    // About 32 features a token in news text, more in runs of names, and about half as many once a
    // word's are written once per identity: growing the list by doubling would copy it over and
    // over (wasm has no mremap).
    out.keys.reserve(tokens.len() * if word_features == WordFeatures::Every { 48 } else { 24 });
    out.offsets.reserve(tokens.len() + 1);
    out.parts.reserve(tokens.len());
    let mut words: Vec<Word> = tokens.iter().map(|t| Word::new(t.text(text))).collect();
    for sentence in sentences {
        mark_sentence(&mut words[sentence.tokens.clone()], gazetteer);
    }
    out.words.clear();
    out.words.extend(words.iter().map(|w| (w.lower, w.capitalized())));
    let document = document_entries(&words, sentences);
    let mut emitted: HashSet<u64, WordHashes> = HashSet::default();
    let every = word_features == WordFeatures::Every;
    let no_features = |out: &mut Features| {
        out.parts.push(Parts { ends: [out.keys.len(); 1 + NEIGHBOUR_OFFSETS.len()], identity: 0 });
        out.offsets.push(out.keys.len());
    };
    out.offsets.push(0);
    for sentence in sentences {
        while out.offsets.len() <= sentence.tokens.start {
            no_features(out);
        }
        for i in sentence.tokens.clone() {
            let mut emit =
                Emitter { words: &words[sentence.tokens.clone()], at: i - sentence.tokens.start, out };
            let identity = emit.identity();
            let write = every || emitted.insert(identity);
            if write {
                emit.own();
            }
            let mut ends = [emit.out.keys.len(); 1 + NEIGHBOUR_OFFSETS.len()];
            if write && !every {
                for (slot, end) in ends[1..].iter_mut().enumerate() {
                    emit.as_neighbour(slot, Some(&emit.words[emit.at]));
                    *end = emit.out.keys.len();
                }
            }
            emit.out.parts.push(Parts { ends, identity });
            emit.context(&document, i, every);
            out.offsets.push(out.keys.len());
        }
    }
    while out.offsets.len() <= tokens.len() {
        no_features(out);
    }
}

/// The features of the second pass (written into `out`): what the first pass tagged (`first_pass`,
/// one tag per token) at the token and at the other occurrences of its word in the document. The
/// second pass scores base features plus these, so that a name gets one label across an article.
pub fn extract_second_pass(base: &Features, first_pass: &[u8], out: &mut Features) {
    out.offsets.clear();
    out.keys.clear();
    out.words.clear();
    out.parts.clear();
    let kind = |tag: u8| usize::from(tag).div_ceil(4);
    let mut counts: HashMap<u64, [u16; 5], WordHashes> = HashMap::default();
    for (&(lower, cased), &tag) in base.words.iter().zip(first_pass) {
        if cased {
            let slot = &mut counts.entry(lower).or_default()[kind(tag)];
            *slot = slot.saturating_add(1);
        }
    }
    out.offsets.push(0);
    for (i, (&(lower, cased), &tag)) in base.words.iter().zip(first_pass).enumerate() {
        let own = kind(tag) as u64;
        out.keys.push(Hash::new(template::OWN).value(u64::from(tag)).finish());
        let previous = i.checked_sub(1).and_then(|j| first_pass.get(j)).map_or(5, |&t| kind(t)) as u64;
        let next = first_pass.get(i + 1).map_or(5, |&t| kind(t)) as u64;
        out.keys.push(Hash::new(template::NEIGHBOURS).value(previous).value(next).finish());
        if let (true, Some(counts)) = (cased, counts.get(&lower)) {
            // Summed in u32: a word capitalised 65,536 times must not wrap to a zero total.
            let total: u32 = counts.iter().map(|&c| u32::from(c)).sum();
            let majority = (0..5).rev().max_by_key(|&k| counts[k]).unwrap_or(0) as u64;
            let bucket = u64::from(total.min(3));
            out.keys.push(Hash::new(template::MAJORITY).value(majority).value(bucket).finish());
            out.keys.push(Hash::new(template::OWN_MAJORITY).value(own).value(majority).finish());
            let entities = total - u32::from(counts[0]);
            if entities > 0 {
                let kind = (1..5).rev().max_by_key(|&k| counts[k]).unwrap_or(1) as u64;
                let share = u64::from(4 * entities / total);
                out.keys.push(Hash::new(template::ENTITY_MAJORITY).value(kind).value(share).finish());
            }
        }
        out.offsets.push(out.keys.len());
    }
}

const GAZETTEER_SEED: u64 = 0xFFFF;
const IDENTITY_SEED: u64 = 0x1D;

// Flags of a word.
const CAP: u32 = 1;
const ALL_CAPS: u32 = 1 << 1;
const HAS_DIGIT: u32 = 1 << 2;
const HAS_HYPHEN: u32 = 1 << 3;
const HAS_PERIOD: u32 = 1 << 4;
const INNER_CAP: u32 = 1 << 5;
const ALL_LOWER: u32 = 1 << 6;
const SENTENCE_START: u32 = 1 << 7;
const CAPS_SENTENCE: u32 = 1 << 8;
const NO_ALNUM: u32 = 1 << 9;
const HAS_APOSTROPHE: u32 = 1 << 10;
const SINGLE_CHAR: u32 = 1 << 11;

/// What the features need of one token, hashed once per document.
struct Word {
    lower: u64,
    exact: u64,
    shape: u64,
    prefixes: [u64; 4],
    suffixes: [u64; 4],
    chars: usize,
    uppers: usize,
    lowers: usize,
    flags: u32,
    /// For words with inner capitals ("OpenAI", "McDonald"): lowercase letters before the first
    /// inner capital and capitals at the end, bucketed.
    camel: Option<u64>,
    /// Gazetteer hits: bit `4 * kind + position` (B, I, L, U).
    gazetteer: u64,
    /// The [cue](CUES) class of the word.
    cue: Option<u64>,
}

impl Word {
    fn new(word: &str) -> Word {
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

    fn capitalized(&self) -> bool {
        self.flags & (CAP | ALL_CAPS) != 0
    }
}

/// Sets the sentence-level flags and the gazetteer hits of one sentence's words.
fn mark_sentence(words: &mut [Word], gazetteer: &Gazetteer) {
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
        let mut hash = Hash::new(GAZETTEER_SEED);
        for end in start + 1..=(start + GAZETTEER_MAX_LEN).min(words.len()) {
            hash = hash.value(words[end - 1].lower);
            let kinds = gazetteer.get(hash.finish());
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

/// What the document says about one lowercased word.
struct DocumentEntry {
    /// Its first occurrence.
    first: usize,
    /// The word before its first occurrence ("President", "startup").
    first_previous: u64,
    /// The shape of its first capitalized occurrence inside a normal sentence (not its start).
    mid_shape: Option<u64>,
    /// Whether it occurs in lowercase inside a normal sentence.
    lowercase: bool,
    /// Capitalized occurrences whose contexts were collected.
    occurrences: u8,
    /// Where the words around its capitalized occurrences are in [`Document::contexts`].
    contexts: std::ops::Range<usize>,
}

/// What the document says about its words: an entry per lowercased word, and the words around
/// each capitalized occurrence (`(word, previous)` and `(word, !next)`, sorted, deduplicated).
struct Document {
    entries: HashMap<u64, DocumentEntry, WordHashes>,
    contexts: Vec<(u64, u64)>,
}

fn document_entries(words: &[Word], sentences: &[Sentence]) -> Document {
    let mut entries: HashMap<u64, DocumentEntry, WordHashes> = HashMap::default();
    let mut contexts = Vec::new();
    for sentence in sentences {
        let range = sentence.tokens.clone();
        for i in range.clone() {
            let word = &words[i];
            let entry = entries.entry(word.lower).or_insert_with(|| DocumentEntry {
                first: i,
                first_previous: if i > range.start { words[i - 1].lower } else { BEFORE[0] },
                mid_shape: None,
                lowercase: false,
                occurrences: 0,
                contexts: 0..0,
            });
            if word.capitalized() && entry.occurrences < MAX_OCCURRENCES {
                // The words (not punctuation) around its first occurrences.
                entry.occurrences += 1;
                if i > range.start && words[i - 1].flags & NO_ALNUM == 0 {
                    contexts.push((word.lower, words[i - 1].lower));
                }
                if i + 1 < range.end && words[i + 1].flags & NO_ALNUM == 0 {
                    contexts.push((word.lower, !words[i + 1].lower));
                }
            }
            if word.flags & (SENTENCE_START | CAPS_SENTENCE) == 0 {
                if word.flags & ALL_LOWER != 0 {
                    entry.lowercase = true;
                } else if word.capitalized() && entry.mid_shape.is_none() {
                    entry.mid_shape = Some(word.shape);
                }
            }
        }
    }
    contexts.sort_unstable();
    contexts.dedup();
    let mut start = 0;
    for run in contexts.chunk_by(|a, b| a.0 == b.0) {
        if let Some(entry) = entries.get_mut(&run[0].0) {
            entry.contexts = start..start + run.len();
        }
        start += run.len();
    }
    Document { entries, contexts }
}

/// Contexts are aggregated from at most this many occurrences of a word.
const MAX_OCCURRENCES: u8 = 8;

/// Values standing for words beyond the sentence's ends.
const BEFORE: [u64; 2] = [0xB0, 0xB1];
const AFTER: [u64; 2] = [0xE0, 0xE1];

/// The lowercased word of the neighbour at `offset` (-2 to 2, not 0), or what stands for it beyond
/// the sentence's edge when there is none.
fn lower_at_offset(offset: isize, word: Option<&Word>) -> u64 {
    let edge = if offset < 0 { BEFORE } else { AFTER };
    word.map_or(edge[offset.unsigned_abs() - 1], |w| w.lower)
}

/// The shape of the neighbour at `offset`, or what stands for it beyond the sentence's edge.
fn shape_at_offset(offset: isize, word: Option<&Word>) -> u64 {
    word.map_or(if offset < 0 { BEFORE[0] } else { AFTER[0] }, |w| w.shape)
}

/// Feature templates: the first part of every feature hash.
mod template {
    pub const BIAS: u64 = 0;
    pub const LOWER: u64 = 1;
    pub const EXACT: u64 = 2;
    pub const LOWER_AT: [u64; 4] = [3, 4, 5, 6];
    pub const SHAPE: u64 = 7;
    pub const SHAPE_AT: [u64; 2] = [8, 9];
    pub const SHAPE_BIGRAM: [u64; 2] = [10, 11];
    pub const SHAPE_TRIGRAM: u64 = 12;
    pub const LOWER_BIGRAM: [u64; 4] = [13, 14, 15, 16];
    pub const LOWER_SHAPE: [u64; 2] = [17, 18];
    pub const PREFIX: u64 = 19;
    pub const SUFFIX: u64 = 20;
    pub const FLAGS: u64 = 21;
    pub const FLAG: u64 = 22;
    pub const GAZETTEER: u64 = 23;
    pub const GAZETTEER_AT: [u64; 2] = [24, 25];
    pub const DOCUMENT: u64 = 26;
    pub const FIRST_CONTEXT: u64 = 27;
    pub const MID_SHAPE: u64 = 29;
    pub const CASED_LOWER: u64 = 30;
    pub const OWN: u64 = 31;
    pub const MAJORITY: u64 = 32;
    pub const OWN_MAJORITY: u64 = 33;
    pub const ENTITY_MAJORITY: u64 = 34;
    pub const SHAPE_POSITION: u64 = 35;
    pub const POSITION: u64 = 36;
    pub const AGGREGATE: u64 = 37;
    pub const NEIGHBOURS: u64 = 38;
    pub const CAMEL: u64 = 39;
    pub const CUE_AT: [u64; 3] = [40, 41, 42];
}

struct Emitter<'a> {
    words: &'a [Word],
    at: usize,
    out: &'a mut Features,
}

impl Emitter<'_> {
    fn push(&mut self, hash: Hash) {
        self.out.keys.push(hash.finish());
    }

    fn one(&mut self, template: u64, a: u64) {
        self.push(Hash::new(template).value(a));
    }

    fn two(&mut self, template: u64, a: u64, b: u64) {
        self.push(Hash::new(template).value(a).value(b));
    }

    fn word(&self, offset: isize) -> Option<&Word> {
        self.at.checked_add_signed(offset).and_then(|i| self.words.get(i))
    }

    fn lower(&self, offset: isize) -> u64 {
        lower_at_offset(offset, self.word(offset))
    }

    fn shape(&self, offset: isize) -> u64 {
        shape_at_offset(offset, self.word(offset))
    }

    /// The features a token gets from the word of its [`NEIGHBOUR_OFFSETS`]`[slot]` neighbour, or from
    /// beyond its sentence's edge when `word` is none: the word, its shape and its gazetteer kinds
    /// (the last two for adjacent words only).
    fn as_neighbour(&mut self, slot: usize, word: Option<&Word>) {
        let offset = NEIGHBOUR_OFFSETS[slot];
        self.lower_at(slot, lower_at_offset(offset, word));
        if slot < template::SHAPE_AT.len() {
            self.shape_at(slot, shape_at_offset(offset, word));
            self.gazetteer_at(slot, word.map_or(0, |w| w.gazetteer));
        }
    }

    fn lower_at(&mut self, slot: usize, lower: u64) {
        self.one(template::LOWER_AT[slot], lower);
    }

    fn shape_at(&mut self, slot: usize, shape: u64) {
        self.one(template::SHAPE_AT[slot], shape);
    }

    /// The kinds of a neighbour's gazetteer `hits`, whatever its position in them.
    fn gazetteer_at(&mut self, slot: usize, hits: u64) {
        // The lowest bit of each kind's nibble, set when any of the nibble's bits is.
        let any = (hits | hits >> 1 | hits >> 2 | hits >> 3) & 0x1111_1111_1111_1111;
        for bit in bits(any) {
            self.one(template::GAZETTEER_AT[slot], bit / 4);
        }
    }

    /// The token's place in its sentence, as its own features see it.
    fn position(&self) -> u64 {
        let flags = self.words[self.at].flags;
        u64::from(flags & (SENTENCE_START | CAPS_SENTENCE)) | u64::from(self.word(1).is_none())
    }

    /// The [identity](Features::own) of the token's own features: a hash of all they are made of.
    /// The exact word (as normalized) determines its lowercase form, affixes and inner capitals.
    fn identity(&self) -> u64 {
        let w = &self.words[self.at];
        let flags = u64::from(w.flags) | u64::from(self.word(1).is_none()) << 32;
        mix(Hash::new(IDENTITY_SEED).value(w.exact).value(w.shape).value(flags).value(w.gazetteer).0)
    }

    /// The features of the token itself.
    fn own(&mut self) {
        use template::*;
        let w = &self.words[self.at];
        let (l, s, flags) = (w.lower, w.shape, w.flags);
        self.one(BIAS, 0);
        self.one(LOWER, l);
        self.one(EXACT, w.exact);
        self.two(CASED_LOWER, l, u64::from(flags & (CAP | ALL_CAPS | SENTENCE_START | CAPS_SENTENCE)));
        self.one(SHAPE, s);
        let position = self.position();
        self.two(SHAPE_POSITION, s, position);
        self.one(POSITION, position);
        for n in 0..w.chars.min(4) {
            self.two(PREFIX, n as u64, w.prefixes[n]);
            self.two(SUFFIX, n as u64, w.suffixes[n]);
        }
        if let Some(camel) = w.camel {
            self.one(CAMEL, camel);
        }
        self.one(FLAGS, u64::from(flags));
        for bit in bits(u64::from(flags)) {
            self.one(FLAG, bit);
        }
        let cased = u64::from(flags & (CAP | ALL_CAPS) != 0);
        for bit in bits(w.gazetteer) {
            self.two(GAZETTEER, bit, cased);
        }
    }

    /// The features of the token's neighbours and of the document around it; with
    /// `neighbour_words`, those of its neighbours' words alone too (see [`Emitter::as_neighbour`]).
    fn context(&mut self, document: &Document, index: usize, neighbour_words: bool) {
        use template::*;
        let w = &self.words[self.at];
        let (l, s, flags) = (w.lower, w.shape, w.flags);
        let (l1, l2, r1, r2) = (self.lower(-1), self.lower(-2), self.lower(1), self.lower(2));
        let (sl, sr) = (self.shape(-1), self.shape(1));
        if neighbour_words {
            // Template by template, in the order the model was trained with (the same features as
            // `as_neighbour` gives, which a test checks).
            for (slot, value) in [l1, r1, l2, r2].into_iter().enumerate() {
                self.lower_at(slot, value);
            }
            self.shape_at(0, sl);
            self.shape_at(1, sr);
        }
        self.two(SHAPE_BIGRAM[0], sl, s);
        self.two(SHAPE_BIGRAM[1], s, sr);
        self.push(Hash::new(SHAPE_TRIGRAM).value(sl).value(s).value(sr));
        self.two(LOWER_BIGRAM[0], l1, l);
        self.two(LOWER_BIGRAM[1], l, r1);
        self.two(LOWER_BIGRAM[2], l2, l1);
        self.two(LOWER_BIGRAM[3], r1, r2);
        self.two(LOWER_SHAPE[0], l1, s);
        self.two(LOWER_SHAPE[1], s, r1);
        let cased = u64::from(w.capitalized());
        for (template, offset) in CUE_AT.into_iter().zip([-1, 1, 2]) {
            if let Some(class) = self.word(offset).and_then(|w| w.cue) {
                self.two(template, class, cased);
            }
        }
        if neighbour_words {
            for (slot, &offset) in NEIGHBOUR_OFFSETS.iter().enumerate().take(GAZETTEER_AT.len()) {
                self.gazetteer_at(slot, self.word(offset).map_or(0, |w| w.gazetteer));
            }
        }
        if let (Some(entry), true) = (document.entries.get(&w.lower), w.capitalized()) {
            for &(_, context) in &document.contexts[entry.contexts.clone()] {
                self.one(AGGREGATE, context);
            }
            let first = entry.first == index;
            let summary = u64::from(first)
                | u64::from(entry.lowercase) << 1
                | u64::from(entry.mid_shape.is_some()) << 2
                | u64::from(flags & SENTENCE_START != 0) << 3
                | u64::from(flags & CAPS_SENTENCE != 0) << 4;
            self.one(DOCUMENT, summary);
            if !first {
                self.one(FIRST_CONTEXT, entry.first_previous);
            }
            if let Some(shape) = entry.mid_shape {
                self.two(MID_SHAPE, shape, u64::from(flags & (SENTENCE_START | CAPS_SENTENCE) != 0));
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

/// The hash of a word, lowercased and normalized (digits as 0, curly quotes straight).
pub fn lower_hash(word: &str) -> u64 {
    let mut hash = Hash::new(1);
    for c in word.chars() {
        lowered(c, |n| hash = hash.char(n));
    }
    hash.mixed()
}

fn normalized(c: char) -> char {
    match c {
        _ if c.is_ascii_digit() => '0',
        '’' | '‘' | '`' => '\'',
        '“' | '”' => '"',
        '–' | '—' => '-',
        _ => c,
    }
}

/// Calls `each` with the characters of `c` [normalized](normalized) and lowercased: one, or a few
/// for some letters outside ASCII. A callback, not an iterator: the state of a chained iterator
/// went through memory at every character.
#[inline(always)]
fn lowered(c: char, mut each: impl FnMut(char)) {
    let c = normalized(c);
    if c.is_ascii() {
        each(c.to_ascii_lowercase());
    } else {
        c.to_lowercase().for_each(each);
    }
}

/// The indices of the set bits of `x`, lowest first.
fn bits(mut x: u64) -> impl Iterator<Item = u64> {
    std::iter::from_fn(move || {
        let bit = x.trailing_zeros();
        x &= x.wrapping_sub(1);
        (bit < 64).then_some(u64::from(bit))
    })
}

/// A hasher for maps keyed by word hashes, which are already well mixed: it keeps the key as it
/// is instead of hashing it again (std's SipHash would cost more than the map lookup).
#[derive(Default)]
pub(crate) struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Keys that are not hashes already (the texts of names) are folded in byte by byte (FNV-1a).
        self.0 = bytes.iter().copied().fold(self.0, fnv_step);
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = word;
    }

    fn write_u32(&mut self, key: u32) {
        // Spread into the high bits too, which the map's probes use.
        self.0 = u64::from(key).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Builds [`WordHasher`]s, for maps keyed by hashes.
pub(crate) type WordHashes = std::hash::BuildHasherDefault<WordHasher>;

/// A hash built part by part: the characters of a word FNV-1a style, [mixed](Hash::mixed) once per
/// word, and a feature's values (word hashes, small numbers) one multiply each, then a final
/// multiply folded to 32 bits.
#[derive(Clone, Copy)]
struct Hash(u64);

impl Hash {
    fn new(seed: u64) -> Hash {
        Hash(0xCBF2_9CE4_8422_2325 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn char(self, c: char) -> Hash {
        if c.is_ascii() {
            return Hash(fnv_step(self.0, c as u8));
        }
        let mut buffer = [0; 4];
        Hash(c.encode_utf8(&mut buffer).bytes().fold(self.0, fnv_step))
    }

    /// A word's hash as a value for features: FNV-1a leaves similar words with similar hashes,
    /// which the cheap [`Hash::value`] steps would let collide.
    fn mixed(self) -> u64 {
        mix(self.0)
    }

    fn value(self, v: u64) -> Hash {
        let h = (self.0 ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Hash(h ^ h >> 29)
    }

    /// The final 32-bit key, never 0 (0 marks an empty slot in the model's table).
    fn finish(self) -> u32 {
        let h = (self.0 ^ self.0 >> 32).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        ((h >> 32) as u32).max(1)
    }
}

/// One byte of FNV-1a (64-bit).
fn fnv_step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01B3)
}

/// The finalizer of MurmurHash3.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentence::split_tokens;
    use crate::token::tokenize;

    fn features(text: &str, gazetteer: &Gazetteer) -> Features {
        let tokens = tokenize(text);
        let sentences = split_tokens(text, &tokens);
        let mut out = Features::default();
        extract(text, &tokens, &sentences, gazetteer, WordFeatures::Every, &mut out);
        out
    }

    #[test]
    fn every_token_gets_features_and_case_matters() {
        let gazetteer = Gazetteer::default();
        let upper = features("Apple sells phones.", &gazetteer);
        let lower = features("apple sells phones.", &gazetteer);
        assert_eq!(upper.offsets.len(), 4 + 1);
        assert!((0..4).all(|i| !upper.token(i).is_empty()));
        assert_ne!(upper.token(0), lower.token(0));
        assert_eq!(upper.token(2), lower.token(2));
    }

    #[test]
    fn own_features_and_their_identity_follow_the_word_not_its_neighbours() {
        let text = "Reuters said the Reuters report and the Reuters photo were new, but reuters was not.";
        let out = features(text, &Gazetteer::default());
        // Tokens 0, 3 and 7 are "Reuters", 13 "reuters".
        let (start, inside) = (out.own(0), out.own(3));
        assert_ne!(start.1, inside.1, "the sentence start is part of a token's own features");
        assert_eq!(out.own(7), inside);
        assert_ne!(out.own(13).1, inside.1);
        assert_ne!(out.context(3), out.context(7));
        for i in 0..out.offsets.len() - 1 {
            assert_eq!([out.own(i).0, out.context(i)].concat(), out.token(i));
        }
    }

    #[test]
    fn tokens_share_an_identity_exactly_when_they_share_own_features() {
        let names = Gazetteer::new(vec![(gazetteer_key(&["new", "york"]), 1), (gazetteer_key(&["york"]), 2)]);
        let text = "New York's O’Neil met O'Neil in New York. NEW YORK RALLIES 2-1 AS YORK WINS. \
                    York — and York-based OpenAI — said 1996 and 2024 were years; \"York\" won. new york";
        let tokens = tokenize(text);
        let sentences = split_tokens(text, &tokens);
        let mut every = Features::default();
        extract(text, &tokens, &sentences, &names, WordFeatures::Every, &mut every);
        for i in 0..tokens.len() {
            for j in 0..tokens.len() {
                let same_identity = every.own(i).1 == every.own(j).1;
                assert_eq!(same_identity, every.own(i).0 == every.own(j).0, "tokens {i} and {j}");
            }
        }
        // Tagging sums the features of single words once per identity: the first token of each
        // gets them, and every token's full set is still there, gathered from its neighbours'.
        let mut once = Features::default();
        extract(text, &tokens, &sentences, &names, WordFeatures::OncePerIdentity, &mut once);
        let mut first_of = HashMap::new();
        for i in 0..tokens.len() {
            let identity = once.own(i).1;
            assert_eq!(identity, every.own(i).1);
            let first = *first_of.entry(identity).or_insert(i);
            if first != i {
                let slots = 0..NEIGHBOUR_OFFSETS.len();
                assert!(
                    once.own(i).0.is_empty()
                        && slots.into_iter().all(|slot| once.as_neighbour(i, slot).is_empty())
                );
            }
        }
        for sentence in &sentences {
            for i in sentence.tokens.clone() {
                let mut gathered = [once.own(first_of[&once.own(i).1]).0, once.context(i)].concat();
                for (slot, &offset) in NEIGHBOUR_OFFSETS.iter().enumerate() {
                    match i.checked_add_signed(offset).filter(|j| sentence.tokens.contains(j)) {
                        Some(j) => gathered.extend(once.as_neighbour(first_of[&once.own(j).1], slot)),
                        None => gathered.extend(beyond_edge(slot)),
                    }
                }
                let mut expected = every.token(i).to_vec();
                expected.sort_unstable();
                gathered.sort_unstable();
                assert_eq!(gathered, expected, "token {i}");
            }
        }
        assert!(first_of.len() < tokens.len());
    }

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

    #[test]
    fn key_filter_keeps_every_key_and_turns_away_most_others() {
        let keys: Vec<u64> = (0..1000u64).map(mix).collect();
        let filter = KeyFilter::new(16, keys.iter().copied());
        assert!(keys.iter().all(|&k| filter.may_contain(k)));
        let others = (1000..11_000u64).map(mix).filter(|&k| filter.may_contain(k)).count();
        assert!(others < 500, "{others} of 10,000 other keys let through");
        assert!(!KeyFilter::default().may_contain(keys[0]));
        let gazetteer = Gazetteer::new(vec![(gazetteer_key(&["new", "york"]), 2)]);
        assert_eq!(gazetteer.get(gazetteer_key(&["new", "york"])), 2);
        assert_eq!(gazetteer.get(gazetteer_key(&["old", "york"])), 0);
    }

    #[test]
    fn gazetteer_hits_add_features_and_curly_quotes_match_straight_ones() {
        let empty = Gazetteer::default();
        let names = Gazetteer::new(vec![(gazetteer_key(&["new", "york"]), 1)]);
        let text = "He flew to New York.";
        assert!(features(text, &names).token(3).len() > features(text, &empty).token(3).len());
        assert_eq!(lower_hash("O’Neil"), lower_hash("o'neil"));
        assert_eq!(lower_hash("1996"), lower_hash("2024"));
    }
}
