//! The model file (`model/ner.bin`, written by `cargo xtask train`), all integers little-endian:
//! - magic `AANERMDL`, format version (u32), [feature version](super::features::VERSION) (u32),
//!   tag count (u32), weight scale (f32);
//! - transition weights, tag count squared i16, row = previous tag;
//! - feature count (u32), then the feature keys in [table order](table_order) as the deltas of their
//!   order values, then each feature's bit set of its non-zero tags, both in byte planes
//!   ([`write_planes`]), then for each feature one i8 weight per set bit;
//! - gazetteer entry count (u32), sorted keys as deltas in byte planes, then each entry's kinds as
//!   a varint;
//! - a checksum of everything before it ([`checksum`]).
//!
//! Table order puts the features in the order of their slots in the model's table, so that loading
//! the model fills the table front to back instead of at random (one cache miss a feature): the model
//! loads in 9.5 ms instead of 22 natively, and a reader's first analysis, which loads it, waits less
//! (see docs/performance.md).

use std::fmt;

#[cfg(any(test, feature = "training"))]
use super::MIN_FEATURE_WEIGHT;
use super::{slot_of, KnownSums, Model, Slot, SLOT_MULTIPLIER, TEMPERATURE};
use crate::entity::decode::{Potentials, NUM_TAGS};
use crate::entity::features::{self, Gazetteer, KeyFilter};

const MAGIC: &[u8; 8] = b"AANERMDL";
/// Version of the file format: 3 since keys and tag sets are written as byte planes.
const FORMAT_VERSION: u32 = 3;

/// Why a model file cannot be used.
///
/// Opaque: [`Display`](fmt::Display) says what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ErrorKind {
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
        match &self.kind {
            ErrorKind::NotAModel => write!(f, "not an entity model file (bad magic)"),
            ErrorKind::FormatVersion { found, expected } => {
                write!(f, "entity model format version {found}, this library reads version {expected}")
            }
            ErrorKind::FeatureVersion { found, expected } => write!(
                f,
                "entity model trained with feature version {found}, this library computes version {expected}: \
                 retrain it with `cargo xtask train`"
            ),
            ErrorKind::Truncated => write!(f, "entity model file is truncated"),
            ErrorKind::Corrupt(what) => write!(f, "entity model file is corrupt: {what}"),
        }
    }
}

impl std::error::Error for ModelError {}

impl From<ErrorKind> for ModelError {
    fn from(kind: ErrorKind) -> ModelError {
        ModelError { kind }
    }
}

impl Model {
    /// Parses a model file, checking its magic, versions and checksum.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        Model::parse(bytes, Checksum::Check)
    }

    /// Parses the model embedded in the library, whose checksum the tests check
    /// (`the_embedded_model_passes_its_checksum`): its bytes are part of the program, so checking
    /// them again on every start, over 1.76 MB in a browser's unoptimised first run of the wasm,
    /// would only make a reader's first analysis later.
    pub(super) fn from_embedded_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        Model::parse(bytes, Checksum::Trust)
    }

    /// Parses a model file, checking its checksum or not.
    fn parse(bytes: &[u8], checksum_check: Checksum) -> Result<Model, ModelError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(ErrorKind::NotAModel.into());
        }
        let mut reader = Reader { bytes, at: MAGIC.len() };
        let found = reader.u32()?;
        if found != FORMAT_VERSION {
            return Err(ErrorKind::FormatVersion { found, expected: FORMAT_VERSION }.into());
        }
        let found = reader.u32()?;
        if found != features::VERSION {
            return Err(ErrorKind::FeatureVersion { found, expected: features::VERSION }.into());
        }
        let body_end = bytes.len().checked_sub(4).ok_or(ErrorKind::Truncated)?;
        if reader.at > body_end {
            return Err(ErrorKind::Truncated.into());
        }
        if checksum_check == Checksum::Check && checksum(&bytes[..body_end]) != stored_checksum(bytes) {
            return Err(ErrorKind::Corrupt("checksum mismatch (truncated or damaged)").into());
        }
        let reader = &mut Reader { bytes: &bytes[..body_end], at: reader.at };
        if reader.u32()? as usize != NUM_TAGS {
            return Err(ErrorKind::Corrupt("wrong number of tags").into());
        }
        let scale = f32::from_bits(reader.u32()?);
        if !scale.is_finite() || scale <= 0.0 {
            return Err(ErrorKind::Corrupt("bad weight scale").into());
        }
        let mut transitions = [[0.0; NUM_TAGS]; NUM_TAGS];
        for row in &mut transitions {
            for weight in row.iter_mut() {
                *weight = f32::from(reader.i16()?) * scale;
            }
        }
        let count = reader.u32()? as usize;
        // Both reads check that the file holds `count` values before making room for them.
        let orders = reader.sorted_keys(count)?;
        let tag_sets = reader.planes(count)?;
        let capacity = table_capacity(count);
        let (mut slots, mut present) = (empty_slots(capacity), KeyFilter::empty(20));
        for (orders, tag_sets) in orders.chunks(CHUNK).zip(tag_sets.chunks(CHUNK)) {
            reader.features(orders, tag_sets, &mut slots, &mut present)?;
        }
        let gazetteer = reader.gazetteer()?;
        if reader.at != reader.bytes.len() {
            return Err(ErrorKind::Corrupt("trailing data").into());
        }
        let potentials = Potentials::new(&transitions, TEMPERATURE);
        let known_sums = Box::new(KnownSums::ZERO);
        let model =
            Model { scale, transitions, potentials, slots, present, features: count, gazetteer, known_sums };
        Ok(model.with_known_sums())
    }

    /// Serializes a model: quantizes `weights` (feature key, weight per tag) to i8, dropping weights
    /// that round to zero and features whose weights all round to less than
    /// [`MIN_FEATURE_WEIGHT`]. For the trainer, through [`crate::entity::training`].
    #[cfg(any(test, feature = "training"))]
    pub(in crate::entity) fn to_bytes(
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
        let capacity = table_capacity(rows.len());
        rows.sort_unstable_by_key(|r| table_order(r.0, capacity));
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
        write_sorted_keys(&mut out, rows.iter().map(|r| table_order(r.0, capacity)));
        let tag_sets: Vec<u32> = rows
            .iter()
            .map(|(_, row)| row.iter().enumerate().filter(|(_, &w)| w != 0).fold(0, |m, (t, _)| m | 1 << t))
            .collect();
        write_planes(&mut out, &tag_sets);
        for (_, row) in &rows {
            out.extend(row.iter().filter(|&&w| w != 0).map(|&w| w as u8));
        }
        let entries = gazetteer.entries();
        out.extend((entries.len() as u32).to_le_bytes());
        write_sorted_keys(&mut out, entries.iter().map(|e| e.0));
        for &(_, kinds) in &entries {
            write_varint(&mut out, u64::from(kinds));
        }
        let sum = checksum(&out);
        out.extend(sum.to_le_bytes());
        out
    }
}

/// The slots of the table that holds `count` features: at most three quarters full, so that probes
/// stay short.
fn table_capacity(count: usize) -> usize {
    (count * 4 / 3 + 1).next_power_of_two().max(2)
}

/// Whether [`Model::parse`] checks the file's checksum.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checksum {
    Check,
    Trust,
}

/// How many features or keys one call of a [`Reader`] loop reads at most. A first load runs in a
/// browser's baseline code (V8's Liftoff), and V8 runs a function's optimised code only from its
/// next call on: a loop cut into calls of this many spends most of its 131,759 steps in optimised
/// code; one call would spend them all in baseline code.
const CHUNK: usize = 4096;

/// A table of `capacity` empty slots, written a [`CHUNK`] at a time (by calls of a function of its
/// own, for V8's sake). Allocating it zeroed would spare this pass in wasm, whose fresh memory is
/// zeroed already, but `vec!` does so only for types the standard library knows to be all zeros
/// (not a struct of ours), and this crate has no unsafe code.
fn empty_slots(capacity: usize) -> Vec<Slot> {
    #[inline(never)]
    fn more(slots: &mut Vec<Slot>, count: usize) {
        slots.extend(std::iter::repeat_n(Slot { key: 0, weights: [0; NUM_TAGS] }, count));
    }
    let mut slots = Vec::with_capacity(capacity);
    while slots.len() < capacity {
        let count = CHUNK.min(capacity - slots.len());
        more(&mut slots, count);
    }
    slots
}

/// The checksum stored in the last four bytes of a model file of at least four bytes.
fn stored_checksum(bytes: &[u8]) -> u32 {
    let last: [u8; 4] = bytes[bytes.len() - 4..].try_into().expect("four bytes");
    u32::from_le_bytes(last)
}

/// The inverse of the multiplier of [`slot_of`] modulo 2^32 (by Newton's iteration, each step
/// doubling the bits that are right).
const INVERSE_MULTIPLIER: u32 = {
    let mut inverse = SLOT_MULTIPLIER;
    let mut step = 0;
    while step < 4 {
        inverse = inverse.wrapping_mul(2u32.wrapping_sub(SLOT_MULTIPLIER.wrapping_mul(inverse)));
        step += 1;
    }
    inverse
};

/// A one-to-one map of feature keys whose order is the order of their home slots in a table of
/// `capacity` slots: the multiplied key of [`slot_of`], rotated so that its slot bits come first.
/// Keys sorted by it fill the table front to back; their deltas are as small as the sorted keys'.
#[cfg(any(test, feature = "training"))]
fn table_order(key: u32, capacity: usize) -> u32 {
    key.wrapping_mul(SLOT_MULTIPLIER).rotate_right(capacity.trailing_zeros())
}

/// The key whose [`table_order`] is `order`.
fn key_of_order(order: u32, capacity: usize) -> u32 {
    order.rotate_left(capacity.trailing_zeros()).wrapping_mul(INVERSE_MULTIPLIER)
}

/// FNV-1a over little-endian 64-bit words (the last few bytes one at a time), folded to 32 bits:
/// a checksum against damaged files, a multiplication every eight bytes.
fn checksum(bytes: &[u8]) -> u32 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut words = bytes.chunks_exact(8);
    let mut hash = words.by_ref().fold(0xCBF2_9CE4_8422_2325u64, |h, word| {
        (h ^ u64::from_le_bytes(word.try_into().expect("eight bytes"))).wrapping_mul(PRIME)
    });
    for &byte in words.remainder() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
    }
    (hash ^ hash >> 32) as u32
}

#[cfg(any(test, feature = "training"))]
fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Writes strictly increasing keys as the [planes](write_planes) of their deltas.
#[cfg(any(test, feature = "training"))]
fn write_sorted_keys(out: &mut Vec<u8>, keys: impl Iterator<Item = u32>) {
    let mut previous = 0;
    let deltas: Vec<u32> = keys
        .map(|key| {
            let delta = key - previous;
            previous = key;
            delta
        })
        .collect();
    write_planes(out, &deltas);
}

/// Writes `values` as byte planes: the width in bytes of the largest (0 to 4), then the lowest
/// byte of every value, then the next byte of every value, and so on. Random hashes' deltas and
/// tag sets compress far better so than as varints: each plane holds bytes of one kind (the low
/// bytes near uniform, the high ones small), which gzip codes apart.
#[cfg(any(test, feature = "training"))]
fn write_planes(out: &mut Vec<u8>, values: &[u32]) {
    let largest = values.iter().copied().max().unwrap_or(0);
    let width = (32 - largest.leading_zeros()).div_ceil(8);
    out.push(width as u8);
    for plane in 0..width {
        out.extend(values.iter().map(|&value| (value >> (8 * plane)) as u8));
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, ModelError> {
        let byte = *self.bytes.get(self.at).ok_or(ErrorKind::Truncated)?;
        self.at += 1;
        Ok(byte)
    }

    /// The next `count` bytes.
    fn take(&mut self, count: usize) -> Result<&[u8], ModelError> {
        let bytes = self.bytes.get(self.at..self.at + count).ok_or(ErrorKind::Truncated)?;
        self.at += count;
        Ok(bytes)
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
        Err(ErrorKind::Corrupt("overlong varint").into())
    }

    /// The gazetteer: count, keys, kinds.
    fn gazetteer(&mut self) -> Result<Gazetteer, ModelError> {
        let count = self.u32()? as usize;
        let keys = self.sorted_keys(count)?;
        let mut gazetteer = Gazetteer::with_capacity(keys.len());
        for keys in keys.chunks(CHUNK) {
            self.gazetteer_kinds(keys, &mut gazetteer)?;
        }
        Ok(gazetteer)
    }

    /// Reads the kinds of `keys` into `gazetteer`; a function of its own (not inlined) for V8's
    /// sake, see [`CHUNK`].
    #[inline(never)]
    fn gazetteer_kinds(&mut self, keys: &[u32], gazetteer: &mut Gazetteer) -> Result<(), ModelError> {
        for &key in keys {
            let kinds =
                u16::try_from(self.varint()?).map_err(|_| ErrorKind::Corrupt("bad gazetteer kinds"))?;
            gazetteer.insert(key, kinds);
        }
        Ok(())
    }

    /// `count` strictly increasing non-zero keys written as deltas ([`write_sorted_keys`]).
    fn sorted_keys(&mut self, count: usize) -> Result<Vec<u32>, ModelError> {
        let mut keys = self.planes(count)?;
        let mut previous = 0;
        for deltas in keys.chunks_mut(CHUNK) {
            previous = add_up(deltas, previous)?;
        }
        Ok(keys)
    }

    /// `count` non-zero values written as byte planes ([`write_planes`]), each taking at least one
    /// byte: `count` is checked against what the file holds before any room is made for them.
    fn planes(&mut self, count: usize) -> Result<Vec<u32>, ModelError> {
        let width = self.byte()?;
        if width > 4 || (width == 0 && count > 0) {
            return Err(ErrorKind::Corrupt("bad byte plane width").into());
        }
        if count.checked_mul(usize::from(width)).is_none_or(|size| size > self.bytes.len() - self.at) {
            return Err(ErrorKind::Truncated.into());
        }
        let mut values = vec![0; count];
        for plane in 0..width {
            let bytes = self.take(count)?;
            for (values, bytes) in values.chunks_mut(CHUNK).zip(bytes.chunks(CHUNK)) {
                add_plane(values, bytes, 8 * u32::from(plane));
            }
        }
        Ok(values)
    }

    /// Reads the weights of the features whose [table order](table_order)s are `orders` into
    /// `slots` and their keys into `present`; a function of its own (not inlined) for V8's sake,
    /// see [`CHUNK`].
    #[inline(never)]
    fn features(
        &mut self,
        orders: &[u32],
        tag_sets: &[u32],
        slots: &mut [Slot],
        present: &mut KeyFilter,
    ) -> Result<(), ModelError> {
        let capacity = slots.len();
        for (&order, &mask) in orders.iter().zip(tag_sets) {
            let key = key_of_order(order, capacity);
            if mask >> NUM_TAGS != 0 {
                return Err(ErrorKind::Corrupt("bad tag set").into());
            }
            // One weight for each set bit, in the order of the tags: the loop visits only those.
            let mut weights = [0; NUM_TAGS];
            let mut tags = mask;
            for &weight in self.take(mask.count_ones() as usize)? {
                weights[tags.trailing_zeros() as usize] = weight as i8;
                tags &= tags - 1;
            }
            // In table order, each feature's slot is its home slot or the one after the previous
            // feature's: the table fills front to back.
            let mut slot = slot_of(key, capacity);
            while slots[slot].key != 0 {
                slot = (slot + 1) & (capacity - 1);
            }
            slots[slot] = Slot { key, weights };
            present.insert(KeyFilter::of_u32(key));
        }
        Ok(())
    }
}

/// Turns `deltas`, which follow the key `previous`, into keys in place, and returns the last; a
/// function of its own (not inlined) for V8's sake, see [`CHUNK`].
#[inline(never)]
fn add_up(deltas: &mut [u32], mut previous: u32) -> Result<u32, ModelError> {
    for delta in deltas {
        previous =
            previous.checked_add(*delta).filter(|_| *delta > 0).ok_or(ErrorKind::Corrupt("unsorted keys"))?;
        *delta = previous;
    }
    Ok(previous)
}

/// Adds one byte plane to `values`, its bytes shifted left by `shift`; a function of its own (not
/// inlined) for V8's sake, see [`CHUNK`].
#[inline(never)]
fn add_plane(values: &mut [u32], bytes: &[u8], shift: u32) {
    for (value, &byte) in values.iter_mut().zip(bytes) {
        *value |= u32::from(byte) << shift;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_or_stale_models_are_rejected_with_an_error() {
        let bytes = include_bytes!("../../../model/ner.bin");
        assert!(Model::from_bytes(bytes).is_ok());
        assert_eq!(
            Model::from_bytes(&bytes[..bytes.len() / 2]).unwrap_err().kind,
            ErrorKind::Corrupt("checksum mismatch (truncated or damaged)")
        );
        assert_eq!(Model::from_bytes(&bytes[..10]).unwrap_err().kind, ErrorKind::Truncated);
        assert_eq!(Model::from_bytes(b"GIF89a....").unwrap_err().kind, ErrorKind::NotAModel);
        let mut stale = bytes.to_vec();
        stale[12..16].copy_from_slice(&(features::VERSION + 1).to_le_bytes());
        assert_eq!(
            Model::from_bytes(&stale).unwrap_err().kind,
            ErrorKind::FeatureVersion { found: features::VERSION + 1, expected: features::VERSION }
        );
        let mut newer = bytes.to_vec();
        newer[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        assert_eq!(
            Model::from_bytes(&newer).unwrap_err().kind,
            ErrorKind::FormatVersion { found: FORMAT_VERSION + 1, expected: FORMAT_VERSION }
        );
        let mut flipped = bytes.to_vec();
        flipped[bytes.len() / 2] ^= 0x10;
        assert!(matches!(Model::from_bytes(&flipped).map_err(|e| e.kind), Err(ErrorKind::Corrupt(_))));
    }

    #[test]
    fn a_count_beyond_the_file_is_an_error_before_any_room_is_made() {
        // A file that claims u32::MAX features (whose keys would need 16 GB) with planes of no
        // bytes or too few, its checksum right: an error found before any room is made for them.
        let mut bytes = MAGIC.to_vec();
        for value in [FORMAT_VERSION, features::VERSION, NUM_TAGS as u32, 1.0f32.to_bits()] {
            bytes.extend(value.to_le_bytes());
        }
        bytes.extend(vec![0; NUM_TAGS * NUM_TAGS * 2]);
        let expected = [
            (0u8, ErrorKind::Corrupt("bad byte plane width")),
            (1, ErrorKind::Truncated),
            (4, ErrorKind::Truncated),
        ];
        for (width, error) in expected {
            let mut file = bytes.clone();
            file.extend(u32::MAX.to_le_bytes());
            file.push(width);
            file.extend(checksum(&file).to_le_bytes());
            assert_eq!(Model::from_bytes(&file).unwrap_err().kind, error, "planes {width} bytes wide");
        }
    }

    #[test]
    fn the_embedded_model_passes_its_checksum() {
        // Model::embedded() trusts these bytes: here they are checked, and the trusted parse is
        // the checked one.
        let bytes = include_bytes!("../../../model/ner.bin");
        assert_eq!(checksum(&bytes[..bytes.len() - 4]), stored_checksum(bytes));
        let checked = Model::from_bytes(bytes).unwrap();
        let trusted = Model::embedded();
        assert_eq!(trusted.slots.len(), checked.slots.len());
        assert!(trusted
            .slots
            .iter()
            .zip(&checked.slots)
            .all(|(a, b)| a.key == b.key && a.weights == b.weights));
        assert_eq!((trusted.gazetteer.clone(), &trusted.present), (checked.gazetteer, &checked.present));
        // Both parts are read in several chunks.
        assert!(trusted.feature_count() > CHUNK && trusted.gazetteer_len() > CHUNK);
    }

    #[test]
    fn table_order_is_one_to_one_and_follows_the_home_slots() {
        assert_eq!(SLOT_MULTIPLIER.wrapping_mul(INVERSE_MULTIPLIER), 1);
        for capacity in [2, 1 << 10, 1 << 18, 1 << 31] {
            let mut keys: Vec<u32> = (1..2000u32).map(|n| n.wrapping_mul(2_654_435_761) ^ n >> 3).collect();
            keys.extend([1, u32::MAX, 0x8000_0000]);
            keys.sort_unstable_by_key(|&key| table_order(key, capacity));
            keys.dedup();
            for pair in keys.windows(2) {
                assert!(slot_of(pair[0], capacity) <= slot_of(pair[1], capacity));
            }
            for &key in &keys {
                assert_eq!(key_of_order(table_order(key, capacity), capacity), key);
            }
        }
    }

    #[test]
    fn the_embedded_model_loads_every_feature_where_a_lookup_finds_it() {
        let model = Model::embedded();
        let occupied: Vec<&Slot> = model.slots.iter().filter(|slot| slot.key != 0).collect();
        assert_eq!(occupied.len(), model.feature_count());
        assert!(occupied.iter().all(|slot| model.sums(&[slot.key]) == slot.weights.map(i32::from)));
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

    #[test]
    fn the_embedded_model_is_what_the_writer_writes_for_its_weights() {
        let model = Model::embedded();
        let rows: Vec<(u32, [f32; NUM_TAGS])> = model
            .slots
            .iter()
            .filter(|slot| slot.key != 0)
            .map(|slot| (slot.key, slot.weights.map(|w| f32::from(w) * model.scale)))
            .collect();
        let written = Model::to_bytes(&rows, &model.transitions, &model.gazetteer);
        assert!(
            written == include_bytes!("../../../model/ner.bin"),
            "model/ner.bin is not in the writer's format"
        );
    }
}
