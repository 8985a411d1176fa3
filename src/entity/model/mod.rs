//! The statistical entity model: PERSON, ORG, LOC and MISC from an averaged perceptron over hashed
//! features of each token and its context, decoded with BILOU-constrained Viterbi.
//!
//!
//! The model ships inside the library (`model/ner.bin`, written by `cargo xtask train`); its file
//! format is in [`format`].

mod format;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::decode::{spans, Decoder, Marginals, Potentials, NUM_TAGS, OUTSIDE, TYPES};
use super::features::{
    self, extract, second_pass, Features, Gazetteer, KeyFilter, SecondPassFeature, WordFeatures, WordHashes,
    NEIGHBOUR_OFFSETS,
};
pub use format::ModelError;

use super::Entity;
use crate::document::Document;
use crate::sentence::Sentence;
use crate::span::Span;
use crate::token::Token;

/// The most tokens tagged as one document; longer texts are tagged in pieces of whole sentences.
const MAX_DOCUMENT_TOKENS: usize = 20_000;

/// The temperature that turns the second pass's scores into probabilities, each tag sequence's
/// being proportional to `exp(score / temperature)`: an entity's confidence is the probability of
/// the tag sequences in which its span is exactly one entity of its type. The perceptron's scores are in large units (a
/// transition weighs up to 48), hence a large temperature.
///
/// Chosen on held-out text: a model trained with CoNLL-2003 dev and the corpora's held-out parts
/// left out (`cargo xtask train --train-only`) tagged CoNLL-2003 dev through the full pipeline, and
/// of the temperatures that `cargo xtask calibrate --model` tries, 60 gave the least log loss of the
/// PERSON/ORG/LOC/MISC mentions' confidences against whether each is right, span and label (0.163;
/// 0.282 at 20, 0.208 at 100), with an expected calibration error of 0.002 in 5 bins. Whoever
/// retrains the model checks it again.
pub const TEMPERATURE: f32 = 60.0;

/// A trained entity model, ready to tag.
#[derive(Clone, Debug)]
pub struct Model {
    /// Multiplies the i8 weights into score units.
    scale: f32,
    transitions: [[f32; NUM_TAGS]; NUM_TAGS],
    /// The transitions as factors of probabilities, at [`TEMPERATURE`].
    potentials: Potentials,
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
    /// The sums a token gets for its neighbours beyond its sentence's edges, and those of every
    /// second-pass feature (few values): looked up once, when the model loads.
    known_sums: Box<KnownSums>,
}

impl Model {
    /// The model embedded in the library, parsed on first use.
    pub fn embedded() -> &'static Model {
        Model::shared_embedded()
    }

    /// The embedded model, shared by every analyzer that uses it.
    pub(crate) fn shared_embedded() -> &'static Arc<Model> {
        static MODEL: OnceLock<Arc<Model>> = OnceLock::new();
        MODEL.get_or_init(|| {
            Arc::new(
                Model::from_embedded_bytes(include_bytes!("../../../model/ner.bin"))
                    .unwrap_or_else(|e| panic!("the embedded model/ner.bin is unusable: {e}")),
            )
        })
    }

    /// How many features have weights.
    pub fn feature_count(&self) -> usize {
        self.features
    }

    /// How many gazetteer entries the model holds.
    pub fn gazetteer_len(&self) -> usize {
        self.gazetteer.entries().len()
    }

    /// The same model with its probabilities at `temperature` instead of [`TEMPERATURE`], for
    /// choosing it (`cargo xtask calibrate`).
    #[cfg(feature = "training")]
    pub fn with_temperature(self, temperature: f32) -> Model {
        Model { potentials: Potentials::new(&self.transitions, temperature), ..self }
    }

    /// Tags the PERSON, ORG, LOC and MISC mentions of `document`, each with its
    /// [confidence](Entity::confidence). Returns non-overlapping spans in text order.
    pub fn tag(&self, document: &Document) -> Vec<Entity> {
        self.tag_scored(document).into_iter().map(|scored| scored.entity).collect()
    }

    /// Like [`Model::tag`], with the probability of each type for each mention's span.
    pub(crate) fn tag_scored(&self, document: &Document) -> Vec<Scored> {
        let (text, tokens, sentences) = (document.text(), document.tokens(), document.sentences());
        // A long text is tagged in pieces of whole sentences, each its own "document": memory stays
        // bounded (a 10 MB text would otherwise hold ~400 bytes of features per token at once),
        // while an article, far below the limit, keeps its document-level consistency.
        let mut entities = Vec::new();
        let mut rebased = Vec::new();
        let mut word_sums = WordSums::default();
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
            entities.extend(self.tag_document(text, document, &rebased, &mut word_sums));
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
    ) -> Vec<Scored> {
        let KnownSums { beyond_edges, second_pass: second_pass_sums } = &*self.known_sums;
        let mut features = Features::default();
        extract(text, tokens, sentences, &self.gazetteer, WordFeatures::OncePerIdentity, &mut features);
        let mut decoder = Decoder::default();
        // Only between pieces: inside one, only the first token of an identity has its features.
        if word_sums.sums.len() > MAX_WORD_SUMS {
            *word_sums = WordSums::default();
        }
        // Most tokens repeat a word seen before, whose sums are known: those of the first token of
        // its identity in the document, or, for that first token, of an earlier piece of the text.
        let WordSums { index, sums } = word_sums;
        let mut sums_of: Vec<usize> = Vec::with_capacity(tokens.len());
        for i in 0..tokens.len() {
            let first = features.first_of_identity(i);
            if first < i {
                sums_of.push(sums_of[first]);
                continue;
            }
            let (own, identity) = features.own(i);
            sums_of.push(*index.entry(identity).or_insert_with(|| {
                let mut parts = [self.sums(own); 1 + NEIGHBOUR_OFFSETS.len()];
                for (slot, part) in parts[1..].iter_mut().enumerate() {
                    *part = self.sums(features.as_neighbour(i, slot));
                }
                sums.push(parts);
                sums.len() - 1
            }));
        }
        let mut base = vec![[0.0; NUM_TAGS]; tokens.len()];
        for sentence in sentences {
            for i in sentence.tokens.clone() {
                let context = self.sums(features.context(i));
                let mut total: [i32; NUM_TAGS] = std::array::from_fn(|t| sums[sums_of[i]][0][t] + context[t]);
                for (slot, &offset) in NEIGHBOUR_OFFSETS.iter().enumerate() {
                    let neighbour = i.checked_add_signed(offset).filter(|j| sentence.tokens.contains(j));
                    let part = neighbour.map_or(&beyond_edges[slot], |j| &sums[sums_of[j]][1 + slot]);
                    add_weights(&mut total, part);
                }
                base[i] = self.scaled(total);
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
        second_pass(&features, &first_pass, |i, second| {
            let mut sums = [0; NUM_TAGS];
            for feature in second {
                add_weights(&mut sums, &second_pass_sums[feature.index()]);
            }
            for (score, extra) in base[i].iter_mut().zip(self.scaled(sums)) {
                *score += extra;
            }
        });
        let mut entities = Vec::new();
        let mut marginals = Marginals::default();
        for sentence in sentences {
            let emissions = &base[sentence.tokens.clone()];
            decoder.decode(emissions, &self.transitions, &mut tags);
            // Most sentences of news have a name; the others need no probabilities.
            if spans(&tags).next().is_some() {
                marginals.compute(emissions, &self.potentials);
            }
            for (first, end, kind) in spans(&tags) {
                let span = Span::new(
                    tokens[sentence.tokens.start + first].start,
                    tokens[sentence.tokens.start + end - 1].end,
                );
                let types = marginals.span(first, end, &self.potentials);
                let entity = Entity::new(text, span, TYPES[kind]).with_confidence(f64::from(types[kind]));
                entities.push(Scored { entity, types });
            }
        }
        entities
    }

    /// The score of each tag for a token with the features `keys`.
    #[cfg(test)]
    fn scores(&self, keys: &[u32]) -> [f32; NUM_TAGS] {
        self.scaled(self.sums(keys))
    }

    /// Tag scores from sums of weights in units of the scale.
    fn scaled(&self, sums: [i32; NUM_TAGS]) -> [f32; NUM_TAGS] {
        sums.map(|sum| sum as f32 * self.scale)
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

/// Adds the per-tag `weights` to `sums`.
fn add_weights(sums: &mut [i32; NUM_TAGS], weights: &[i32; NUM_TAGS]) {
    for (sum, &weight) in sums.iter_mut().zip(weights) {
        *sum += weight;
    }
}

/// Weight sums that take few values, looked up once per model.
#[derive(Clone, Debug)]
struct KnownSums {
    /// The sums of the features a token gets for each of its [`NEIGHBOUR_OFFSETS`] beyond its
    /// sentence's edge.
    beyond_edges: [[i32; NUM_TAGS]; NEIGHBOUR_OFFSETS.len()],
    /// The sums of every [`SecondPassFeature`], by [index](SecondPassFeature::index).
    second_pass: [[i32; NUM_TAGS]; SecondPassFeature::COUNT],
}

impl KnownSums {
    /// All sums zero, until [`Model::with_known_sums`] looks them up.
    const ZERO: KnownSums = KnownSums {
        beyond_edges: [[0; NUM_TAGS]; NEIGHBOUR_OFFSETS.len()],
        second_pass: [[0; NUM_TAGS]; SecondPassFeature::COUNT],
    };
}

impl Model {
    /// The model with its [`KnownSums`] looked up in its weights (once, when it loads).
    fn with_known_sums(mut self) -> Model {
        let mut known = KnownSums::ZERO;
        for (slot, sums) in known.beyond_edges.iter_mut().enumerate() {
            *sums = self.sums(&features::beyond_edge(slot));
        }
        for feature in SecondPassFeature::all() {
            known.second_pass[feature.index()] = self.sums(&[feature.key()]);
        }
        self.known_sums = Box::new(known);
        self
    }
}

/// A mention the model found, with the probability, for each of [`TYPES`], that its span is
/// exactly one entity of that type (its [confidence](Entity::confidence) is that of its label).
#[derive(Clone, Debug)]
pub(crate) struct Scored {
    /// The mention, its confidence that of its label.
    pub(crate) entity: Entity,
    /// For each of [`TYPES`], the probability that the span is exactly one entity of that type.
    pub(crate) types: [f32; TYPES.len()],
}

/// Features whose largest weight rounds to less (of 127) are left out of the model file. A third
/// of the features have only such weights, and leaving them out keeps the weight table in half the
/// memory: trained on CoNLL-2003 train, dev F1 is 92.55 and 92.63 for two seeds with every
/// feature, 92.57 and 92.62 without these.
#[cfg(any(test, feature = "training"))]
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

/// The odd multiplier that spreads feature keys over the table's slots.
const SLOT_MULTIPLIER: u32 = 0x9E37_79B1;

/// The home slot of `key` in a table of `capacity` slots, a power of two.
fn slot_of(key: u32, capacity: usize) -> usize {
    (key.wrapping_mul(SLOT_MULTIPLIER) as usize) & (capacity - 1)
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
    fn a_clear_name_has_a_higher_confidence_than_an_unsure_one() {
        let text = "Angela Merkel met executives of Siemens AG in Berlin. Mr. Smith spoke to Zorblax.";
        let entities = Model::embedded().tag(&Document::new(text));
        assert!(entities.iter().all(|e| (0.0..=1.0).contains(&e.confidence)), "{entities:?}");
        let confidence = |name: &str| entities.iter().find(|e| e.text == name).expect(name).confidence;
        for clear in ["Angela Merkel", "Siemens AG", "Berlin"] {
            assert!(confidence(clear) > 0.9, "{clear}: {entities:?}");
        }
        assert!(confidence("Zorblax") < 0.8, "{entities:?}");
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
}
