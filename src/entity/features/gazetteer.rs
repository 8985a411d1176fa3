//! The gazetteer: names known to be of some kind, looked up by the hash of their lowercased tokens,
//! so that a name the training text never spelled can still be recognised as a place or a company.
//! The names and what each kind means are the trainer's; the tagger only asks which kinds a run of
//! up to [`GAZETTEER_MAX_LEN`] words has. Nearly every run is no name, and a [`KeyFilter`] of 32 KB
//! turns those away before the map is probed.

use std::collections::HashMap;

#[cfg(any(test, feature = "training"))]
use super::hash::lower_hash;
use super::hash::{Hash, WordHashes};

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
    #[cfg(any(test, feature = "training"))]
    pub fn new(entries: Vec<(u32, u16)>) -> Gazetteer {
        let mut gazetteer = Gazetteer::with_capacity(entries.len());
        for (key, kinds) in entries {
            gazetteer.insert(key, kinds);
        }
        gazetteer
    }

    /// An empty gazetteer with room for `count` keys.
    pub(crate) fn with_capacity(count: usize) -> Gazetteer {
        let kinds = HashMap::with_capacity_and_hasher(count, WordHashes::default());
        Gazetteer { kinds, filter: KeyFilter::empty(18) }
    }

    /// Adds `kinds` to those of `key`.
    pub(crate) fn insert(&mut self, key: u32, kinds: u16) {
        *self.kinds.entry(key).or_default() |= kinds;
        self.filter.insert(KeyFilter::of_u32(key));
    }

    /// The entries, sorted by key.
    pub fn entries(&self) -> Vec<(u32, u16)> {
        let mut entries: Vec<(u32, u16)> = self.kinds.iter().map(|(&key, &kinds)| (key, kinds)).collect();
        entries.sort_unstable();
        entries
    }

    /// The kinds of the name whose key is `key` (none: 0).
    pub(super) fn get(&self, key: u32) -> u16 {
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
        let mut filter = KeyFilter::empty(log2_bits);
        for key in keys {
            filter.insert(key);
        }
        filter
    }

    /// A filter of 2^`log2_bits` bits (6 to 32) holding no key.
    pub(crate) fn empty(log2_bits: u32) -> KeyFilter {
        KeyFilter { bits: vec![0; 1 << (log2_bits - 6)], shift: 64 - log2_bits }
    }

    /// Adds `key`.
    pub(crate) fn insert(&mut self, key: u64) {
        let bit = self.bit(key);
        self.bits[bit / 64] |= 1 << (bit % 64);
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
#[cfg(any(test, feature = "training"))]
pub fn gazetteer_key(words: &[&str]) -> u32 {
    let mut key = KeyBuilder::new();
    for word in words {
        key.push(lower_hash(word));
    }
    key.key()
}

/// A [`Gazetteer`] key built a word at a time: the key of every run of words from one start, one
/// word longer each time.
#[derive(Clone, Copy)]
pub(super) struct KeyBuilder(Hash);

impl KeyBuilder {
    /// The key of no word yet.
    pub(super) fn new() -> KeyBuilder {
        KeyBuilder(Hash::new(GAZETTEER_SEED))
    }

    /// Adds a word, given as its [lowercased hash](super::hash::lower_hash).
    pub(super) fn push(&mut self, lower: u64) {
        self.0 = self.0.value(lower);
    }

    /// The key of the words so far.
    pub(super) fn key(self) -> u32 {
        self.0.finish()
    }
}

const GAZETTEER_SEED: u64 = 0xFFFF;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_filter_keeps_every_key_and_turns_away_most_others() {
        let key = |n: u64| Hash::new(n).mixed();
        let keys: Vec<u64> = (0..1000u64).map(key).collect();
        let filter = KeyFilter::new(16, keys.iter().copied());
        assert!(keys.iter().all(|&k| filter.may_contain(k)));
        let others = (1000..11_000u64).map(key).filter(|&k| filter.may_contain(k)).count();
        assert!(others < 500, "{others} of 10,000 other keys let through");
        assert!(!KeyFilter::default().may_contain(keys[0]));
        let gazetteer = Gazetteer::new(vec![(gazetteer_key(&["new", "york"]), 2)]);
        assert_eq!(gazetteer.get(gazetteer_key(&["new", "york"])), 2);
        assert_eq!(gazetteer.get(gazetteer_key(&["old", "york"])), 0);
    }
}
