//! The WebAssembly layer: thin wasm-bindgen exports over the core, for the page, the single file, the
//! `<article-analyzer>` element, bundlers (`dist/pkg/`) and Node (`dist/node/`).
//!
//! Every offset that crosses into JavaScript is in UTF-16 code units (what `String.prototype.slice`
//! uses), converted at this edge with [`Analysis::to_utf16`]. Rendering builds DOM nodes (elements
//! and text nodes) and never parses HTML, so markup in the input is shown as text.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Node};

use crate::entity::{self, Entity, EntityGroup, Label};
use crate::span::Span;
use crate::{Analysis, Analyzer as CoreAnalyzer};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** What an entity mention is. */
export type Label = "PERSON" | "ORG" | "LOC" | "MISC" | "DATE" | "TIME" | "MONEY" | "PERCENT" | "QUANTITY";

/** A half-open range `start..end` of the text, in UTF-16 code units (as `String.prototype.slice` counts). */
export interface Span {
  start: number;
  end: number;
}

/** One entity mention: `text === input.slice(start, end)`. */
export interface Entity extends Span {
  label: Label;
  text: string;
}

/** A distinct entity: its mentions share `label` and canonical `text`; `first` is the first mention's start. */
export interface EntityGroup {
  text: string;
  label: Label;
  count: number;
  first: number;
}

/** A newsroom's own entity for `new Analyzer([...])`: its mentions (name or aliases) get `label` and group under `name`. */
export interface CustomEntity {
  name: string;
  label: Label;
  aliases?: string[];
}

/** The analysis of one text, the same shape the `article-analyzer` CLI prints. */
export interface Analysis {
  /** Sentences in order, non-overlapping, trimmed of surrounding whitespace. */
  sentences: Span[];
  /** Entity mentions in order, non-overlapping. */
  entities: Entity[];
  /** The distinct entities, in order of first mention. */
  groups: EntityGroup[];
}
"#;

thread_local! {
    /// The analyzer behind the free functions, built on first use.
    static DEFAULT: WasmAnalyzer = WasmAnalyzer { inner: CoreAnalyzer::new() };
}

/// Analyses `text`: its sentences, entity mentions and distinct entities, offsets in UTF-16 code units.
#[wasm_bindgen(unchecked_return_type = "Analysis")]
pub fn analyze(text: &str) -> Result<JsValue, JsValue> {
    DEFAULT.with(|analyzer| analyzer.analyze(text))
}

/// Replaces the children of `element` with `text` highlighted: one `.sentence` per sentence and a
/// `<mark class="entity" data-label="...">` per entity mention.
#[wasm_bindgen]
pub fn render(element: &Element, text: &str) -> Result<(), JsValue> {
    DEFAULT.with(|analyzer| analyzer.render(element, text))
}

/// Like `render`, but with an analysis of `text` made earlier (by `analyze`, in a worker for instance).
/// Fails if the analysis does not fit the text.
#[wasm_bindgen(js_name = renderAnalysis)]
pub fn render_analysis(
    element: &Element,
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "Analysis")] analysis: JsValue,
) -> Result<(), JsValue> {
    let analysis: JsAnalysis = serde_wasm_bindgen::from_value(analysis)?;
    render_into(element, text, &analysis.into_core()?)
}

/// The labels an entity can have, in the order the page's legend shows them.
#[wasm_bindgen(unchecked_return_type = "Label[]")]
pub fn labels() -> Result<JsValue, JsValue> {
    to_js(&Label::ALL)
}

#[wasm_bindgen]
extern "C" {
    /// A JavaScript array of `CustomEntity` objects (typed as such in the .d.ts).
    #[wasm_bindgen(typescript_type = "CustomEntity[]")]
    pub type CustomEntities;
}

/// An analyzer to keep and reuse, optionally with a newsroom's own entities.
#[wasm_bindgen(js_name = Analyzer)]
pub struct WasmAnalyzer {
    inner: CoreAnalyzer,
}

#[wasm_bindgen(js_class = Analyzer)]
impl WasmAnalyzer {
    /// Creates an analyzer with the embedded model and, when given, custom entities: every mention
    /// of a custom entity's name or aliases gets its label and groups under its name.
    #[wasm_bindgen(constructor)]
    pub fn new(custom_entities: Option<CustomEntities>) -> Result<WasmAnalyzer, JsValue> {
        let inner = match custom_entities {
            Some(list) => CoreAnalyzer::with_custom_entities(serde_wasm_bindgen::from_value(list.into())?),
            None => CoreAnalyzer::new(),
        };
        Ok(WasmAnalyzer { inner })
    }

    /// Analyses `text`, offsets in UTF-16 code units.
    #[wasm_bindgen(unchecked_return_type = "Analysis")]
    pub fn analyze(&self, text: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.analyze(text).to_utf16(text))
    }

    /// Replaces the children of `element` with `text` highlighted (see the free function `render`).
    pub fn render(&self, element: &Element, text: &str) -> Result<(), JsValue> {
        render_into(element, text, &self.inner.analyze(text).to_utf16(text))
    }
}

/// A JavaScript `Error` with `message`.
fn error(message: &str) -> JsValue {
    JsError::new(message).into()
}

/// Serializes as plain JSON-like values: objects (not `Map`s, which `#[serde(flatten)]` would give).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// An analysis as JavaScript hands it back to `renderAnalysis`; without `groups`, they are recomputed.
#[derive(Deserialize)]
struct JsAnalysis {
    sentences: Vec<Span16>,
    entities: Vec<JsEntity>,
    groups: Option<Vec<JsGroup>>,
}

#[derive(Deserialize)]
struct Span16 {
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
struct JsGroup {
    text: String,
    label: String,
    count: usize,
    first: usize,
}

#[derive(Deserialize)]
struct JsEntity {
    start: usize,
    end: usize,
    label: String,
    text: String,
}

impl JsAnalysis {
    fn into_core(self) -> Result<Analysis, JsValue> {
        let sentences: Vec<Span> = self.sentences.iter().map(|s| Span::new(s.start, s.end)).collect();
        let entities = self
            .entities
            .into_iter()
            .map(|e| Ok(Entity { span: Span::new(e.start, e.end), label: label(&e.label)?, text: e.text }))
            .collect::<Result<Vec<_>, JsValue>>()?;
        let groups = match self.groups {
            Some(groups) => groups
                .into_iter()
                .map(|g| {
                    Ok(EntityGroup { label: label(&g.label)?, text: g.text, count: g.count, first: g.first })
                })
                .collect::<Result<Vec<_>, JsValue>>()?,
            None => entity::group(&entities),
        };
        Ok(Analysis { sentences, entities, groups })
    }
}

/// The label named `name` ("ORG").
fn label(name: &str) -> Result<Label, JsValue> {
    Label::ALL
        .into_iter()
        .find(|l| l.as_str() == name)
        .ok_or_else(|| error(&format!("unknown entity label {name:?}")))
}

/// Checks that `spans` are non-empty, in order, non-overlapping and inside `0..len`.
fn check_spans<'a>(spans: impl Iterator<Item = &'a Span>, len: usize, what: &str) -> Result<(), JsValue> {
    let mut previous_end = 0;
    for span in spans {
        if span.start < previous_end || span.end <= span.start || span.end > len {
            return Err(error(&format!(
                "{what} {}..{} is out of order, empty or beyond the text ({len} UTF-16 units)",
                span.start, span.end
            )));
        }
        previous_end = span.end;
    }
    Ok(())
}

/// Renders `text` with `analysis` (UTF-16 offsets) into `element`, replacing its children.
///
/// Each sentence becomes one `<span class="sentence">`, never nested. Each entity mention becomes a
/// `<mark class="entity" data-label="..." data-group="...">` whose text is the mention's text. A
/// mention that crosses a sentence edge is split at each edge into pieces (one per sentence it
/// touches, and one for the whitespace between, outside both), with `data-part` set to `start`,
/// `middle` or `end`: every `.sentence` stays whole and un-nested, and the pieces' texts concatenate
/// to the mention's text.
fn render_into(element: &Element, text: &str, analysis: &Analysis) -> Result<(), JsValue> {
    let units: Vec<u16> = text.encode_utf16().collect();
    check_spans(analysis.sentences.iter(), units.len(), "sentence")?;
    check_spans(analysis.entities.iter().map(|e| &e.span), units.len(), "entity")?;
    let document = element.owner_document().ok_or_else(|| error("the element has no document"))?;
    let fragment = document.create_document_fragment();
    let mut writer =
        Writer { document: &document, units: &units, analysis, groups: group_of(analysis), next: 0 };
    let mut at = 0;
    for (index, sentence) in analysis.sentences.iter().enumerate() {
        writer.write(&fragment, at, sentence.start)?;
        let node = document.create_element("span")?;
        node.set_class_name("sentence");
        node.set_attribute("data-sentence", &(index + 1).to_string())?;
        writer.write(&node, sentence.start, sentence.end)?;
        fragment.append_child(&node)?;
        at = sentence.end;
    }
    writer.write(&fragment, at, units.len())?;
    element.set_text_content(None);
    element.append_child(&fragment)?;
    Ok(())
}

/// For each entity mention, the index of its distinct entity in `analysis.groups`, when known.
///
/// The core groups mentions by canonical text (or under a custom entity's name, for its aliases),
/// in order of first mention. The assignment is recovered from the groups: a group's first mention
/// is the next mention at its `first` offset; a later mention joins the opened group of its label
/// whose name, or first mention, has the same canonical text, or else the only opened group of its
/// label that still lacks mentions.
fn group_of(analysis: &Analysis) -> Vec<Option<usize>> {
    let groups = &analysis.groups;
    let mut missing: Vec<usize> = groups.iter().map(|g| g.count).collect();
    let mut by_key: HashMap<(String, Label), usize> = HashMap::new();
    let mut opened = 0;
    let mut assign = |mention: &Entity| {
        // The core's grouping of a lone mention gives its canonical text.
        let own = entity::group(std::slice::from_ref(mention)).pop().map(|g| g.text).unwrap_or_default();
        let key = (own, mention.label);
        let found = match groups.get(opened) {
            Some(g) if g.first == mention.span.start && g.label == mention.label => {
                by_key.entry((g.text.clone(), g.label)).or_insert(opened);
                by_key.entry(key).or_insert(opened);
                opened += 1;
                Some(opened - 1)
            }
            _ => by_key.get(&key).copied().filter(|&i| missing[i] > 0).or_else(|| {
                let mut open = (0..opened).filter(|&i| groups[i].label == mention.label && missing[i] > 0);
                match (open.next(), open.next()) {
                    (Some(i), None) => Some(i),
                    _ => None,
                }
            }),
        };
        if let Some(i) = found {
            missing[i] = missing[i].saturating_sub(1);
        }
        found
    };
    analysis.entities.iter().map(&mut assign).collect()
}

/// Writes ranges of the text as text nodes and entity marks, walking the entities once.
struct Writer<'a> {
    document: &'a Document,
    units: &'a [u16],
    analysis: &'a Analysis,
    groups: Vec<Option<usize>>,
    /// The first entity that may still overlap what is left to write.
    next: usize,
}

impl Writer<'_> {
    /// Appends `units[start..end]` to `parent`, marking the (pieces of) entities inside it.
    fn write(&mut self, parent: &Node, start: usize, end: usize) -> Result<(), JsValue> {
        let mut at = start;
        while let Some(mention) = self.analysis.entities.get(self.next) {
            if mention.span.start >= end {
                break;
            }
            let from = mention.span.start.max(start);
            let to = mention.span.end.min(end);
            self.text(parent, at, from)?;
            let mark = self.document.create_element("mark")?;
            mark.set_class_name("entity");
            mark.set_attribute("data-label", mention.label.as_str())?;
            if let Some(group) = self.groups[self.next] {
                mark.set_attribute("data-group", &group.to_string())?;
            }
            let part = match (from == mention.span.start, to == mention.span.end) {
                (true, true) => None,
                (true, false) => Some("start"),
                (false, false) => Some("middle"),
                (false, true) => Some("end"),
            };
            if let Some(part) = part {
                mark.set_attribute("data-part", part)?;
            }
            self.text(&mark, from, to)?;
            parent.append_child(&mark)?;
            at = to;
            if to < mention.span.end {
                break;
            }
            self.next += 1;
        }
        self.text(parent, at, end)
    }

    /// Appends `units[start..end]` to `parent` as one text node, unless empty.
    fn text(&self, parent: &Node, start: usize, end: usize) -> Result<(), JsValue> {
        if start < end {
            let node = self.document.create_text_node(&String::from_utf16_lossy(&self.units[start..end]));
            parent.append_child(&node)?;
        }
        Ok(())
    }
}
