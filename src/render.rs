//! How an analysed text is drawn, planned as data: the DOM writer of the wasm layer (`src/wasm.rs`)
//! only creates the nodes that [`plan`] lists, so the rules below are tested natively.
//!
//! The text is shown whole, character for character, as text nodes (markup in it is text), with:
//! - one `<span class="sentence" data-sentence="N">` per sentence (`N` counts from 1), holding
//!   exactly the sentence's text; sentences never nest, and the text between them (whitespace)
//!   stays outside them;
//! - one `<mark class="entity" data-label="ORG" data-group="G">` per mention, holding only its text,
//!   `G` its [group](crate::Entity::group). A mention that crosses a sentence edge is split at each
//!   edge into pieces (one per sentence it touches, and one for the text between, outside both)
//!   with `data-part="start"`, `"middle"` or `"end"`: every sentence stays whole, and the pieces'
//!   texts add up to the mention's.

use crate::entity::Label;
use crate::span::Span;
use crate::Analysis;

/// A run of the text and where it goes: into which sentence, if any, and into which mark, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The run of text, never empty, in the unit of the analysis's offsets.
    pub span: Span,
    /// The index of the sentence it is in (from 0), or `None` between sentences. The consecutive
    /// pieces of a sentence go into one sentence element.
    pub sentence: Option<usize>,
    /// The mark the run is the text of, or `None` for plain text.
    pub mark: Option<Mark>,
}

/// A mark around a piece of text: a whole mention, or the part of one inside a sentence or between
/// two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The mention's label.
    pub label: Label,
    /// The index of the mention's distinct entity in [`Analysis::groups`].
    pub group: usize,
    /// Which part of the mention the mark holds.
    pub part: Part,
}

/// Which part of a mention a mark holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// All of it: the mention is inside one sentence, or between two.
    Whole,
    /// Its beginning, up to the end of the sentence it starts in.
    Start,
    /// Its text between two sentences, or a whole sentence inside it.
    Middle,
    /// Its end, from the start of the sentence it ends in.
    End,
}

impl Part {
    /// The value of the mark's `data-part` attribute; `None` for a whole mention, which has none.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Part::Whole => None,
            Part::Start => Some("start"),
            Part::Middle => Some("middle"),
            Part::End => Some("end"),
        }
    }
}

/// The pieces of a text of `len` units with its `analysis`, in text order: they cover `0..len`
/// exactly once, and each lies inside one sentence or between two, and inside one mention or
/// outside all.
///
/// `analysis` must fit the text as [`Analyzer::analyze`](crate::Analyzer::analyze) makes it: its
/// sentences, and its mentions, in order, non-empty, non-overlapping and inside `0..len`, in any
/// one unit (bytes natively, UTF-16 code units after [`Analysis::to_utf16`]).
pub fn plan(analysis: &Analysis, len: usize) -> Vec<Piece> {
    let mut planner = Planner {
        mentions: &analysis.entities,
        next: 0,
        pieces: Vec::with_capacity(2 * (analysis.sentences.len() + analysis.entities.len()) + 1),
    };
    let mut at = 0;
    for (index, sentence) in analysis.sentences.iter().enumerate() {
        planner.cut(Span::new(at, sentence.start), None);
        planner.cut(*sentence, Some(index));
        at = sentence.end;
    }
    planner.cut(Span::new(at, len), None);
    planner.pieces
}

/// Cuts ranges of the text at the mentions' edges, walking the mentions once.
struct Planner<'a> {
    mentions: &'a [crate::Entity],
    /// The first mention that may still overlap what is left to cut.
    next: usize,
    pieces: Vec<Piece>,
}

impl Planner<'_> {
    /// Adds the pieces of `range`, all inside `sentence`: plain text and the (parts of) mentions.
    fn cut(&mut self, range: Span, sentence: Option<usize>) {
        let mut at = range.start;
        while let Some(mention) = self.mentions.get(self.next) {
            if mention.span.start >= range.end {
                break;
            }
            let from = mention.span.start.max(range.start);
            let to = mention.span.end.min(range.end);
            let part = match (from == mention.span.start, to == mention.span.end) {
                (true, true) => Part::Whole,
                (true, false) => Part::Start,
                (false, false) => Part::Middle,
                (false, true) => Part::End,
            };
            self.push(Span::new(at, from), sentence, None);
            self.push(
                Span::new(from, to),
                sentence,
                Some(Mark { label: mention.label, group: mention.group, part }),
            );
            at = to;
            if to < mention.span.end {
                break;
            }
            self.next += 1;
        }
        self.push(Span::new(at, range.end), sentence, None);
    }

    /// Adds a piece, unless its span is empty.
    fn push(&mut self, span: Span, sentence: Option<usize>, mark: Option<Mark>) {
        if span.start < span.end {
            self.pieces.push(Piece { span, sentence, mark });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Analyzer, Entity};
    use proptest::prelude::*;

    /// The plan of `text` drawn in one line: `{...}` a sentence, `[ORG 0|Acme]` a mark of group 0,
    /// `[MISC 1 start|5%.]` a part of a mention.
    fn sketch(text: &str, analysis: &Analysis) -> String {
        let mut out = String::new();
        let mut open = None;
        for piece in plan(analysis, text.len()) {
            if piece.sentence != open {
                out.push_str(if open.is_some() { "}" } else { "" });
                out.push_str(if piece.sentence.is_some() { "{" } else { "" });
                open = piece.sentence;
            }
            let run = piece.span.slice(text);
            match piece.mark {
                None => out.push_str(run),
                Some(Mark { label, group, part }) => {
                    let part = part.attribute().map(|p| format!(" {p}")).unwrap_or_default();
                    out.push_str(&format!("[{} {group}{part}|{run}]", label.as_str()));
                }
            }
        }
        out.push_str(if open.is_some() { "}" } else { "" });
        out
    }

    /// An analysis of `text` made by hand: `sentences` and `mentions` (label, text, group), each
    /// found in `text` after the previous one of its list.
    fn hand_made(text: &str, sentences: &[&str], mentions: &[(Label, &str, usize)]) -> Analysis {
        let entities = locate(text, mentions.iter().map(|m| m.1))
            .into_iter()
            .zip(mentions)
            .map(|(span, &(label, _, group))| Entity { group, ..Entity::new(text, span, label) })
            .collect();
        Analysis { sentences: locate(text, sentences.iter().copied()), entities, ..Analysis::default() }
    }

    /// The spans of `needles` in `text`, each found after the previous one.
    fn locate<'a>(text: &str, needles: impl Iterator<Item = &'a str>) -> Vec<Span> {
        let mut from = 0;
        needles
            .map(|needle| {
                let start = from + text[from..].find(needle).expect("needle in text");
                from = start + needle.len();
                Span::new(start, from)
            })
            .collect()
    }

    /// Checks the plan's promises on `analysis` of a text of `len` units: the pieces cover the
    /// text once, in order; a piece is inside its sentence, or outside all; marks never cross a
    /// sentence edge; the parts of each mention add up to it.
    fn check_plan(analysis: &Analysis, len: usize) {
        let pieces = plan(analysis, len);
        let mut at = 0;
        for piece in &pieces {
            assert_eq!(piece.span.start, at, "{piece:?} follows the previous piece");
            assert!(piece.span.start < piece.span.end, "{piece:?} is empty");
            at = piece.span.end;
            let inside = |s: &Span| s.start <= piece.span.start && piece.span.end <= s.end;
            let overlaps = |s: &Span| s.start < piece.span.end && piece.span.start < s.end;
            match piece.sentence {
                Some(index) => assert!(inside(&analysis.sentences[index]), "{piece:?}"),
                None => assert!(!analysis.sentences.iter().any(overlaps), "{piece:?}"),
            }
        }
        assert_eq!(at, len, "the pieces reach the end of the text");
        // Joined back, the parts of each mention are the mention, and nothing else is marked.
        let mut mentions: Vec<(Span, Label, usize)> = Vec::new();
        for (piece, mark) in pieces.iter().filter_map(|p| Some((p, p.mark?))) {
            match mark.part {
                Part::Whole | Part::Start => mentions.push((piece.span, mark.label, mark.group)),
                Part::Middle | Part::End => {
                    let last = mentions.last_mut().expect("a part after the mention's start");
                    assert_eq!((last.0.end, last.1, last.2), (piece.span.start, mark.label, mark.group));
                    last.0.end = piece.span.end;
                }
            }
        }
        let expected: Vec<(Span, Label, usize)> =
            analysis.entities.iter().map(|e| (e.span, e.label, e.group)).collect();
        assert_eq!(mentions, expected);
    }

    const HOSTILE: &str = "Reporters pasted <img src=x onerror=\"alert(1)\"> &amp; more at Acme Corp. \
        Then <script>alert('Acme')</script> in New York.\n\n<b>Jane Doe</b> said so on Monday.";

    #[test]
    fn the_analyzers_plans_keep_their_promises_markup_included() {
        let analyzer = Analyzer::new();
        let sample = include_str!("../www/sample.txt");
        for text in [sample, HOSTILE, "", " \n ", "Acme.", "😀 Zoë paid €5 in Zürich. Then she left."] {
            let analysis = analyzer.analyze(text);
            check_plan(&analysis, text.len());
            let utf16 = analysis.to_utf16(text);
            check_plan(&utf16, text.encode_utf16().count());
        }
        // Markup is only characters in runs of text: the plan has nothing else to carry.
        let plain: String =
            plan(&analyzer.analyze(HOSTILE), HOSTILE.len()).iter().map(|p| p.span.slice(HOSTILE)).collect();
        assert_eq!(plain, HOSTILE);
    }

    #[test]
    fn empty_text_has_no_pieces_and_blank_text_one_plain_piece() {
        assert_eq!(plan(&Analysis::default(), 0), []);
        assert_eq!(
            plan(&Analysis::default(), 3),
            [Piece { span: Span::new(0, 3), sentence: None, mark: None }]
        );
    }

    #[test]
    fn mentions_at_the_very_start_and_end_of_the_text() {
        let text = "Acme hired Jane Doe";
        let analysis = hand_made(text, &[text], &[(Label::Org, "Acme", 0), (Label::Person, "Jane Doe", 1)]);
        assert_eq!(sketch(text, &analysis), "{[ORG 0|Acme] hired [PERSON 1|Jane Doe]}");
        let text = " Acme hired Jane Doe\n";
        let analysis = hand_made(text, &["Acme hired Jane Doe"], &[(Label::Org, "Acme", 0)]);
        assert_eq!(sketch(text, &analysis), " {[ORG 0|Acme] hired Jane Doe}\n");
    }

    #[test]
    fn a_mention_that_crosses_sentence_edges_is_split_at_each() {
        let text = "😀 Acme Corp. rose 5%. Jane Doe said Acme Corp.'s plan worked.";
        let sentences = ["😀 Acme Corp. rose 5%.", "Jane Doe said Acme Corp.'s plan worked."];
        let mentions =
            [(Label::Org, "Acme Corp.", 0), (Label::Misc, "5%. Jane", 1), (Label::Org, "Acme Corp.'s", 0)];
        let analysis = hand_made(text, &sentences, &mentions);
        assert_eq!(
            sketch(text, &analysis),
            "{😀 [ORG 0|Acme Corp.] rose [MISC 1 start|5%.]}[MISC 1 middle| ]\
             {[MISC 1 end|Jane] Doe said [ORG 0|Acme Corp.'s] plan worked.}"
        );
        // Across three sentences with nothing between them, a whole sentence is a middle part.
        let text = "A.B.C.";
        let analysis = hand_made(text, &["A.", "B.", "C."], &[(Label::Misc, ".B.C", 0)]);
        assert_eq!(sketch(text, &analysis), "{A[MISC 0 start|.]}{[MISC 0 middle|B.]}{[MISC 0 end|C].}");
    }

    #[test]
    fn adjacent_mentions_and_sentences_have_nothing_between_them() {
        let text = "Acme CorpJane Doe rose.It fell.";
        let mentions = [(Label::Org, "Acme Corp", 0), (Label::Person, "Jane Doe", 1)];
        let analysis = hand_made(text, &["Acme CorpJane Doe rose.", "It fell."], &mentions);
        assert_eq!(sketch(text, &analysis), "{[ORG 0|Acme Corp][PERSON 1|Jane Doe] rose.}{It fell.}");
    }

    /// Sorted, distinct offsets in `0..=len`, paired up into non-empty, non-overlapping spans.
    fn spans(len: usize) -> impl Strategy<Value = Vec<Span>> {
        proptest::collection::btree_set(0..=len, 0..12).prop_map(|edges| {
            edges.into_iter().collect::<Vec<_>>().chunks_exact(2).map(|p| Span::new(p[0], p[1])).collect()
        })
    }

    proptest! {
        #[test]
        fn any_fitting_analysis_plans_to_pieces_that_keep_the_promises(
            (len, sentences, mentions) in (0..40usize).prop_flat_map(|len| (Just(len), spans(len), spans(len)))
        ) {
            let text = "x".repeat(len);
            let entities = mentions
                .into_iter()
                .enumerate()
                .map(|(group, span)| Entity { group, ..Entity::new(&text, span, Label::Misc) })
                .collect();
            check_plan(&Analysis { sentences, entities, ..Analysis::default() }, len);
        }
    }
}
