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

/// Reusable buffers for [`Decoder::decode`].
#[derive(Default)]
pub struct Decoder {
    scores: Vec<[f32; NUM_TAGS]>,
    back: Vec<[u8; NUM_TAGS]>,
}

impl Decoder {
    /// The best valid tag sequence for per-token `emissions` and `transitions[prev][next]` scores,
    /// written into `tags` (cleared first).
    pub fn decode(
        &mut self,
        emissions: &[[f32; NUM_TAGS]],
        transitions: &[[f32; NUM_TAGS]; NUM_TAGS],
        tags: &mut Vec<u8>,
    ) {
        tags.clear();
        let Some(first) = emissions.first() else { return };
        self.scores.clear();
        self.back.clear();
        let mut start = [f32::NEG_INFINITY; NUM_TAGS];
        for (t, score) in start.iter_mut().enumerate() {
            if allowed(None, t as u8) {
                *score = first[t];
            }
        }
        self.scores.push(start);
        self.back.push([0; NUM_TAGS]);
        let mut allowed_after = [[false; NUM_TAGS]; NUM_TAGS];
        for (p, row) in allowed_after.iter_mut().enumerate() {
            for (next, slot) in row.iter_mut().enumerate() {
                *slot = allowed(Some(p as u8), next as u8);
            }
        }
        for emission in &emissions[1..] {
            let prev = *self.scores.last().unwrap_or(&start);
            let mut row = [f32::NEG_INFINITY; NUM_TAGS];
            let mut back = [0u8; NUM_TAGS];
            for next in 0..NUM_TAGS {
                for (p, prev_score) in prev.iter().enumerate() {
                    if !allowed_after[p][next] {
                        continue;
                    }
                    let score = prev_score + transitions[p][next];
                    if score > row[next] {
                        row[next] = score;
                        back[next] = p as u8;
                    }
                }
                row[next] += emission[next];
            }
            self.scores.push(row);
            self.back.push(back);
        }
        let last = self.scores.last().unwrap_or(&start);
        let mut best = OUTSIDE;
        for t in 0..NUM_TAGS {
            if allowed_last(t as u8) && last[t] > last[usize::from(best)] {
                best = t as u8;
            }
        }
        tags.resize(emissions.len(), OUTSIDE);
        for i in (0..emissions.len()).rev() {
            tags[i] = best;
            best = self.back[i][usize::from(best)];
        }
    }
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
    fn mark_and_spans_round_trip() {
        let mut tags = vec![OUTSIDE; 7];
        mark(&mut tags, 0, 2, 0);
        mark(&mut tags, 3, 4, 2);
        mark(&mut tags, 4, 7, 3);
        assert_eq!(spans(&tags).collect::<Vec<_>>(), [(0, 2, 0), (3, 4, 2), (4, 7, 3)]);
    }
}
