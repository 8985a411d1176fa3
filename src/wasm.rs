//! The WebAssembly layer: thin wasm-bindgen exports over the core, for the page, the single file, the
//! `<article-analyzer>` element, bundlers (`dist/pkg/`) and Node (`dist/node/`).
//!
//! Every offset that crosses into JavaScript is in UTF-16 code units (what `String.prototype.slice`
//! uses), converted at this edge with [`Analysis::to_utf16`]. Rendering builds the DOM nodes that
//! [`render::plan`] lists (elements and text nodes) and never parses HTML, so markup in the input is
//! shown as text. The values exchanged are the core's types as they serialize, declared for
//! TypeScript in `src/wasm.d.ts` (which a test checks against the serialization).
//!
//! Every argument is checked here, not trusted to the .d.ts: a misused one (`analyze(5)`,
//! `new Analyzer([{name: 5}])`) throws a `TypeError` whose message names the function and the
//! argument. Text is taken as JavaScript gives it, lone surrogates included (see `JsText`).

use js_sys::{Array, JsString, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Node, Text};

use crate::entity::{CustomEntity, Entity, EntityGroup, Label};
use crate::jsonld::NewsArticle;
use crate::quote::{Quote, Speaker};
use crate::render::{self, Piece};
use crate::span::Span;
use crate::{Analysis, Analyzer as CoreAnalyzer};

/// The types of the values exchanged, which the generated .d.ts declares before the functions.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("wasm.d.ts");

thread_local! {
    /// The analyzer behind the free functions, built on first use.
    static DEFAULT: WasmAnalyzer = WasmAnalyzer { inner: CoreAnalyzer::new() };
}

/// Analyses `text`: its sentences, entity mentions and distinct entities, offsets in UTF-16 code units.
/// Throws a `TypeError` if `text` is not a string.
#[wasm_bindgen(unchecked_return_type = "Analysis")]
pub fn analyze(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<JsValue, JsValue> {
    let text = JsText::argument("analyze", text)?;
    Ok(DEFAULT.with(|analyzer| analyzer.analysis_for_js(&text)))
}

/// Replaces the children of `element` with `text` highlighted: one `.sentence` per sentence and a
/// `<mark class="entity" data-label="..." data-group="...">` per entity mention. Throws a `TypeError`
/// if `element` is not a DOM element or `text` not a string.
#[wasm_bindgen]
pub fn render(
    #[wasm_bindgen(unchecked_param_type = "Element")] element: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<(), JsValue> {
    let target = Target::argument("render", element)?;
    let text = JsText::argument("render", text)?;
    DEFAULT.with(|analyzer| analyzer.render_text(&target, &text))
}

/// Like `render`, but with an analysis of `text` made earlier (by `analyze`, in a worker for instance),
/// drawn as it is: each mention's mark gets the mention's `group`. Throws a `TypeError` if an argument
/// has the wrong type or the analysis does not fit the text.
#[wasm_bindgen(js_name = renderAnalysis)]
pub fn render_analysis(
    #[wasm_bindgen(unchecked_param_type = "Element")] element: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Analysis")] analysis: JsValue,
) -> Result<(), JsValue> {
    const FUNCTION: &str = "renderAnalysis";
    let target = Target::argument(FUNCTION, element)?;
    let text = JsText::argument(FUNCTION, text)?;
    let analysis = analysis_argument(analysis, text.js.length() as usize)?;
    render_into(&target, &text, &analysis)
}

/// The entities of `analysis` (its `groups`, as `analyze` returns them) as a schema.org `NewsArticle`
/// in JSON-LD, about the three most salient named entities and mentioning the others, with
/// `options.headline` and `options.url` when given (the CLI's `--jsonld`). Throws a `TypeError` if an
/// argument has the wrong shape.
#[wasm_bindgen(js_name = toJsonLd, unchecked_return_type = "NewsArticle")]
pub fn to_json_ld(
    #[wasm_bindgen(unchecked_param_type = "Pick<Analysis, \"groups\">")] analysis: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ headline?: string; url?: string }")] options: JsValue,
) -> Result<JsValue, JsValue> {
    const FUNCTION: &str = "toJsonLd";
    let groups = if analysis.is_object() { Reflect::get(&analysis, &"groups".into())? } else { analysis };
    if !Array::is_array(&groups) {
        return Err(wrong_type(FUNCTION, "`analysis.groups` must be an array", &groups));
    }
    let groups: Vec<EntityGroup> = serde_wasm_bindgen::from_value(groups).map_err(|error| {
        let error = error.to_string();
        let message = error.strip_prefix("Error: ").unwrap_or(&error);
        type_error(&format!("{FUNCTION}: `analysis.groups`: {message}"))
    })?;
    let option = |name: &str| -> Result<Option<String>, JsValue> {
        if options.is_null_or_undefined() {
            return Ok(None);
        }
        let value = Reflect::get(&options, &name.into())?;
        if value.is_null_or_undefined() {
            return Ok(None);
        }
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| wrong_type(FUNCTION, &format!("`options.{name}` must be a string"), &value))
    };
    let (headline, url) = (option("headline")?, option("url")?);
    to_js(&NewsArticle::new(&groups, headline.as_deref(), url.as_deref()))
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

/// How the constructor is named in error messages.
const CONSTRUCTOR: &str = "new Analyzer";

#[wasm_bindgen(js_class = Analyzer)]
impl WasmAnalyzer {
    /// Creates an analyzer with the embedded model and, when given, custom entities: every mention
    /// of a custom entity's name or aliases gets its label and groups under its name. A lone
    /// surrogate in a name reads as U+FFFD, so it matches whatever lone surrogate (or U+FFFD) stands in
    /// its place. Throws a `TypeError` naming the entity (by index) and the field that is wrong,
    /// missing or unknown.
    #[wasm_bindgen(constructor)]
    pub fn new(custom_entities: Option<CustomEntities>) -> Result<WasmAnalyzer, JsValue> {
        let inner = match custom_entities {
            Some(list) => CoreAnalyzer::with_custom_entities(custom_entities_argument(&list)?)
                .map_err(|error| type_error(&format!("{CONSTRUCTOR}: {error}")))?,
            None => CoreAnalyzer::new(),
        };
        Ok(WasmAnalyzer { inner })
    }

    /// Analyses `text`, offsets in UTF-16 code units. Throws a `TypeError` if `text` is not a string.
    #[wasm_bindgen(unchecked_return_type = "Analysis")]
    pub fn analyze(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<JsValue, JsValue> {
        Ok(self.analysis_for_js(&JsText::argument("Analyzer.analyze", text)?))
    }

    /// Replaces the children of `element` with `text` highlighted (see the free function `render`).
    pub fn render(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Element")] element: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<(), JsValue> {
        const FUNCTION: &str = "Analyzer.render";
        let target = Target::argument(FUNCTION, element)?;
        self.render_text(&target, &JsText::argument(FUNCTION, text)?)
    }
}

impl WasmAnalyzer {
    /// The analysis of `text` as JavaScript receives it: UTF-16 offsets, entity and speaker texts
    /// as JavaScript slices the text.
    fn analysis_for_js(&self, text: &JsText) -> JsValue {
        let analysis = self.inner.analyze(&text.rust).into_utf16(&text.rust);
        Writer::new().analysis(&analysis, text)
    }

    /// Analyses `text` and renders it into `target`.
    fn render_text(&self, target: &Target, text: &JsText) -> Result<(), JsValue> {
        render_into(target, text, &self.inner.analyze(&text.rust).into_utf16(&text.rust))
    }
}

/// A text argument: the string JavaScript passed, and the same text as Rust holds it.
///
/// A Rust string cannot hold a lone surrogate (half of a UTF-16 pair with no other half): wasm-bindgen
/// writes each as U+FFFD, one UTF-16 unit for one, so offsets into `rust` are offsets into `js`. Only a
/// slice of `rust` that holds U+FFFD can differ from the same slice of `js`; JavaScript gets those
/// from `js`. Entity and speaker texts always come from `js` (see [`Writer`]); when rendering, a
/// text node comes from `js` only when it holds U+FFFD.
struct JsText {
    js: JsString,
    rust: String,
}

impl JsText {
    /// The argument `text` of `function`, or a `TypeError` unless it is a string.
    fn argument(function: &str, value: JsValue) -> Result<JsText, JsValue> {
        match value.as_string() {
            Some(rust) => Ok(JsText { js: value.unchecked_into(), rust }),
            None => Err(wrong_type(function, "`text` must be a string", &value)),
        }
    }

    /// Whether the slice of `rust` over the UTF-16 units `units` may differ from the same slice of `js`.
    fn may_differ(units: &[u16]) -> bool {
        units.contains(&(char::REPLACEMENT_CHARACTER as u16))
    }

    /// The text JavaScript gave, from UTF-16 unit `start` to `end`.
    fn slice(&self, start: usize, end: usize) -> JsString {
        self.js.slice(start as u32, end as u32)
    }

    /// A text node of `document` holding the text JavaScript gave over `span`; `units` is `rust` in
    /// UTF-16 code units.
    fn node(&self, document: &Document, units: &[u16], span: Span) -> Result<Text, JsValue> {
        let units = &units[span.start..span.end];
        let node = document.create_text_node(&String::from_utf16_lossy(units));
        if JsText::may_differ(units) {
            Reflect::set(&node, &"data".into(), &self.slice(span.start, span.end))?;
        }
        Ok(node)
    }
}

#[wasm_bindgen]
extern "C" {
    /// A plain JavaScript object, written a property at a time.
    #[wasm_bindgen(extends = Object, js_name = Object)]
    type Record;

    /// `{}`.
    #[wasm_bindgen(constructor, js_class = Object)]
    fn new() -> Record;

    /// `this[key] = value` for a number, which crosses into JavaScript as it is.
    #[wasm_bindgen(method, structural, indexing_setter)]
    fn set_number(this: &Record, key: &JsValue, value: f64);

    /// `this[key] = value`.
    #[wasm_bindgen(method, structural, indexing_setter)]
    fn set_value(this: &Record, key: &JsValue, value: &JsValue);
}

/// Writes an analysis as `analyze` gives it to JavaScript: the objects that serde-wasm-bindgen
/// makes of [`Analysis`], with fewer calls into JavaScript and fewer strings decoded. Property names
/// and labels are made once per analysis (serde-wasm-bindgen looks each name up in a map and copies
/// it for every property), numbers cross as numbers, and each entity's and quote speaker's `text`,
/// and each group's that is the text of one of its mentions, is the slice of the string JavaScript
/// gave, which V8 makes without a copy (decoding each of thousands of short strings from UTF-8 took
/// about a microsecond). An entity's text keeps its lone surrogates; a group's text holding U+FFFD (which
/// may stand for one) comes from Rust. `analyze_gives_the_core_analysis_as_it_serializes`
/// (tests/wasm.rs) checks the result against serde-wasm-bindgen's, property order included.
struct Writer {
    names: Names,
    /// The name of each label, in the order of [`Label::ALL`] (their declaration's).
    labels: [JsValue; Label::ALL.len()],
}

/// The property names of an analysis, as JavaScript strings.
struct Names {
    sentences: JsValue,
    entities: JsValue,
    groups: JsValue,
    quotes: JsValue,
    start: JsValue,
    end: JsValue,
    label: JsValue,
    text: JsValue,
    group: JsValue,
    confidence: JsValue,
    count: JsValue,
    first: JsValue,
    salience: JsValue,
    url: JsValue,
    speaker: JsValue,
    cue: JsValue,
}

impl Writer {
    /// A writer with its names made.
    fn new() -> Writer {
        let name = JsValue::from_str;
        let names = Names {
            sentences: name("sentences"),
            entities: name("entities"),
            groups: name("groups"),
            quotes: name("quotes"),
            start: name("start"),
            end: name("end"),
            label: name("label"),
            text: name("text"),
            group: name("group"),
            confidence: name("confidence"),
            count: name("count"),
            first: name("first"),
            salience: name("salience"),
            url: name("url"),
            speaker: name("speaker"),
            cue: name("cue"),
        };
        Writer { names, labels: Label::ALL.map(|label| name(label.as_str())) }
    }

    /// `analysis` (UTF-16 offsets) of `text`, as an `Analysis` object.
    fn analysis(&self, analysis: &Analysis, text: &JsText) -> JsValue {
        // Every field, in the order `Analysis` serializes them (a field added there fails here).
        let Analysis { sentences, entities, groups, quotes } = analysis;
        let names = &self.names;
        let record = Record::new();
        record.set_value(&names.sentences, &self.spans(sentences));
        record.set_value(&names.entities, &self.entities(entities, text));
        record.set_value(&names.groups, &self.groups(groups, entities, text));
        record.set_value(&names.quotes, &self.quotes(quotes, text));
        record.into()
    }

    /// `spans` as an array of `{start, end}`.
    fn spans(&self, spans: &[Span]) -> Array {
        let array = Array::new();
        for &span in spans {
            array.push(&self.span(span));
        }
        array
    }

    /// `span` as `{start, end}`.
    fn span(&self, span: Span) -> Record {
        let record = Record::new();
        record.set_number(&self.names.start, span.start as f64);
        record.set_number(&self.names.end, span.end as f64);
        record
    }

    /// `quotes` as an array of `{start, end, speaker, cue}`, a speaker as `{start, end, text, group}`
    /// (`null` for none); a speaker's `text` is the slice of the text JavaScript gave.
    fn quotes(&self, quotes: &[Quote], text: &JsText) -> Array {
        let names = &self.names;
        let array = Array::new();
        for quote in quotes {
            // Every field, in the order `Quote` and `Speaker` serialize them (a field added there fails here).
            let Quote { start, end, ref speaker, cue } = *quote;
            let record = self.span(Span::new(start, end));
            let speaker = speaker.as_ref().map_or(JsValue::NULL, |speaker| {
                let Speaker { start, end, text: _, group } = *speaker;
                let record = self.span(Span::new(start, end));
                record.set_value(&names.text, &text.slice(start, end));
                record.set_value(&names.group, &group.map_or(JsValue::NULL, |group| (group as f64).into()));
                record.into()
            });
            record.set_value(&names.speaker, &speaker);
            record.set_value(&names.cue, &cue.map_or(JsValue::NULL, |cue| self.span(cue).into()));
            array.push(&record);
        }
        array
    }

    /// The name of `label`.
    fn label(&self, label: Label) -> &JsValue {
        // `Label::ALL` lists the labels in the order of their declaration.
        &self.labels[label as usize]
    }

    /// `entities` as an array of `{start, end, label, text, group, confidence}`.
    fn entities(&self, entities: &[Entity], text: &JsText) -> Array {
        let names = &self.names;
        let array = Array::new();
        for entity in entities {
            let record = self.span(entity.span);
            record.set_value(&names.label, self.label(entity.label));
            record.set_value(&names.text, &text.slice(entity.span.start, entity.span.end));
            record.set_number(&names.group, entity.group as f64);
            record.set_number(&names.confidence, entity.confidence);
            array.push(&record);
        }
        array
    }

    /// `groups` as an array of `{text, label, count, first, salience, url?}`; `entities` are their
    /// mentions.
    fn groups(&self, groups: &[EntityGroup], entities: &[Entity], text: &JsText) -> Array {
        let names = &self.names;
        // A mention whose text is its group's, unless that holds U+FFFD.
        let mut same_text = vec![None; groups.len()];
        for entity in entities {
            if let (Some(span @ None), Some(group)) =
                (same_text.get_mut(entity.group), groups.get(entity.group))
            {
                if entity.text == group.text && !holds_replacement(&group.text) {
                    *span = Some(entity.span);
                }
            }
        }
        let array = Array::new();
        for (group, span) in groups.iter().zip(same_text) {
            // Every field, in the order `EntityGroup` serializes them (a field added there fails here).
            let EntityGroup { text: ref name, label, count, first, salience, ref url } = *group;
            let record = Record::new();
            match span {
                Some(span) => record.set_value(&names.text, &text.slice(span.start, span.end)),
                None => record.set_value(&names.text, &JsValue::from_str(name)),
            }
            record.set_value(&names.label, self.label(label));
            record.set_number(&names.count, count as f64);
            record.set_number(&names.first, first as f64);
            record.set_number(&names.salience, salience);
            if let Some(url) = url {
                record.set_value(&names.url, &JsValue::from_str(url));
            }
            array.push(&record);
        }
        array
    }
}

/// Whether `text` holds U+FFFD, which may stand for a lone surrogate of the text JavaScript gave
/// (`contains` alone runs a substring search for a character beyond ASCII, slow on short texts).
fn holds_replacement(text: &str) -> bool {
    !text.is_ascii() && text.contains(char::REPLACEMENT_CHARACTER)
}

/// The `element` argument of a rendering function, with the document its nodes are made in.
struct Target {
    element: Element,
    document: Document,
}

impl Target {
    /// The argument `element` of `function`, or a `TypeError` unless it is a DOM element.
    fn argument(function: &str, value: JsValue) -> Result<Target, JsValue> {
        // By `nodeType`, not `instanceof Element`: an element of another window (an iframe's) is one too.
        let is_element = value.is_object()
            && Reflect::get(&value, &"nodeType".into())?.as_f64() == Some(f64::from(Node::ELEMENT_NODE));
        match is_element.then(|| value.unchecked_ref::<Element>().owner_document()).flatten() {
            Some(document) => Ok(Target { element: value.unchecked_into(), document }),
            None => Err(wrong_type(function, "`element` must be a DOM Element", &value)),
        }
    }
}

/// The fields a custom entity may have.
const CUSTOM_ENTITY_FIELDS: [&str; 4] = ["name", "label", "aliases", "url"];

/// The `custom_entities` argument of `new Analyzer`, read field by field (not by serde) so that
/// each misuse gets a `TypeError` naming the entity and the field.
fn custom_entities_argument(list: &JsValue) -> Result<Vec<CustomEntity>, JsValue> {
    if !Array::is_array(list) {
        let expected = "`custom_entities` must be an array of {name, label, aliases, url} objects";
        return Err(wrong_type(CONSTRUCTOR, expected, list));
    }
    list.unchecked_ref::<Array>()
        .iter()
        .enumerate()
        .map(|(index, entity)| custom_entity(index, &entity))
        .collect()
}

/// Custom entity number `index` (from 0), an object `{name, label, aliases, url}`; `aliases` and
/// `url` may be missing, `undefined` or `null`.
fn custom_entity(index: usize, value: &JsValue) -> Result<CustomEntity, JsValue> {
    let context = || format!("{CONSTRUCTOR}: custom entity {index}");
    if !value.is_object() || Array::is_array(value) {
        return Err(wrong_type(&context(), "must be an object {name, label, aliases, url}", value));
    }
    for field in Object::keys(value.unchecked_ref::<Object>()).iter().filter_map(|key| key.as_string()) {
        if !CUSTOM_ENTITY_FIELDS.contains(&field.as_str()) {
            let message = format!(
                "{}: unknown field `{field}` (expected `name`, `label`, `aliases` or `url`)",
                context()
            );
            return Err(type_error(&message));
        }
    }
    let field = |name: &str| Reflect::get(value, &JsValue::from_str(name));
    let name = field("name")?;
    let name = name.as_string().ok_or_else(|| wrong_type(&context(), "`name` must be a string", &name))?;
    let label = field("label")?;
    let label = label
        .as_string()
        .and_then(|name| Label::ALL.into_iter().find(|l| l.as_str() == name))
        .ok_or_else(|| {
            let names: Vec<&str> = Label::ALL.iter().map(|l| l.as_str()).collect();
            wrong_type(&context(), &format!("`label` must be one of {}", names.join(", ")), &label)
        })?;
    let aliases = field("aliases")?;
    let aliases = if aliases.is_null_or_undefined() {
        Vec::new()
    } else if Array::is_array(&aliases) {
        let aliases: Array = aliases.unchecked_into();
        aliases
            .iter()
            .enumerate()
            .map(|(i, alias)| {
                alias.as_string().ok_or_else(|| {
                    wrong_type(&context(), &format!("`aliases[{i}]` must be a string"), &alias)
                })
            })
            .collect::<Result<_, _>>()?
    } else {
        return Err(wrong_type(&context(), "`aliases` must be an array of strings", &aliases));
    };
    let url = field("url")?;
    let url = if url.is_null_or_undefined() {
        None
    } else {
        Some(url.as_string().ok_or_else(|| wrong_type(&context(), "`url` must be a string", &url))?)
    };
    Ok(CustomEntity { name, label, aliases, url })
}

/// A JavaScript `TypeError` with `message`, which names the function and argument misused.
fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// A `TypeError` "`{context}: {expected}, got {value described}`", such as "analyze: `text` must be
/// a string, got number".
fn wrong_type(context: &str, expected: &str, value: &JsValue) -> JsValue {
    type_error(&format!("{context}: {expected}, got {}", describe(value)))
}

/// What `value` is, for an error message: a string quoted (its first 40 characters), else its
/// `typeof`, with `null` and arrays told apart from objects.
fn describe(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        let shown: String = text.chars().take(40).collect();
        let ellipsis = if shown.len() < text.len() { "…" } else { "" };
        format!("{shown:?}{ellipsis}")
    } else if value.is_null() {
        "null".into()
    } else if Array::is_array(value) {
        "array".into()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}

/// Serializes as plain JSON-like values: objects (not `Map`s, which `#[serde(flatten)]` would give).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// The `analysis` argument of `renderAnalysis`, or a `TypeError` unless it has the shape of an
/// `Analysis` (as `analyze` returns it), fits a text of `len` UTF-16 units and gives each mention
/// one of its groups.
fn analysis_argument(value: JsValue, len: usize) -> Result<Analysis, JsValue> {
    const FUNCTION: &str = "renderAnalysis";
    if !value.is_object() {
        return Err(wrong_type(
            FUNCTION,
            "`analysis` must be an Analysis {sentences, entities, groups}",
            &value,
        ));
    }
    // serde-wasm-bindgen reports a string or number where an array belongs as a failed `Reflect.get`.
    for field in ["sentences", "entities", "groups"] {
        let array = Reflect::get(&value, &field.into())?;
        if !Array::is_array(&array) {
            return Err(wrong_type(FUNCTION, &format!("`analysis.{field}` must be an array"), &array));
        }
    }
    let analysis: Analysis = serde_wasm_bindgen::from_value(value).map_err(|error| {
        // serde-wasm-bindgen's errors are JavaScript `Error`s, which print as "Error: <message>".
        let error = error.to_string();
        let message = error.strip_prefix("Error: ").unwrap_or(&error);
        type_error(&format!("{FUNCTION}: `analysis`: {message}"))
    })?;
    check_spans(analysis.sentences.iter(), len, "sentences")?;
    check_spans(analysis.entities.iter().map(|e| &e.span), len, "entities")?;
    let groups = analysis.groups.len();
    if let Some((index, entity)) = analysis.entities.iter().enumerate().find(|(_, e)| e.group >= groups) {
        return Err(type_error(&format!(
            "{FUNCTION}: `analysis.entities[{index}].group` ({}) is not an index of `analysis.groups` \
             ({groups} groups)",
            entity.group
        )));
    }
    Ok(analysis)
}

/// Checks that `spans` (the field `field` of `renderAnalysis`'s `analysis`) are non-empty, in
/// order, non-overlapping and inside `0..len`.
fn check_spans<'a>(spans: impl Iterator<Item = &'a Span>, len: usize, field: &str) -> Result<(), JsValue> {
    let mut previous_end = 0;
    for (index, span) in spans.enumerate() {
        if span.start < previous_end || span.end <= span.start || span.end > len {
            return Err(type_error(&format!(
                "renderAnalysis: `analysis.{field}[{index}]` ({}..{}) is out of order, empty or beyond \
                 `text` ({len} UTF-16 units)",
                span.start, span.end
            )));
        }
        previous_end = span.end;
    }
    Ok(())
}

/// Renders `text` with `analysis` (UTF-16 offsets) into the target element, replacing its children,
/// with the nodes that [`render::plan`] lists: each piece of text in its mark, if any, in its
/// sentence element, if any.
fn render_into(target: &Target, text: &JsText, analysis: &Analysis) -> Result<(), JsValue> {
    let units: Vec<u16> = text.rust.encode_utf16().collect();
    let document = &target.document;
    let fragment = document.create_document_fragment();
    let mut parent: Node = fragment.clone().into();
    let mut open_sentence = None;
    for Piece { span, sentence, mark } in render::plan(analysis, units.len()) {
        if sentence != open_sentence {
            parent = match sentence {
                Some(index) => {
                    let element = document.create_element("span")?;
                    element.set_class_name("sentence");
                    element.set_attribute("data-sentence", &(index + 1).to_string())?;
                    fragment.append_child(&element)?
                }
                None => fragment.clone().into(),
            };
            open_sentence = sentence;
        }
        let node = text.node(document, &units, span)?;
        match mark {
            Some(mark) => {
                let element = document.create_element("mark")?;
                element.set_class_name("entity");
                element.set_attribute("data-label", mark.label.as_str())?;
                element.set_attribute("data-group", &mark.group.to_string())?;
                if let Some(part) = mark.part.attribute() {
                    element.set_attribute("data-part", part)?;
                }
                element.append_child(&node)?;
                parent.append_child(&element)?
            }
            None => parent.append_child(&node)?,
        };
    }
    target.element.set_text_content(None);
    target.element.append_child(&fragment)?;
    Ok(())
}
