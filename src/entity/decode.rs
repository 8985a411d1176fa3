//! BILOU tags for the statistical entity model and Viterbi decoding constrained to valid tag
//! sequences. Shared by the runtime tagger and the trainer (`cargo xtask train`).

use super::Label;

/// The entity types the model tags, in tag order.
pub const TYPES: [Label; 4] = [Label::Person, Label::Org, Label::Loc, Label::Misc];

/// Number of tags: `O` plus B, I, L, U for each type.
pub const NUM_TAGS: usize = 1 + 4 * TYPES.len();

/// The tag of tokens outside every entity.
pub const OUTSIDE: u8 = 0;

/// A tag's position in its entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// First token of a multi-token entity.
    Begin,
    /// Inner token of a multi-token entity.
    Inside,
    /// Last token of a multi-token entity.
    Last,
    /// The only token of an entity.
    Unit,
}

/// The tag for `position` in an entity of type index `kind` (into [`TYPES`]).
#[cfg(any(test, feature = "training"))]
pub fn tag(kind: usize, position: Position) -> u8 {
    (1 + 4 * kind + position as usize) as u8
}

/// The type index and position of a tag, or `None` for [`OUTSIDE`].
pub fn parts(tag: u8) -> Option<(usize, Position)> {
    let index = usize::from(tag).checked_sub(1)?;
    let position = match index % 4 {
        0 => Position::Begin,
        1 => Position::Inside,
        2 => Position::Last,
        _ => Position::Unit,
    };
    Some((index / 4, position))
}

/// Whether `next` may follow `prev` (`None`: the sentence start).
pub fn allowed(prev: Option<u8>, next: u8) -> bool {
    let open = prev.and_then(parts).filter(|(_, p)| matches!(p, Position::Begin | Position::Inside));
    match (open, parts(next)) {
        (Some((kind, _)), Some((next_kind, Position::Inside | Position::Last))) => kind == next_kind,
        (Some(_), _) => false,
        (None, Some((_, Position::Inside | Position::Last))) => false,
        (None, _) => true,
    }
}

/// Whether a sentence may end with `tag`.
pub fn allowed_last(tag: u8) -> bool {
    !matches!(parts(tag), Some((_, Position::Begin | Position::Inside)))
}

/// The tags after which an entity may begin or `O` follow: `O`, and L and U of every type.
const CLOSING: [usize; 1 + 2 * TYPES.len()] = [0, 3, 4, 7, 8, 11, 12, 15, 16];

/// The tags that may follow a closing tag: `O`, and B and U of every type. I and L follow only the
/// B or I of their own type.
const OPENING: [usize; 1 + 2 * TYPES.len()] = [0, 1, 4, 5, 8, 9, 12, 13, 16];

/// [`OPENING`] padded to a multiple of four lanes, so that a decoding step vectorizes.
const LANES: usize = 12;

/// Reusable buffers for [`Decoder::decode`].
#[derive(Default)]
pub struct Decoder {
    /// The best score of a valid path ending in each tag, per token of the sentence (68 bytes a
    /// token, kept between calls).
    scores: Vec<[f32; NUM_TAGS]>,
}

impl Decoder {
    /// The best valid tag sequence for per-token `emissions` and `transitions[prev][next]` scores,
    /// written into `tags` (cleared first).
    ///
    /// A step scores only the 97 transitions that BILOU allows, in two groups: every closing tag
    /// to every opening tag, as a maximum over `LANES`, and B or I to the I and L of each type.
    /// The steps keep scores only, which vectorizes (in wasm too, where choosing a back pointer
    /// per lane did not); the predecessor of each tag on the best path is found again while
    /// tracing it back. Ties go to the lowest previous tag.
    pub fn decode(
        &mut self,
        emissions: &[[f32; NUM_TAGS]],
        transitions: &[[f32; NUM_TAGS]; NUM_TAGS],
        tags: &mut Vec<u8>,
    ) {
        tags.clear();
        self.scores.clear();
        let Some(first) = emissions.first() else { return };
        let mut last = [f32::NEG_INFINITY; NUM_TAGS];
        for (t, score) in last.iter_mut().enumerate() {
            if allowed(None, t as u8) {
                *score = first[t];
            }
        }
        self.scores.push(last);
        let mut opening_moves = [[f32::NEG_INFINITY; LANES]; CLOSING.len()];
        for (moves, &prev) in opening_moves.iter_mut().zip(&CLOSING) {
            for (score, &next) in moves.iter_mut().zip(&OPENING) {
                *score = transitions[prev][next];
            }
        }
        for emission in &emissions[1..] {
            let mut best = [f32::NEG_INFINITY; LANES];
            for (moves, &prev) in opening_moves.iter().zip(&CLOSING) {
                let base = last[prev];
                for lane in 0..LANES {
                    let score = base + moves[lane];
                    best[lane] = if score > best[lane] { score } else { best[lane] };
                }
            }
            let mut row = [f32::NEG_INFINITY; NUM_TAGS];
            for (lane, &next) in OPENING.iter().enumerate() {
                row[next] = best[lane] + emission[next];
            }
            for next in CONTINUING {
                let (score, _) = continued(&last, transitions, next);
                row[next] = score + emission[next];
            }
            last = row;
            self.scores.push(row);
        }
        let mut best = OUTSIDE;
        for t in 0..NUM_TAGS {
            if allowed_last(t as u8) && last[t] > last[usize::from(best)] {
                best = t as u8;
            }
        }
        tags.resize(emissions.len(), OUTSIDE);
        for i in (0..emissions.len()).rev() {
            tags[i] = best;
            if i > 0 {
                best = predecessor(&self.scores[i - 1], transitions, usize::from(best));
            }
        }
    }
}

/// A value for each entity type, in the order of [`TYPES`]: one SIMD register's worth of `f32`,
/// which the forward-backward sums work on.
type Lanes = [f32; TYPES.len()];

/// Weights (or factors) of the 17 tags, by position then type: `o`, then B, I, L and U of each
/// type. In this layout the moves between tags are operations on [`Lanes`], which vectorize, as
/// tag order would not.
#[derive(Clone, Copy, Debug, Default)]
struct ByPosition {
    o: f32,
    b: Lanes,
    i: Lanes,
    l: Lanes,
    u: Lanes,
}

impl ByPosition {
    /// The weights of tag-ordered `tags` (see [`parts`]).
    fn new(tags: &[f32; NUM_TAGS]) -> ByPosition {
        let at = |position: usize| std::array::from_fn(|kind| tags[1 + 4 * kind + position]);
        ByPosition { o: tags[0], b: at(0), i: at(1), l: at(2), u: at(3) }
    }

    #[inline(always)]
    fn map(self, f: impl Fn(f32) -> f32) -> ByPosition {
        let lanes = |a: Lanes| {
            let mut out = [0.0; TYPES.len()];
            for k in 0..TYPES.len() {
                out[k] = f(a[k]);
            }
            out
        };
        ByPosition { o: f(self.o), b: lanes(self.b), i: lanes(self.i), l: lanes(self.l), u: lanes(self.u) }
    }

    #[inline(always)]
    fn zip(self, other: ByPosition, f: impl Fn(f32, f32) -> f32) -> ByPosition {
        let lanes = |a: Lanes, b: Lanes| {
            let mut out = [0.0; TYPES.len()];
            for k in 0..TYPES.len() {
                out[k] = f(a[k], b[k]);
            }
            out
        };
        ByPosition {
            o: f(self.o, other.o),
            b: lanes(self.b, other.b),
            i: lanes(self.i, other.i),
            l: lanes(self.l, other.l),
            u: lanes(self.u, other.u),
        }
    }

    fn sum(&self) -> f32 {
        self.o + sum(add(add(self.b, self.i), add(self.l, self.u)))
    }
}

#[inline(always)]
fn add(a: Lanes, b: Lanes) -> Lanes {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
}

#[inline(always)]
fn mul(a: Lanes, b: Lanes) -> Lanes {
    [a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]]
}

/// `a + b * c`, `c` for every lane.
#[inline(always)]
fn add_scaled(a: Lanes, b: Lanes, c: f32) -> Lanes {
    [a[0] + b[0] * c, a[1] + b[1] * c, a[2] + b[2] * c, a[3] + b[3] * c]
}

/// `a * c`, `c` for every lane.
#[inline(always)]
fn scaled(a: Lanes, c: f32) -> Lanes {
    [a[0] * c, a[1] * c, a[2] * c, a[3] * c]
}

fn sum(a: Lanes) -> f32 {
    (a[0] + a[1]) + (a[2] + a[3])
}

/// The model's scores as the factors of a probability distribution over valid tag sequences:
/// `exp(score / temperature)`, the score of a sequence being the sum of its emissions and
/// transitions, as for [`Decoder::decode`]. A constant added to every transition (or to every
/// emission of one token) changes no probability, so each is taken relative to its largest value.
///
/// The factors of the moves BILOU allows, by kind of move; `x_y[j]` (or `x_y[j][k]`) is the factor
/// from tag X of type `j` (or O) to tag Y of type `k` (or O).
#[derive(Clone, Debug)]
pub struct Potentials {
    /// 1 / the temperature.
    coldness: f32,
    o_o: f32,
    o_b: Lanes,
    o_u: Lanes,
    l_o: Lanes,
    u_o: Lanes,
    l_b: [Lanes; TYPES.len()],
    l_u: [Lanes; TYPES.len()],
    u_b: [Lanes; TYPES.len()],
    u_u: [Lanes; TYPES.len()],
    /// The same four, transposed: `b_l[k][j]` is `l_b[j][k]`.
    b_l: [Lanes; TYPES.len()],
    u_l: [Lanes; TYPES.len()],
    b_u: [Lanes; TYPES.len()],
    u_u_transposed: [Lanes; TYPES.len()],
    /// Within an entity of each type: B to I, B to L, I to I, I to L.
    b_i: Lanes,
    b_last: Lanes,
    i_i: Lanes,
    i_last: Lanes,
}

impl Potentials {
    /// The factors of `transitions[prev][next]` scores at `temperature` (> 0).
    pub fn new(transitions: &[[f32; NUM_TAGS]; NUM_TAGS], temperature: f32) -> Potentials {
        let mut largest = f32::NEG_INFINITY;
        for (prev, row) in transitions.iter().enumerate() {
            for (next, &score) in row.iter().enumerate() {
                if allowed(Some(prev as u8), next as u8) {
                    largest = largest.max(score);
                }
            }
        }
        let coldness = 1.0 / temperature;
        let factor = |prev: usize, next: usize| fast_exp((transitions[prev][next] - largest) * coldness);
        // Tag numbers: O, and B, I, L, U of type k.
        let (b, i, l, u) =
            (|k: usize| 1 + 4 * k, |k: usize| 2 + 4 * k, |k: usize| 3 + 4 * k, |k: usize| 4 + 4 * k);
        let lanes = |f: &dyn Fn(usize) -> f32| -> Lanes { std::array::from_fn(f) };
        let matrix = |f: &dyn Fn(usize, usize) -> f32| -> [Lanes; TYPES.len()] {
            std::array::from_fn(|j| std::array::from_fn(|k| f(j, k)))
        };
        Potentials {
            coldness,
            o_o: factor(0, 0),
            o_b: lanes(&|k| factor(0, b(k))),
            o_u: lanes(&|k| factor(0, u(k))),
            l_o: lanes(&|j| factor(l(j), 0)),
            u_o: lanes(&|j| factor(u(j), 0)),
            l_b: matrix(&|j, k| factor(l(j), b(k))),
            l_u: matrix(&|j, k| factor(l(j), u(k))),
            u_b: matrix(&|j, k| factor(u(j), b(k))),
            u_u: matrix(&|j, k| factor(u(j), u(k))),
            b_l: matrix(&|k, j| factor(l(j), b(k))),
            u_l: matrix(&|k, j| factor(l(j), u(k))),
            b_u: matrix(&|k, j| factor(u(j), b(k))),
            u_u_transposed: matrix(&|k, j| factor(u(j), u(k))),
            b_i: lanes(&|k| factor(b(k), i(k))),
            b_last: lanes(&|k| factor(b(k), l(k))),
            i_i: lanes(&|k| factor(i(k), i(k))),
            i_last: lanes(&|k| factor(i(k), l(k))),
        }
    }

    /// The weights of the next token's tags before its factors, from the previous token's.
    fn forward(&self, last: &ByPosition) -> ByPosition {
        let (mut into_b, mut into_u) = (scaled(self.o_b, last.o), scaled(self.o_u, last.o));
        for j in 0..TYPES.len() {
            into_b = add_scaled(add_scaled(into_b, self.l_b[j], last.l[j]), self.u_b[j], last.u[j]);
            into_u = add_scaled(add_scaled(into_u, self.l_u[j], last.l[j]), self.u_u[j], last.u[j]);
        }
        ByPosition {
            o: last.o * self.o_o + sum(mul(last.l, self.l_o)) + sum(mul(last.u, self.u_o)),
            b: into_b,
            i: add(mul(last.b, self.b_i), mul(last.i, self.i_i)),
            l: add(mul(last.b, self.b_last), mul(last.i, self.i_last)),
            u: into_u,
        }
    }

    /// The weights of the valid endings after a token, by its tag, from those of the next
    /// token's tags (`after`, with their factors).
    fn backward(&self, after: &ByPosition) -> ByPosition {
        let (mut from_l, mut from_u) = (scaled(self.l_o, after.o), scaled(self.u_o, after.o));
        for k in 0..TYPES.len() {
            from_l = add_scaled(add_scaled(from_l, self.b_l[k], after.b[k]), self.u_l[k], after.u[k]);
            from_u =
                add_scaled(add_scaled(from_u, self.b_u[k], after.b[k]), self.u_u_transposed[k], after.u[k]);
        }
        ByPosition {
            o: after.o * self.o_o + sum(mul(self.o_b, after.b)) + sum(mul(self.o_u, after.u)),
            b: add(mul(self.b_i, after.i), mul(self.b_last, after.l)),
            i: add(mul(self.i_i, after.i), mul(self.i_last, after.l)),
            l: from_l,
            u: from_u,
        }
    }
}

/// Forward-backward over one sentence's tags: the probability of an entity span under the
/// distribution of [`Potentials`], for the confidence of a decoded entity. Buffers are reused
/// between sentences.
///
/// The forward sums are rescaled at every token to sum to 1, and the backward ones by the same
/// factors, so that a long sentence neither overflows nor underflows; the scales cancel in every
/// probability. Weights below [`NEGLIGIBLE`] become 0, as subnormal numbers would make the
/// arithmetic many times slower. `f32` holds what the model's temperature makes of its scores: at
/// a temperature of 1, a likely tag reached by an unlikely move could take the product of two
/// factors of e^-90, which `f32` cannot hold, but at the model's, its scores span less than e^-20.
#[derive(Default)]
pub struct Marginals {
    /// Each token's emission factors.
    factors: Vec<ByPosition>,
    /// The rescaled forward sums: the weight of the valid beginnings of the sentence up to each
    /// token that end in each tag, summing to 1 at each token.
    forward: Vec<ByPosition>,
    /// The rescaled backward sums: the weight of the valid endings of the sentence after each
    /// token, given its tag.
    backward: Vec<ByPosition>,
    /// 1 / the factor each token's forward sums were divided by.
    inverse_scales: Vec<f32>,
    /// The rescaled weight of all valid tag sequences of the sentence.
    total: f32,
}

/// Weights below this (of a total of 1) are dropped: e^-69.
const NEGLIGIBLE: f32 = 1e-30;

impl Marginals {
    /// Computes the sums of the sentence with per-token `emissions` (not empty).
    pub fn compute(&mut self, emissions: &[[f32; NUM_TAGS]], potentials: &Potentials) {
        let n = emissions.len();
        self.factors.clear();
        self.factors.extend(emissions.iter().map(|emission| emission_factors(emission, potentials.coldness)));
        self.forward.clear();
        self.inverse_scales.clear();
        // A sentence starts with O, B or U.
        let mut last = ByPosition { i: [0.0; 4], l: [0.0; 4], ..self.factors[0] };
        self.push_forward(&mut last);
        for i in 1..n {
            last = potentials.forward(&last).zip(self.factors[i], |weight, factor| weight * factor);
            self.push_forward(&mut last);
        }
        // And ends with O, L or U.
        self.total = last.o + sum(last.l) + sum(last.u);
        self.backward.clear();
        self.backward.resize(n, ByPosition::default());
        let mut next = ByPosition { o: 1.0, l: [1.0; 4], u: [1.0; 4], ..ByPosition::default() };
        self.backward[n - 1] = next;
        for i in (0..n - 1).rev() {
            let inverse_scale = self.inverse_scales[i + 1];
            let after = next.zip(self.factors[i + 1], |weight, factor| weight * factor * inverse_scale);
            next = potentials.backward(&after).map(flush);
            self.backward[i] = next;
        }
    }

    /// Rescales the forward sums of a token to sum to 1 and keeps them.
    fn push_forward(&mut self, row: &mut ByPosition) {
        let sum = row.sum();
        // A token whose every tag underflowed: the sentence's probabilities come out as 0.
        let inverse = if sum > 0.0 && sum.is_finite() { 1.0 / sum } else { 1.0 };
        *row = row.map(|weight| flush(weight * inverse));
        self.inverse_scales.push(inverse);
        self.forward.push(*row);
    }

    /// The probability that tokens `first..end` of the sentence are exactly one entity of each
    /// type: B, I ... and L of the type (U for one token), whatever the other tokens' tags.
    pub fn span(&self, first: usize, end: usize, potentials: &Potentials) -> [f32; TYPES.len()] {
        let weights = if end == first + 1 {
            mul(self.forward[first].u, self.backward[first].u)
        } else {
            // B, then I to the last token, at which L.
            let mut weights = self.forward[first].b;
            for i in first + 1..end {
                let factors = &self.factors[i];
                let scale = self.inverse_scales[i];
                weights = match (i == first + 1, i + 1 == end) {
                    (true, true) => mul(weights, potentials.b_last),
                    (true, false) => mul(weights, potentials.b_i),
                    (false, true) => mul(weights, potentials.i_last),
                    (false, false) => mul(weights, potentials.i_i),
                };
                let factor = if i + 1 == end { factors.l } else { factors.i };
                weights = mul(weights, scaled(factor, scale));
            }
            mul(weights, self.backward[end - 1].l)
        };
        weights.map(|weight| {
            let probability = weight / self.total;
            // NaN (a sentence whose every sequence underflowed) is no evidence either way.
            if probability >= 0.0 {
                probability.min(1.0)
            } else {
                0.0
            }
        })
    }
}

/// The factors of a token's `emissions` at `coldness` (1 / temperature), relative to the largest.
fn emission_factors(emissions: &[f32; NUM_TAGS], coldness: f32) -> ByPosition {
    let mut largest = emissions[0];
    for &score in &emissions[1..] {
        largest = if score > largest { score } else { largest };
    }
    let mut exponents = *emissions;
    for x in &mut exponents {
        *x = (*x - largest) * coldness;
    }
    // All 17 at once (rather than by position), so that they vectorize.
    let mut factors = [0.0; NUM_TAGS];
    for (factor, &x) in factors.iter_mut().zip(&exponents) {
        *factor = fast_exp(x);
    }
    ByPosition::new(&factors)
}

/// 0 for a weight below [`NEGLIGIBLE`].
fn flush(weight: f32) -> f32 {
    if weight < NEGLIGIBLE {
        0.0
    } else {
        weight
    }
}

/// `e^x` for `x <= 0`, to about 6 significant digits, and 0 below -69 (1e-30, see
/// [`NEGLIGIBLE`]), in a few arithmetic operations that vectorize, rather than the call to a math
/// library that `f32::exp` is (dozens of instructions in wasm): `2^n` from the bits of the
/// exponent, times `e^f` for the rest, by a polynomial.
#[inline(always)]
fn fast_exp(x: f32) -> f32 {
    // 1.5 * 2^23: adding it rounds to an integer, held in the low bits of the sum.
    const SHIFT: f32 = 12_582_912.0;
    let t = x.clamp(-69.0, 0.0) * std::f32::consts::LOG2_E;
    let shifted = t + SHIFT;
    let n = shifted - SHIFT;
    let f = (t - n) * std::f32::consts::LN_2;
    // e^f for |f| <= ln 2 / 2 by its Taylor series to f^6: relative error below 2e-7.
    let p = 1.0 + f * (1.0 + f * (0.5 + f * (1.0 / 6.0 + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f / 720.0)))));
    let exponent = (shifted.to_bits() as i32 - SHIFT.to_bits() as i32 + 127) as u32;
    let value = p * f32::from_bits(exponent << 23);
    if x < -69.0 {
        0.0
    } else {
        value
    }
}

/// The I and L tags of every type: they follow only the B or I of their own type.
const CONTINUING: [usize; 2 * TYPES.len()] = [2, 3, 6, 7, 10, 11, 14, 15];

/// The best way into I or L tag `next` from the `previous` token's scores: its score before the
/// emission, and the previous tag (the type's B, or its I when strictly better).
fn continued(
    previous: &[f32; NUM_TAGS],
    transitions: &[[f32; NUM_TAGS]; NUM_TAGS],
    next: usize,
) -> (f32, usize) {
    let begin = next - (next - 1) % 4;
    let inside = begin + 1;
    let after_begin = previous[begin] + transitions[begin][next];
    let after_inside = previous[inside] + transitions[inside][next];
    if after_inside > after_begin {
        (after_inside, inside)
    } else {
        (after_begin, begin)
    }
}

/// The previous tag on the best path into `tag`, from the previous token's scores: the same sums
/// as the decoding step, so the same choice, the first of equal best ones.
fn predecessor(previous: &[f32; NUM_TAGS], transitions: &[[f32; NUM_TAGS]; NUM_TAGS], tag: usize) -> u8 {
    if CONTINUING.contains(&tag) {
        return continued(previous, transitions, tag).1 as u8;
    }
    let (mut best, mut from) = (f32::NEG_INFINITY, 0);
    for prev in CLOSING {
        let score = previous[prev] + transitions[prev][tag];
        if score > best {
            (best, from) = (score, prev);
        }
    }
    from as u8
}

/// The entities of a valid tag sequence: `(first token, one past the last token, type index)`.
pub fn spans(tags: &[u8]) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut begin = 0;
    tags.iter().enumerate().filter_map(move |(i, &t)| match parts(t)? {
        (_, Position::Begin) => {
            begin = i;
            None
        }
        (_, Position::Inside) => None,
        (kind, Position::Last) => Some((begin, i + 1, kind)),
        (kind, Position::Unit) => Some((i, i + 1, kind)),
    })
}

/// Writes the tags of entity `start..end` of type index `kind` into `tags`.
#[cfg(any(test, feature = "training"))]
pub fn mark(tags: &mut [u8], start: usize, end: usize, kind: usize) {
    if end == start + 1 {
        tags[start] = tag(kind, Position::Unit);
        return;
    }
    for (i, slot) in tags[start..end].iter_mut().enumerate() {
        let position = match i {
            0 => Position::Begin,
            _ if start + i + 1 == end => Position::Last,
            _ => Position::Inside,
        };
        *slot = tag(kind, position);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_respects_bilou_constraints() {
        // Emissions alone would prefer I-PER at the start and B-ORG at the end: both invalid.
        let mut emissions = [[0.0; NUM_TAGS]; 3];
        emissions[0][usize::from(tag(0, Position::Inside))] = 5.0;
        emissions[1][usize::from(tag(1, Position::Unit))] = 3.0;
        emissions[2][usize::from(tag(1, Position::Begin))] = 5.0;
        let mut tags = Vec::new();
        Decoder::default().decode(&emissions, &[[0.0; NUM_TAGS]; NUM_TAGS], &mut tags);
        assert!(allowed(None, tags[0]) && allowed_last(tags[2]));
        assert!(tags.windows(2).all(|w| allowed(Some(w[0]), w[1])));
        assert_eq!(spans(&tags).collect::<Vec<_>>(), [(1, 2, 1)]);
    }

    #[test]
    fn closing_and_opening_tags_follow_from_the_bilou_rules() {
        let kind_at = |tag: usize, positions: [Position; 2]| {
            parts(tag as u8).filter(|(_, p)| positions.contains(p)).map(|(kind, _)| kind)
        };
        for prev in 0..NUM_TAGS {
            for next in 0..NUM_TAGS {
                let continues = kind_at(next, [Position::Inside, Position::Last]);
                let by_groups = (CLOSING.contains(&prev) && OPENING.contains(&next))
                    || (continues.is_some()
                        && continues == kind_at(prev, [Position::Begin, Position::Inside]));
                assert_eq!(by_groups, allowed(Some(prev as u8), next as u8), "{prev} -> {next}");
            }
            let continuing = kind_at(prev, [Position::Inside, Position::Last]).is_some();
            assert_eq!(CONTINUING.contains(&prev), continuing, "{prev}");
        }
    }

    #[test]
    fn decoding_finds_the_best_valid_sequence() {
        // Pseudo-random emissions and transitions; every valid sequence of three tags is scored.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut random = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 2001) as f32 / 100.0 - 10.0
        };
        for _ in 0..20 {
            let emissions: Vec<[f32; NUM_TAGS]> = (0..3).map(|_| std::array::from_fn(|_| random())).collect();
            let transitions: [[f32; NUM_TAGS]; NUM_TAGS] =
                std::array::from_fn(|_| std::array::from_fn(|_| random()));
            let score = |tags: &[u8]| -> f32 {
                let emitted: f32 = tags.iter().zip(&emissions).map(|(&t, e)| e[usize::from(t)]).sum();
                let moved: f32 =
                    tags.windows(2).map(|w| transitions[usize::from(w[0])][usize::from(w[1])]).sum();
                emitted + moved
            };
            let all = (0..NUM_TAGS.pow(3))
                .map(|n| [n % NUM_TAGS, n / NUM_TAGS % NUM_TAGS, n / NUM_TAGS / NUM_TAGS].map(|t| t as u8));
            let best = all
                .filter(|t| allowed(None, t[0]) && allowed_last(t[2]))
                .filter(|t| t.windows(2).all(|w| allowed(Some(w[0]), w[1])))
                .map(|t| score(&t))
                .fold(f32::NEG_INFINITY, f32::max);
            let mut tags = Vec::new();
            Decoder::default().decode(&emissions, &transitions, &mut tags);
            assert!((score(&tags) - best).abs() < 1e-3, "{tags:?} scores {} < {best}", score(&tags));
        }
    }

    /// Pseudo-random scores in [-10, 10].
    fn random_scores(seed: u64) -> impl FnMut() -> f32 {
        let mut state = seed;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 2001) as f32 / 100.0 - 10.0
        }
    }

    #[test]
    fn span_probabilities_are_those_of_every_valid_sequence() {
        let mut random = random_scores(0x9E37_79B9_7F4A_7C15);
        for (round, length) in [1, 2, 3, 4, 4, 3].into_iter().enumerate() {
            let emissions: Vec<[f32; NUM_TAGS]> =
                (0..length).map(|_| std::array::from_fn(|_| random())).collect();
            let transitions: [[f32; NUM_TAGS]; NUM_TAGS] =
                std::array::from_fn(|_| std::array::from_fn(|_| random()));
            let temperature = [1.0, 2.5, 7.0][round % 3];
            // Every valid sequence, with its weight.
            let mut sequences = Vec::new();
            for n in 0..NUM_TAGS.pow(length as u32) {
                let tags: Vec<u8> =
                    (0..length).map(|i| (n / NUM_TAGS.pow(i as u32) % NUM_TAGS) as u8).collect();
                let valid = allowed(None, tags[0])
                    && allowed_last(tags[length - 1])
                    && tags.windows(2).all(|w| allowed(Some(w[0]), w[1]));
                if valid {
                    let emitted: f32 = tags.iter().zip(&emissions).map(|(&t, e)| e[usize::from(t)]).sum();
                    let moved: f32 =
                        tags.windows(2).map(|w| transitions[usize::from(w[0])][usize::from(w[1])]).sum();
                    sequences.push((tags, (f64::from(emitted + moved) / f64::from(temperature)).exp()));
                }
            }
            let total: f64 = sequences.iter().map(|(_, w)| w).sum();
            let potentials = Potentials::new(&transitions, temperature);
            let mut marginals = Marginals::default();
            marginals.compute(&emissions, &potentials);
            for first in 0..length {
                for end in first + 1..=length {
                    let found = marginals.span(first, end, &potentials);
                    for (kind, &found) in found.iter().enumerate() {
                        let mut exact = vec![OUTSIDE; end - first];
                        mark(&mut exact, 0, end - first, kind);
                        let expected: f64 =
                            sequences.iter().filter(|(t, _)| t[first..end] == exact).map(|(_, w)| w).sum();
                        let expected = expected / total;
                        assert!(
                            (f64::from(found) - expected).abs() < 1e-4,
                            "length {length}, {first}..{end} of type {kind}: {found} != {expected}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn fast_exp_is_exp_to_six_digits() {
        for i in 0..=69_000 {
            let x = -(i as f32) / 1000.0;
            let (fast, exact) = (f64::from(fast_exp(x)), f64::from(x).exp());
            // The rounding of x * log2(e) to f32 alone costs up to 5e-6 of e^-69.
            let tolerance = (4e-7 - 1e-7 * f64::from(x)) * exact;
            assert!((fast - exact).abs() <= tolerance, "e^{x}: {fast} != {exact}");
        }
        assert_eq!(fast_exp(-69.5), 0.0);
        assert_eq!(fast_exp(-1e9), 0.0);
    }

    #[test]
    fn mark_and_spans_round_trip() {
        let mut tags = vec![OUTSIDE; 7];
        mark(&mut tags, 0, 2, 0);
        mark(&mut tags, 3, 4, 2);
        mark(&mut tags, 4, 7, 3);
        assert_eq!(spans(&tags).collect::<Vec<_>>(), [(0, 2, 0), (3, 4, 2), (4, 7, 3)]);
    }
}
