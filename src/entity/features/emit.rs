//! Emission: the feature templates and the [`Emitter`] that writes a token's features from its
//! [words](super::word::Word) and the [document context](super::DocumentContext). A token's own
//! features come from its word alone (its forms, shape, affixes, flags, gazetteer hits and place
//! in the sentence); its context features from the words up to two places away (stand-in values
//! beyond the sentence's edges), their pairs and shapes, and what the rest of the document says
//! about its word. Every feature is its template's number hashed with its values.

use super::hash::Hash;
use super::word::{bits, Word, ALL_CAPS, CAP, CAPS_SENTENCE, SENTENCE_START};
use super::{DocumentContext, Features, NEIGHBOUR_OFFSETS};

const IDENTITY_SEED: u64 = 0x1D;

/// Values standing for words beyond the sentence's ends.
const BEFORE: [u64; 2] = [0xB0, 0xB1];
const AFTER: [u64; 2] = [0xE0, 0xE1];

/// The lowercased word of the neighbour at `offset` (-2 to 2, not 0), or what stands for it beyond
/// the sentence's edge when there is none.
pub(super) fn lower_at_offset(offset: isize, word: Option<&Word>) -> u64 {
    let edge = if offset < 0 { BEFORE } else { AFTER };
    word.map_or(edge[offset.unsigned_abs() - 1], |w| w.lower)
}

/// The shape of the neighbour at `offset`, or what stands for it beyond the sentence's edge.
fn shape_at_offset(offset: isize, word: Option<&Word>) -> u64 {
    word.map_or(if offset < 0 { BEFORE[0] } else { AFTER[0] }, |w| w.shape)
}

/// Feature templates: the first part of every feature hash.
pub(super) mod template {
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

/// Writes the features of one token into [`Features::keys`].
pub(super) struct Emitter<'a> {
    /// The words of the token's sentence.
    pub(super) words: &'a [Word],
    /// The token's index in `words`.
    pub(super) at: usize,
    /// Where the features go.
    pub(super) out: &'a mut Features,
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
    pub(super) fn as_neighbour(&mut self, slot: usize, word: Option<&Word>) {
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
    pub(super) fn identity(&self) -> u64 {
        let w = &self.words[self.at];
        let flags = u64::from(w.flags) | u64::from(self.word(1).is_none()) << 32;
        Hash::new(IDENTITY_SEED).value(w.exact).value(w.shape).value(flags).value(w.gazetteer).mixed()
    }

    /// The features of the token itself.
    pub(super) fn own(&mut self) {
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
    pub(super) fn context(&mut self, document: &DocumentContext, index: usize, neighbour_words: bool) {
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
        if let Some(entry) = w.capitalized().then(|| document.entries.get(&w.lower)).flatten() {
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
