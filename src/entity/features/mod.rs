//! Features of the statistical entity model, shared by the runtime tagger and the trainer.
//!
//! Every feature is a 32-bit hash built incrementally from the parts of a token (normalized
//! lowercase word, shape, affixes, flags, gazetteer hits, document context); no feature string is
//! ever built. Changing anything here changes what a trained model means: bump [`VERSION`].
//!
//! The parts: [`hash`] (how words and features are hashed), [`gazetteer`] (names known to be of some
//! kind), [`word`] (what the features need of each token), and [`emit`] (the feature templates and
//! their writer). This module puts them together over a document: [`extract`] for the tagger and
//! the trainer, [`extract_second_pass`] for the features that read the first pass's tags.

mod emit;
mod gazetteer;
mod hash;
mod word;

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::decode::NUM_TAGS;
use crate::sentence::Sentence;
use crate::token::Token;
use emit::{lower_at_offset, template, Emitter};
pub use gazetteer::Gazetteer;
pub(crate) use gazetteer::KeyFilter;
// Only the trainer reads these.
#[cfg(feature = "training")]
pub use gazetteer::{gazetteer_key, GAZETTEER_MAX_LEN};
pub(crate) use hash::WordHashes;
use hash::{Hash, TextHashes};
use word::{mark_sentence, Word, ALL_LOWER, CAPS_SENTENCE, NO_ALNUM, SENTENCE_START};

/// Version of the feature definitions; stored in the model file and checked on load.
pub const VERSION: u32 = 8;

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
    /// The first token of the document with the same identity (the token itself if none before).
    first: usize,
}

/// The offsets of the neighbours whose words are features of a token, in the order of
/// [`Features::as_neighbour`]'s slots.
pub(crate) const NEIGHBOUR_OFFSETS: [isize; 4] = [-1, 1, -2, 2];

/// How [`extract`] writes the features that depend on a single word: a token's
/// [own](Features::own), and those its neighbours get from it.
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
    #[cfg(any(test, feature = "training"))]
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

    /// The first token of the document with the [identity](Features::own) of token `i`: `i` itself
    /// if none before it has that identity.
    pub(crate) fn first_of_identity(&self, i: usize) -> usize {
        self.parts[i].first
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
    let mut words = words_of(text, tokens);
    for sentence in sentences {
        mark_sentence(&mut words[sentence.tokens.clone()], gazetteer);
    }
    out.words.clear();
    out.words.extend(words.iter().map(|w| (w.lower, w.capitalized())));
    let document = DocumentContext::new(&words, sentences);
    // The first token of each identity.
    let mut firsts: HashMap<u64, usize, WordHashes> =
        HashMap::with_capacity_and_hasher(tokens.len() / 3, WordHashes::default());
    let every = word_features == WordFeatures::Every;
    let no_features = |out: &mut Features| {
        let first = out.parts.len();
        out.parts.push(Parts { ends: [out.keys.len(); 1 + NEIGHBOUR_OFFSETS.len()], identity: 0, first });
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
            let first = *firsts.entry(identity).or_insert(i);
            let write = every || first == i;
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
            emit.out.parts.push(Parts { ends, identity, first });
            emit.context(&document, i, every);
            out.offsets.push(out.keys.len());
        }
    }
    while out.offsets.len() <= tokens.len() {
        no_features(out);
    }
}

/// The [`Word`] of each token, before [`mark_sentence`]: most tokens repeat a word of the document,
/// whose analysis is copied rather than made again.
fn words_of(text: &str, tokens: &[Token]) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::with_capacity(tokens.len());
    // News text has a distinct word for every three to five tokens.
    let mut seen: HashMap<&str, usize, TextHashes> =
        HashMap::with_capacity_and_hasher(tokens.len() / 3, TextHashes::default());
    for token in tokens {
        let word = match seen.entry(token.text(text)) {
            Entry::Occupied(first) => words[*first.get()],
            Entry::Vacant(entry) => {
                let word = Word::new(entry.key());
                entry.insert(words.len());
                word
            }
        };
        words.push(word);
    }
    words
}

/// The features of the second pass (written into `out`): what the first pass tagged (`first_pass`,
/// one tag per token) at the token and at the other occurrences of its word in the document. The
/// second pass scores base features plus these, so that a name gets one label across an article.
/// (The tagger sums them from [`second_pass`] directly.)
#[cfg(feature = "training")]
pub fn extract_second_pass(base: &Features, first_pass: &[u8], out: &mut Features) {
    out.offsets.clear();
    out.keys.clear();
    out.words.clear();
    out.parts.clear();
    out.offsets.push(0);
    second_pass(base, first_pass, |_, features| {
        out.keys.extend(features.iter().map(|feature| feature.key()));
        out.offsets.push(out.keys.len());
    });
}

/// One feature of the second pass, by template, with its values (each from a small range, so that
/// the tagger can sum the weights of every possible one beforehand, see [`SecondPassFeature::index`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum SecondPassFeature {
    /// The token's first-pass tag (below [`NUM_TAGS`]).
    Own(u8),
    /// The entity kinds (0 for O, 1 to 4 by type) of the tokens before and after it, 5 beyond the
    /// document's edges.
    Neighbours(u8, u8),
    /// The kind most capitalized occurrences of its word got (0 to 4), and how many there are (1
    /// to 3, 3 for more).
    Majority(u8, u8),
    /// The token's own kind and the majority kind of its word.
    OwnMajority(u8, u8),
    /// The entity kind (1 to 4) most of its word's occurrences that are entities got, and their
    /// share of all occurrences in quarters (0 to 4).
    EntityMajority(u8, u8),
}

impl SecondPassFeature {
    /// How many indices [`SecondPassFeature::index`] gives.
    pub(crate) const COUNT: usize = NUM_TAGS + 6 * 6 + 5 * 3 + 5 * 5 + 4 * 5;

    /// Every second-pass feature, in the order of their indices.
    pub(crate) fn all() -> impl Iterator<Item = SecondPassFeature> {
        let pairs = |first: std::ops::Range<u8>, second: u8| {
            first.flat_map(move |a| (0..second).map(move |b| (a, b)))
        };
        (0..NUM_TAGS as u8)
            .map(SecondPassFeature::Own)
            .chain(pairs(0..6, 6).map(|(a, b)| SecondPassFeature::Neighbours(a, b)))
            .chain(pairs(0..5, 3).map(|(a, b)| SecondPassFeature::Majority(a, b + 1)))
            .chain(pairs(0..5, 5).map(|(a, b)| SecondPassFeature::OwnMajority(a, b)))
            .chain(pairs(1..5, 5).map(|(a, b)| SecondPassFeature::EntityMajority(a, b)))
    }

    /// The feature's place in [`SecondPassFeature::all`], below [`SecondPassFeature::COUNT`].
    pub(crate) fn index(self) -> usize {
        const NEIGHBOURS: usize = NUM_TAGS;
        const MAJORITY: usize = NEIGHBOURS + 6 * 6;
        const OWN_MAJORITY: usize = MAJORITY + 5 * 3;
        const ENTITY_MAJORITY: usize = OWN_MAJORITY + 5 * 5;
        let at = |start: usize, a: u8, b: u8, width: usize| start + usize::from(a) * width + usize::from(b);
        match self {
            SecondPassFeature::Own(tag) => usize::from(tag),
            SecondPassFeature::Neighbours(previous, next) => at(NEIGHBOURS, previous, next, 6),
            // Counted from 1.
            SecondPassFeature::Majority(majority, count) => at(MAJORITY, majority, count - 1, 3),
            SecondPassFeature::OwnMajority(own, majority) => at(OWN_MAJORITY, own, majority, 5),
            SecondPassFeature::EntityMajority(kind, share) => at(ENTITY_MAJORITY, kind - 1, share, 5),
        }
    }

    /// The feature's key.
    pub(crate) fn key(self) -> u32 {
        let hash = |template: u64, values: &[u8]| {
            values.iter().fold(Hash::new(template), |hash, &v| hash.value(u64::from(v))).finish()
        };
        match self {
            SecondPassFeature::Own(tag) => hash(template::OWN, &[tag]),
            SecondPassFeature::Neighbours(previous, next) => hash(template::NEIGHBOURS, &[previous, next]),
            SecondPassFeature::Majority(majority, count) => hash(template::MAJORITY, &[majority, count]),
            SecondPassFeature::OwnMajority(own, majority) => hash(template::OWN_MAJORITY, &[own, majority]),
            SecondPassFeature::EntityMajority(kind, share) => hash(template::ENTITY_MAJORITY, &[kind, share]),
        }
    }
}

/// Calls `each` with every token's index and its second-pass features (see [`extract_second_pass`]),
/// in token order.
pub(crate) fn second_pass(
    base: &Features,
    first_pass: &[u8],
    mut each: impl FnMut(usize, &[SecondPassFeature]),
) {
    let kind = |tag: u8| (tag as usize).div_ceil(4) as u8;
    let mut counts: HashMap<u64, [u16; 5], WordHashes> = HashMap::default();
    for (&(lower, cased), &tag) in base.words.iter().zip(first_pass) {
        if cased {
            let slot = &mut counts.entry(lower).or_default()[usize::from(kind(tag))];
            *slot = slot.saturating_add(1);
        }
    }
    for (i, (&(lower, cased), &tag)) in base.words.iter().zip(first_pass).enumerate() {
        let own = kind(tag);
        let mut features = [SecondPassFeature::Own(tag); 5];
        let previous = i.checked_sub(1).and_then(|j| first_pass.get(j)).map_or(5, |&t| kind(t));
        let next = first_pass.get(i + 1).map_or(5, |&t| kind(t));
        features[1] = SecondPassFeature::Neighbours(previous, next);
        let mut len = 2;
        if let (true, Some(counts)) = (cased, counts.get(&lower)) {
            // Summed in u32: a word capitalised 65,536 times must not wrap to a zero total.
            let total: u32 = counts.iter().map(|&c| u32::from(c)).sum();
            let majority = (0..5).rev().max_by_key(|&k| counts[usize::from(k)]).unwrap_or(0);
            let count = total.min(3) as u8;
            features[2] = SecondPassFeature::Majority(majority, count);
            features[3] = SecondPassFeature::OwnMajority(own, majority);
            len = 4;
            let entities = total - u32::from(counts[0]);
            if entities > 0 {
                let kind = (1..5).rev().max_by_key(|&k| counts[usize::from(k)]).unwrap_or(1);
                let share = (4 * entities / total) as u8;
                features[4] = SecondPassFeature::EntityMajority(kind, share);
                len = 5;
            }
        }
        each(i, &features[..len]);
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
    /// Where the words around its capitalized occurrences are in [`DocumentContext::contexts`].
    contexts: std::ops::Range<usize>,
}

/// What the document says about its words, which a token's context features read: an entry per
/// lowercased word, and the words around each capitalized occurrence (`(word, previous)` and
/// `(word, !next)`, sorted, deduplicated).
struct DocumentContext {
    entries: HashMap<u64, DocumentEntry, WordHashes>,
    contexts: Vec<(u64, u64)>,
}

impl DocumentContext {
    /// The context of the document whose sentences are `sentences`, over its `words`.
    fn new(words: &[Word], sentences: &[Sentence]) -> DocumentContext {
        let mut entries: HashMap<u64, DocumentEntry, WordHashes> =
            HashMap::with_capacity_and_hasher(words.len() / 3, WordHashes::default());
        let mut contexts = Vec::new();
        for sentence in sentences {
            let range = sentence.tokens.clone();
            for i in range.clone() {
                let word = &words[i];
                let entry = entries.entry(word.lower).or_insert_with(|| DocumentEntry {
                    first: i,
                    first_previous: lower_at_offset(-1, (i > range.start).then(|| &words[i - 1])),
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
        DocumentContext { entries, contexts }
    }
}

/// Contexts are aggregated from at most this many occurrences of a word.
const MAX_OCCURRENCES: u8 = 8;

#[cfg(test)]
mod tests {
    use super::gazetteer::gazetteer_key;
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
            assert_eq!(once.first_of_identity(i), first, "token {i}");
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
    fn second_pass_features_have_one_index_each_in_the_order_of_all() {
        let indices: Vec<usize> = SecondPassFeature::all().map(SecondPassFeature::index).collect();
        assert_eq!(indices, (0..SecondPassFeature::COUNT).collect::<Vec<_>>());
        let mut keys: Vec<u32> = SecondPassFeature::all().map(SecondPassFeature::key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SecondPassFeature::COUNT);
    }

    #[test]
    fn every_second_pass_feature_of_a_document_is_among_all() {
        let text = "Reuters said Reuters and REUTERS met Angela Merkel in Berlin. Merkel left. Apple rose.";
        let base = features(text, &Gazetteer::default());
        let tags: Vec<u8> = (0..base.words.len()).map(|i| (i * 7 % NUM_TAGS) as u8).collect();
        let mut seen = 0;
        second_pass(&base, &tags, |_, features| {
            for &feature in features {
                assert!(feature.index() < SecondPassFeature::COUNT, "{feature:?}");
                assert_eq!(
                    SecondPassFeature::all().nth(feature.index()).map(|f| f.key()),
                    Some(feature.key())
                );
                seen += 1;
            }
        });
        assert!(seen > 2 * base.words.len(), "{seen}");
    }

    #[test]
    fn gazetteer_hits_add_features() {
        let empty = Gazetteer::default();
        let names = Gazetteer::new(vec![(gazetteer_key(&["new", "york"]), 1)]);
        let text = "He flew to New York.";
        assert!(features(text, &names).token(3).len() > features(text, &empty).token(3).len());
    }
}
