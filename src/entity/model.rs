//! The statistical entity model: PERSON, ORG, LOC and MISC from an averaged perceptron over hashed
//! features ([`super::features`]), decoded with BILOU-constrained Viterbi.
//!
//! The model ships inside the library (`model/ner.bin`, written by `cargo xtask train`). File
//! format, all integers little-endian:
//! - magic `AANERMDL`, format version (u32), [feature version](super::features::VERSION) (u32),
//!   tag count (u32), weight scale (f32);
//! - transition weights, tag count squared i16, row = previous tag;
//! - feature count (u32), then the sorted feature keys as varint deltas, then for each feature a
//!   varint bit set of its non-zero tags followed by one i8 weight per set bit;
//! - gazetteer entry count (u32), sorted keys as varint deltas, then each entry's kinds as a varint;
//! - FNV-1a 32-bit checksum of everything before it.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use super::decode::{spans, Decoder, NUM_TAGS, OUTSIDE, TYPES};
use super::features::{
    self, extract, extract_second_pass, Features, Gazetteer, KeyFilter, WordFeatures, WordHashes,
    NEIGHBOUR_OFFSETS,
};
use super::Entity;
use crate::document::Document;
use crate::sentence::Sentence;
use crate::span::Span;
use crate::token::Token;

const MAGIC: &[u8; 8] = b"AANERMDL";
/// Version of the file format.
const FORMAT_VERSION: u32 = 1;

/// The most tokens tagged as one document; longer texts are tagged in pieces of whole sentences.
const MAX_DOCUMENT_TOKENS: usize = 20_000;

/// Why a model file cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// The data does not start with the model magic: not a model file.
    NotAModel,
    /// The file was written in another format version.
    FormatVersion {
        /// The version in the file.
        found: u32,
        /// The version this library reads.
        expected: u32,
    },
    /// The file was trained with other feature definitions: it is stale and must be retrained.
    FeatureVersion {
        /// The version in the file.
        found: u32,
        /// The version this library computes.
        expected: u32,
    },
    /// The file ends too early.
    Truncated,
    /// The file's contents do not match its checksum or are inconsistent.
    Corrupt(&'static str),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::NotAModel => write!(f, "not an entity model file (bad magic)"),
            ModelError::FormatVersion { found, expected } => {
                write!(f, "entity model format version {found}, this library reads version {expected}")
            }
            ModelError::FeatureVersion { found, expected } => write!(
                f,
                "entity model trained with feature version {found}, this library computes version {expected}: \
                 retrain it with `cargo xtask train`"
            ),
            ModelError::Truncated => write!(f, "entity model file is truncated"),
            ModelError::Corrupt(what) => write!(f, "entity model file is corrupt: {what}"),
        }
    }
}

impl std::error::Error for ModelError {}

/// A trained entity model, ready to tag.
#[derive(Clone, Debug)]
pub struct Model {
    /// Multiplies the i8 weights into score units.
    scale: f32,
    transitions: [[f32; NUM_TAGS]; NUM_TAGS],
    /// Open-addressing table of feature keys (key 0: empty), each with its weights inline, so that
    /// a feature costs one memory access, not one for the key and one for its weights.
    slots: Vec<Slot>,
    /// The keys in `slots`, in 128 KB (where 46k keys leave about 4% of other keys unturned): most
    /// keys of unseen words and word pairs are turned away by this filter, which stays in cache,
    /// without probing the table.
    present: KeyFilter,
    /// How many features have weights.
    features: usize,
    gazetteer: Gazetteer,
}

impl Model {
    /// The model embedded in the library, parsed on first use.
    pub fn embedded() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| {
            Model::from_bytes(include_bytes!("../../model/ner.bin"))
                .unwrap_or_else(|e| panic!("the embedded model/ner.bin is unusable: {e}"))
        })
    }

    /// Parses a model file, checking its magic, versions and checksum.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(ModelError::NotAModel);
        }
        let mut reader = Reader { bytes, at: MAGIC.len() };
        let found = reader.u32()?;
        if found != FORMAT_VERSION {
            return Err(ModelError::FormatVersion { found, expected: FORMAT_VERSION });
        }
        let found = reader.u32()?;
        if found != features::VERSION {
            return Err(ModelError::FeatureVersion { found, expected: features::VERSION });
        }
        let body_end = bytes.len().checked_sub(4).ok_or(ModelError::Truncated)?;
        if reader.at > body_end {
            return Err(ModelError::Truncated);
        }
        let stored = u32::from_le_bytes([
            bytes[body_end],
            bytes[body_end + 1],
            bytes[body_end + 2],
            bytes[body_end + 3],
        ]);
        if fnv1a(&bytes[..body_end]) != stored {
            return Err(ModelError::Corrupt("checksum mismatch (truncated or damaged)"));
        }
        let reader = &mut Reader { bytes: &bytes[..body_end], at: reader.at };
        if reader.u32()? as usize != NUM_TAGS {
            return Err(ModelError::Corrupt("wrong number of tags"));
        }
        let scale = f32::from_bits(reader.u32()?);
        if !scale.is_finite() || scale <= 0.0 {
            return Err(ModelError::Corrupt("bad weight scale"));
        }
        let mut transitions = [[0.0; NUM_TAGS]; NUM_TAGS];
        for row in &mut transitions {
            for weight in row.iter_mut() {
                *weight = f32::from(reader.i16()?) * scale;
            }
        }
        let count = reader.u32()? as usize;
        let keys = reader.sorted_keys(count)?;
        let mut weights =
            vec![0i8; count.checked_mul(NUM_TAGS).ok_or(ModelError::Corrupt("too many features"))?];
        for row in weights.chunks_exact_mut(NUM_TAGS) {
            let mask = reader.varint()?;
            if mask >> NUM_TAGS != 0 {
                return Err(ModelError::Corrupt("bad tag set"));
            }
            for (t, weight) in row.iter_mut().enumerate() {
                if mask & (1 << t) != 0 {
                    *weight = reader.byte()? as i8;
                }
            }
        }
        let gazetteer = reader.gazetteer()?;
        if reader.at != reader.bytes.len() {
            return Err(ModelError::Corrupt("trailing data"));
        }
        // At most three quarters full, so that probes stay short.
        let capacity = (keys.len() * 4 / 3 + 1).next_power_of_two().max(2);
        let mut slots = vec![Slot { key: 0, weights: [0; NUM_TAGS] }; capacity];
        for (&key, row) in keys.iter().zip(weights.chunks_exact(NUM_TAGS)) {
            let mut slot = slot_of(key, capacity);
            while slots[slot].key != 0 {
                slot = (slot + 1) & (capacity - 1);
            }
            slots[slot] = Slot { key, weights: row.try_into().map_err(|_| ModelError::Corrupt("bad row"))? };
        }
        let present = KeyFilter::new(20, keys.iter().map(|&key| KeyFilter::of_u32(key)));
        Ok(Model { scale, transitions, slots, present, features: keys.len(), gazetteer })
    }

    /// Serializes a model: quantizes `weights` (feature key, weight per tag) to i8, dropping weights
    /// that round to zero and features whose weights all round to less than
    /// [`MIN_FEATURE_WEIGHT`].
    #[doc(hidden)]
    pub fn to_bytes(
        weights: &[(u32, [f32; NUM_TAGS])],
        transitions: &[[f32; NUM_TAGS]; NUM_TAGS],
        gazetteer: &Gazetteer,
    ) -> Vec<u8> {
        // The largest weight maps to 127: clipping the few large weights costs more accuracy than
        // rounding the many small ones to zero (which prunes them).
        let largest = weights.iter().flat_map(|(_, row)| row.iter().map(|w| w.abs())).fold(0.0, f32::max);
        let scale = if largest > 0.0 && largest.is_finite() { largest / 127.0 } else { 1.0 };
        let quantize = |w: f32| (w / scale).round().clamp(-127.0, 127.0) as i8;
        let mut rows: Vec<(u32, [i8; NUM_TAGS])> = weights
            .iter()
            .map(|(key, row)| (*key, row.map(quantize)))
            .filter(|(key, row)| *key != 0 && row.iter().any(|&w| w.unsigned_abs() >= MIN_FEATURE_WEIGHT))
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        rows.dedup_by_key(|r| r.0);
        let mut out = MAGIC.to_vec();
        for value in [FORMAT_VERSION, features::VERSION, NUM_TAGS as u32, scale.to_bits()] {
            out.extend(value.to_le_bytes());
        }
        for row in transitions {
            for &w in row {
                out.extend(((w / scale).round().clamp(-32767.0, 32767.0) as i16).to_le_bytes());
            }
        }
        out.extend((rows.len() as u32).to_le_bytes());
        write_sorted_keys(&mut out, rows.iter().map(|r| r.0));
        for (_, row) in &rows {
            let mask = row.iter().enumerate().filter(|(_, &w)| w != 0).fold(0, |m, (t, _)| m | 1 << t);
            write_varint(&mut out, mask);
            out.extend(row.iter().filter(|&&w| w != 0).map(|&w| w as u8));
        }
        let entries = gazetteer.entries();
        out.extend((entries.len() as u32).to_le_bytes());
        write_sorted_keys(&mut out, entries.iter().map(|e| e.0));
        for &(_, kinds) in &entries {
            write_varint(&mut out, u64::from(kinds));
        }
        let checksum = fnv1a(&out);
        out.extend(checksum.to_le_bytes());
        out
    }

    /// How many features have weights.
    pub fn feature_count(&self) -> usize {
        self.features
    }

    /// How many gazetteer entries the model holds.
    pub fn gazetteer_len(&self) -> usize {
        self.gazetteer.entries().len()
    }

    /// Tags the PERSON, ORG, LOC and MISC mentions of `document`. Returns non-overlapping spans in
    /// text order.
    pub fn tag(&self, document: &Document) -> Vec<Entity> {
        let (text, tokens, sentences) = (document.text(), document.tokens(), document.sentences());
        // A long text is tagged in pieces of whole sentences, each its own "document": memory stays
        // bounded (a 10 MB text would otherwise hold ~400 bytes of features per token at once),
        // while an article, far below the limit, keeps its document-level consistency.
        let mut entities = Vec::new();
        let mut rebased = Vec::new();
        let mut word_sums = WordSums::default();
        let beyond_edges = std::array::from_fn(|slot| self.sums(&features::beyond_edge(slot)));
        let mut first = 0;
        while first < sentences.len() {
            let start = sentences[first].tokens.start;
            let mut end = first + 1;
            while end < sentences.len() && sentences[end].tokens.end - start <= MAX_DOCUMENT_TOKENS {
                end += 1;
            }
            let stop = sentences[end - 1].tokens.end;
            rebased.clear();
            rebased.extend(sentences[first..end].iter().map(|s| Sentence {
                span: s.span,
                tokens: s.tokens.start.saturating_sub(start)..s.tokens.end.saturating_sub(start),
            }));
            let document = &tokens[start..stop];
            entities.extend(self.tag_document(text, document, &rebased, &mut word_sums, &beyond_edges));
            first = end;
        }
        entities
    }

    /// Tags one document (or one piece of a long text) with both passes.
    fn tag_document(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        word_sums: &mut WordSums,
        beyond_edges: &[[i32; NUM_TAGS]; NEIGHBOUR_OFFSETS.len()],
    ) -> Vec<Entity> {
        let mut features = Features::default();
        extract(text, tokens, sentences, &self.gazetteer, WordFeatures::OncePerIdentity, &mut features);
        let mut decoder = Decoder::default();
        // Only between pieces: inside one, only the first token of an identity has its features.
        if word_sums.sums.len() > MAX_WORD_SUMS {
            *word_sums = WordSums::default();
        }
        // Most tokens repeat a word seen before, whose sums are known.
        let WordSums { index, sums } = word_sums;
        let sums_of: Vec<usize> = (0..tokens.len())
            .map(|i| {
                let (own, identity) = features.own(i);
                *index.entry(identity).or_insert_with(|| {
                    let mut parts = [self.sums(own); 1 + NEIGHBOUR_OFFSETS.len()];
                    for (slot, part) in parts[1..].iter_mut().enumerate() {
                        *part = self.sums(features.as_neighbour(i, slot));
                    }
                    sums.push(parts);
                    sums.len() - 1
                })
            })
            .collect();
        let mut base = vec![[0.0; NUM_TAGS]; tokens.len()];
        for sentence in sentences {
            for i in sentence.tokens.clone() {
                let context = self.sums(features.context(i));
                let mut total: [i32; NUM_TAGS] = std::array::from_fn(|t| sums[sums_of[i]][0][t] + context[t]);
                for (slot, &offset) in NEIGHBOUR_OFFSETS.iter().enumerate() {
                    let neighbour = i.checked_add_signed(offset).filter(|j| sentence.tokens.contains(j));
                    let part = neighbour.map_or(&beyond_edges[slot], |j| &sums[sums_of[j]][1 + slot]);
                    for (sum, &weight) in total.iter_mut().zip(part) {
                        *sum += weight;
                    }
                }
                base[i] = total.map(|sum| sum as f32 * self.scale);
            }
        }
        let mut tags = Vec::new();
        // First pass: base features alone.
        let mut first_pass = vec![OUTSIDE; tokens.len()];
        for sentence in sentences {
            decoder.decode(&base[sentence.tokens.clone()], &self.transitions, &mut tags);
            first_pass[sentence.tokens.clone()].copy_from_slice(&tags);
        }
        // Second pass: plus what the first pass said about the same words across the document.
        let mut second = Features::default();
        extract_second_pass(&features, &first_pass, &mut second);
        for (i, scores) in base.iter_mut().enumerate() {
            for (score, extra) in scores.iter_mut().zip(self.scores(second.token(i))) {
                *score += extra;
            }
        }
        let mut entities = Vec::new();
        for sentence in sentences {
            decoder.decode(&base[sentence.tokens.clone()], &self.transitions, &mut tags);
            for (first, end, kind) in spans(&tags) {
                let span = Span::new(
                    tokens[sentence.tokens.start + first].start,
                    tokens[sentence.tokens.start + end - 1].end,
                );
                entities.push(Entity { span, label: TYPES[kind], text: span.slice(text).to_string() });
            }
        }
        entities
    }

    /// The score of each tag for a token with the features `keys`.
    fn scores(&self, keys: &[u32]) -> [f32; NUM_TAGS] {
        self.sums(keys).map(|s| s as f32 * self.scale)
    }

    /// The sum of the weights of `keys` for each tag, in units of the scale.
    fn sums(&self, keys: &[u32]) -> [i32; NUM_TAGS] {
        let mut sums = [0i32; NUM_TAGS];
        let mask = self.slots.len() - 1;
        for &key in keys {
            if !self.present.may_contain(KeyFilter::of_u32(key)) {
                continue;
            }
            let mut slot = slot_of(key, self.slots.len());
            while self.slots[slot].key != 0 {
                if self.slots[slot].key == key {
                    for (sum, &w) in sums.iter_mut().zip(&self.slots[slot].weights) {
                        *sum += i32::from(w);
                    }
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        sums
    }
}

/// Features whose largest weight rounds to less (of 127) are left out of the model file. A third
/// of the features have only such weights, and leaving them out keeps the weight table in half the
/// memory: trained on CoNLL-2003 train, dev F1 is 92.55 and 92.63 for two seeds with every
/// feature, 92.57 and 92.62 without these.
const MIN_FEATURE_WEIGHT: u8 = 3;

/// The sums of the weights of the features that depend on a single word, by
/// [identity](Features::own): a token's own features, then those it gives each of its
/// [`NEIGHBOUR_OFFSETS`] ([`Features::as_neighbour`]).
#[derive(Default)]
struct WordSums {
    index: HashMap<u64, usize, WordHashes>,
    sums: Vec<[[i32; NUM_TAGS]; 1 + NEIGHBOUR_OFFSETS.len()]>,
}

/// Past this many identities (about 6 MB of sums), the sums kept while tagging a long text start
/// over before the next piece (so they peak at this many plus one piece's).
const MAX_WORD_SUMS: usize = 16_384;

/// A feature key and its weight for each tag.
#[derive(Clone, Copy, Debug)]
struct Slot {
    key: u32,
    weights: [i8; NUM_TAGS],
}

fn slot_of(key: u32, capacity: usize) -> usize {
    (key.wrapping_mul(0x9E37_79B1) as usize) & (capacity - 1)
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811C_9DC5, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn write_sorted_keys(out: &mut Vec<u8>, keys: impl Iterator<Item = u32>) {
    let mut previous = 0;
    for key in keys {
        write_varint(out, u64::from(key - previous));
        previous = key;
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, ModelError> {
        let byte = *self.bytes.get(self.at).ok_or(ModelError::Truncated)?;
        self.at += 1;
        Ok(byte)
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        let mut value = [0; 4];
        for b in &mut value {
            *b = self.byte()?;
        }
        Ok(u32::from_le_bytes(value))
    }

    fn i16(&mut self) -> Result<i16, ModelError> {
        Ok(i16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn varint(&mut self) -> Result<u64, ModelError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ModelError::Corrupt("overlong varint"))
    }

    /// The gazetteer: count, keys, kinds.
    fn gazetteer(&mut self) -> Result<Gazetteer, ModelError> {
        let count = self.u32()? as usize;
        let keys = self.sorted_keys(count)?;
        let mut entries = Vec::with_capacity(keys.len());
        for key in keys {
            let kinds =
                u16::try_from(self.varint()?).map_err(|_| ModelError::Corrupt("bad gazetteer kinds"))?;
            entries.push((key, kinds));
        }
        Ok(Gazetteer::new(entries))
    }

    /// `count` strictly increasing non-zero keys written as deltas.
    fn sorted_keys(&mut self, count: usize) -> Result<Vec<u32>, ModelError> {
        if count > self.bytes.len() - self.at {
            return Err(ModelError::Truncated);
        }
        let mut keys = Vec::with_capacity(count);
        let mut key = 0u32;
        for _ in 0..count {
            let delta = u32::try_from(self.varint()?).map_err(|_| ModelError::Corrupt("bad key"))?;
            key = key.checked_add(delta).filter(|_| delta > 0).ok_or(ModelError::Corrupt("unsorted keys"))?;
            keys.push(key);
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Label;

    fn tag(model: &Model, text: &str) -> Vec<(String, Label)> {
        model.tag(&Document::new(text)).into_iter().map(|e| (e.text, e.label)).collect()
    }

    #[test]
    fn embedded_model_tags_a_known_sentence() {
        let found = tag(Model::embedded(), "Angela Merkel met executives of Siemens AG in Berlin on Monday.");
        let expected = [("Angela Merkel", Label::Person), ("Siemens AG", Label::Org), ("Berlin", Label::Loc)];
        assert_eq!(found, expected.map(|(t, l)| (t.to_string(), l)));
    }

    #[test]
    fn a_text_longer_than_one_document_is_tagged_in_pieces_with_the_same_result() {
        let sentence = "Angela Merkel met executives of Siemens AG in Berlin on Monday.\n";
        let one = tag(Model::embedded(), sentence);
        // 13 tokens a sentence: 2,000 sentences are 26,000 tokens, more than one document.
        let copies = 2_000;
        assert!(copies * 13 > MAX_DOCUMENT_TOKENS);
        let all = tag(Model::embedded(), &sentence.repeat(copies));
        assert_eq!(all.len(), one.len() * copies);
        assert!(all.chunks(one.len()).all(|chunk| chunk == one.as_slice()));
    }

    #[test]
    fn spans_are_ordered_and_their_text_is_the_slice() {
        let text =
            "Microsoft’s GitHub Copilot competes with OpenAI, said Satya Nadella in Redmond, Washington.";
        let entities = Model::embedded().tag(&Document::new(text));
        assert!(!entities.is_empty());
        assert!(entities.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        assert!(entities.iter().all(|e| e.span.slice(text) == e.text));
    }

    #[test]
    fn damaged_or_stale_models_are_rejected_with_an_error() {
        let bytes = include_bytes!("../../model/ner.bin");
        assert!(Model::from_bytes(bytes).is_ok());
        assert_eq!(
            Model::from_bytes(&bytes[..bytes.len() / 2]).unwrap_err(),
            ModelError::Corrupt("checksum mismatch (truncated or damaged)")
        );
        assert_eq!(Model::from_bytes(&bytes[..10]).unwrap_err(), ModelError::Truncated);
        assert_eq!(Model::from_bytes(b"GIF89a....").unwrap_err(), ModelError::NotAModel);
        let mut stale = bytes.to_vec();
        stale[12..16].copy_from_slice(&(features::VERSION + 1).to_le_bytes());
        assert_eq!(
            Model::from_bytes(&stale).unwrap_err(),
            ModelError::FeatureVersion { found: features::VERSION + 1, expected: features::VERSION }
        );
        let mut newer = bytes.to_vec();
        newer[8..12].copy_from_slice(&2u32.to_le_bytes());
        assert!(matches!(Model::from_bytes(&newer), Err(ModelError::FormatVersion { found: 2, .. })));
        let mut flipped = bytes.to_vec();
        flipped[bytes.len() / 2] ^= 0x10;
        assert!(matches!(Model::from_bytes(&flipped), Err(ModelError::Corrupt(_))));
    }

    #[test]
    fn serialization_round_trips_quantized_weights() {
        let mut transitions = [[0.0; NUM_TAGS]; NUM_TAGS];
        transitions[0][1] = -2.0;
        let weights = vec![
            (7, [1.0; NUM_TAGS]),
            (3, [0.0; NUM_TAGS]),
            (5, {
                let mut row = [0.0; NUM_TAGS];
                row[4] = -0.5;
                row
            }),
            // Its largest weight rounds to 2 of 127: left out of the file.
            (6, [0.015; NUM_TAGS]),
        ];
        let gazetteer = Gazetteer::new(vec![(9, 2), (4, 1)]);
        let model = Model::from_bytes(&Model::to_bytes(&weights, &transitions, &gazetteer)).unwrap();
        assert_eq!(model.feature_count(), 2);
        assert_eq!(model.scores(&[6]), [0.0; NUM_TAGS]);
        assert_eq!(model.gazetteer, gazetteer);
        assert_eq!(model.scores(&[7])[0], 1.0);
        assert!((model.scores(&[5, 3])[4] + 0.5).abs() < 0.01);
        assert!((model.transitions[0][1] + 2.0).abs() < 0.02);
    }
}
