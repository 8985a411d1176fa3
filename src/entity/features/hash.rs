//! The hashes every feature is made of: words hashed character by character (FNV-1a) and mixed once
//! (the finalizer of MurmurHash3), then combined with a feature's other values one multiply each and
//! folded to 32 bits. Words are hashed [lowercased and normalized](lower_hash), so that "O’Neil" and
//! "o'neil", or "1996" and "2024", are one word to the model. Maps keyed by these hashes skip hashing
//! them again ([`WordHashes`]).

/// The hash of a word, lowercased and normalized (digits as 0, curly quotes straight).
pub(super) fn lower_hash(word: &str) -> u64 {
    let mut hash = Hash::new(1);
    for c in word.chars() {
        lowered(c, |n| hash = hash.char(n));
    }
    hash.mixed()
}

/// `c` as every hash of a word sees it: digits as 0; curly quotes, backticks and dashes as ASCII.
pub(super) fn normalized(c: char) -> char {
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
pub(super) fn lowered(c: char, mut each: impl FnMut(char)) {
    let c = normalized(c);
    if c.is_ascii() {
        each(c.to_ascii_lowercase());
    } else {
        c.to_lowercase().for_each(each);
    }
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
        // Spread into the high bits too, which the map's probes use; a key of several parts (an
        // edge of the custom entities' trie: node, token) folds each in, so that keys sharing one
        // part do not collide. A lone u32 hashes as it always did: the state starts at 0.
        self.0 = (self.0.rotate_left(26) ^ u64::from(key)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Builds [`WordHasher`]s, for maps keyed by hashes.
pub(crate) type WordHashes = std::hash::BuildHasherDefault<WordHasher>;

/// A hasher for maps keyed by short texts (a document's words): eight bytes a step, where
/// [`WordHasher`]'s byte-by-byte FNV-1a would cost more than the rest of the look-up.
#[derive(Default)]
pub(super) struct TextHasher(u64);

impl std::hash::Hasher for TextHasher {
    fn finish(&self) -> u64 {
        mix(self.0)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0 ^ u64::from_le_bytes(word)).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
        }
        // The last bytes as a little-endian number, byte by byte: copying them into a buffer would
        // be a `memory.copy` in wasm, which V8 makes a call.
        let tail = chunks.remainder().iter().rev().fold(0, |tail, &byte| tail << 8 | u64::from(byte));
        self.0 = (self.0 ^ tail ^ bytes.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_u8(&mut self, byte: u8) {
        // The end marker that `str` adds.
        self.0 ^= u64::from(byte);
    }
}

/// Builds [`TextHasher`]s.
pub(super) type TextHashes = std::hash::BuildHasherDefault<TextHasher>;

/// A hash built part by part: the characters of a word FNV-1a style, [mixed](Hash::mixed) once per
/// word, and a feature's values (word hashes, small numbers) one multiply each, then a final
/// multiply folded to 32 bits.
#[derive(Clone, Copy)]
pub(super) struct Hash(u64);

impl Hash {
    /// An empty hash, with `seed` telling apart the hashes of different things.
    pub(super) fn new(seed: u64) -> Hash {
        Hash(0xCBF2_9CE4_8422_2325 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// Adds a character of a word (its UTF-8 bytes, FNV-1a).
    pub(super) fn char(self, c: char) -> Hash {
        if c.is_ascii() {
            return Hash(fnv_step(self.0, c as u8));
        }
        let mut buffer = [0; 4];
        Hash(c.encode_utf8(&mut buffer).bytes().fold(self.0, fnv_step))
    }

    /// A word's hash as a value for features: FNV-1a leaves similar words with similar hashes,
    /// which the cheap [`Hash::value`] steps would let collide.
    pub(super) fn mixed(self) -> u64 {
        mix(self.0)
    }

    /// Adds a value: a word hash or a small number.
    pub(super) fn value(self, v: u64) -> Hash {
        let h = (self.0 ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Hash(h ^ h >> 29)
    }

    /// The final 32-bit key, never 0 (0 marks an empty slot in the model's table).
    pub(super) fn finish(self) -> u32 {
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

    #[test]
    fn lower_hash_lowercases_straightens_quotes_and_zeroes_digits() {
        assert_eq!(lower_hash("O’Neil"), lower_hash("o'neil"));
        assert_eq!(lower_hash("1996"), lower_hash("2024"));
    }

    #[test]
    fn text_hashes_tell_apart_texts_of_a_length_that_differ_in_any_byte() {
        use std::hash::{BuildHasher, Hasher};
        let hash = |bytes: &[u8]| {
            let mut hasher = TextHashes::default().build_hasher();
            hasher.write(bytes);
            hasher.finish()
        };
        let base: Vec<u8> = (1..=19).collect();
        for len in 1..=base.len() {
            // One byte changed at every place: in the 8-byte steps and in the tail.
            let mut texts = vec![base[..len].to_vec()];
            for at in 0..len {
                let mut changed = base[..len].to_vec();
                changed[at] = 0xFF;
                texts.push(changed);
            }
            let hashes: std::collections::HashSet<u64> = texts.iter().map(|t| hash(t)).collect();
            assert_eq!(hashes.len(), texts.len(), "length {len}");
        }
    }
}
