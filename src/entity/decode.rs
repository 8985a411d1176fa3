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

    #[test]
    fn mark_and_spans_round_trip() {
        let mut tags = vec![OUTSIDE; 7];
        mark(&mut tags, 0, 2, 0);
        mark(&mut tags, 3, 4, 2);
        mark(&mut tags, 4, 7, 3);
        assert_eq!(spans(&tags).collect::<Vec<_>>(), [(0, 2, 0), (3, 4, 2), (4, 7, 3)]);
    }
}
