//! What training the entity model needs of the library's internals, and nothing else: the
//! features as the tagger computes them, the BILOU tags and their decoder, and the model file's
//! writer. `cargo xtask train` and `cargo xtask eval` use it; it exists only with the `training`
//! cargo feature, and is no part of the library's API (it changes whenever the model does).

pub use super::decode::{mark, Decoder, NUM_TAGS, OUTSIDE, TYPES};
pub use super::features::{
    extract, extract_second_pass, gazetteer_key, Features, Gazetteer, WordFeatures, GAZETTEER_MAX_LEN,
};
use super::model::Model;

/// The bytes of a model file ([`Model::from_bytes`] reads them) for `weights` (feature key, weight
/// per tag), `transitions[previous][next]` and `gazetteer`. Weights are quantized to i8: those that
/// round to zero are dropped, and so are features whose weights are all too small to matter.
pub fn model_to_bytes(
    weights: &[(u32, [f32; NUM_TAGS])],
    transitions: &[[f32; NUM_TAGS]; NUM_TAGS],
    gazetteer: &Gazetteer,
) -> Vec<u8> {
    Model::to_bytes(weights, transitions, gazetteer)
}
