//! The Python package `article_analyzer`: thin PyO3 bindings over the core crate, built into an abi3
//! wheel by maturin (`cargo xtask wheel`). The core and its wasm build know nothing of Python.
//!
//! Every analysis is the CLI's JSON as Python values: a dict `{"sentences", "entities", "groups", "quotes"}`
//! with keys in the CLI's order and offsets in UTF-16 code units, so `json.dumps(analysis,
//! ensure_ascii=False, separators=(",", ":"))` is the CLI's line byte for byte. Python indexes a
//! `str` by code point; [`to_code_points`] converts an analysis to that.
//!
//! A `str` that holds a surrogate code point (which no UTF-8 text can) is analysed as a lone
//! surrogate is in the wasm build: each reads as U+FFFD, one code point and one UTF-16 unit for one,
//! so offsets into the text Rust sees are offsets into the `str` Python gave, and each entity's
//! `text` (and a quote's speaker's, when it is a name) is sliced from the `str` Python gave.
//!
//! Arguments are checked here: a wrong type raises `TypeError` naming the function and argument; a
//! custom entity that the CLI's `--entities` would refuse raises `ValueError` (or `TypeError` for a
//! value of the wrong type) with the CLI's message, prefixed by the entity's index.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use analyzer::{Analysis, Analyzer as CoreAnalyzer, CustomEntity, Label};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PySequence, PySlice, PyString, PyTuple};
use serde::Deserialize;

/// The analyzer of the module's free functions, built on first use.
fn default_analyzer() -> &'static CoreAnalyzer {
    static DEFAULT: OnceLock<CoreAnalyzer> = OnceLock::new();
    DEFAULT.get_or_init(CoreAnalyzer::new)
}

/// Splits English news into sentences and tags its entities; the CLI's JSON as Python values.
#[pymodule(name = "article_analyzer")]
fn article_analyzer(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(analyze, module)?)?;
    module.add_function(wrap_pyfunction!(analyze_many, module)?)?;
    module.add_function(wrap_pyfunction!(to_code_points, module)?)?;
    module.add_class::<Analyzer>()?;
    module.add("LABELS", PyTuple::new(module.py(), Label::ALL.map(Label::as_str))?)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

/// Analyses `text` with the embedded model: the CLI's JSON as a dict, offsets in UTF-16 code units.
#[pyfunction]
fn analyze<'py>(text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let text = Text::argument("analyze", "`text`", text)?;
    let result = text.py.py().detach(|| analyze_one(default_analyzer(), &text.rust, text.lossy));
    to_python(&text, &result)
}

/// Analyses each of `texts` on `threads` threads (all cores when None), without the GIL: a list of
/// analyses in the order of `texts`.
#[pyfunction]
#[pyo3(signature = (texts, threads = None))]
fn analyze_many<'py>(
    texts: &Bound<'py, PyAny>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    analyze_all("analyze_many", default_analyzer(), texts, threads)
}

/// An analyzer to keep and reuse, optionally with a newsroom's own entities.
#[pyclass(frozen, module = "article_analyzer", name = "Analyzer")]
struct Analyzer {
    inner: CoreAnalyzer,
    /// The custom entities as given (validated), for `custom_entities` and pickling.
    custom: Vec<CustomEntity>,
}

#[pymethods]
impl Analyzer {
    /// Creates an analyzer with the embedded model and, when given, custom entities: a list of
    /// `{"name": str, "label": str, "aliases": [str, ...], "url": str}` dicts, as the CLI's
    /// `--entities` JSON.
    #[new]
    #[pyo3(signature = (custom_entities = None))]
    fn new(custom_entities: Option<&Bound<'_, PyAny>>) -> PyResult<Analyzer> {
        let custom = match custom_entities {
            Some(list) => custom_entities_argument(list)?,
            None => Vec::new(),
        };
        let inner = CoreAnalyzer::with_custom_entities(custom.clone())
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok(Analyzer { inner, custom })
    }

    /// Analyses `text`: the CLI's JSON as a dict, offsets in UTF-16 code units.
    fn analyze<'py>(&self, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let text = Text::argument("Analyzer.analyze", "`text`", text)?;
        let result = text.py.py().detach(|| analyze_one(&self.inner, &text.rust, text.lossy));
        to_python(&text, &result)
    }

    /// Analyses each of `texts` on `threads` threads (all cores when None), without the GIL.
    #[pyo3(signature = (texts, threads = None))]
    fn analyze_many<'py>(
        &self,
        texts: &Bound<'py, PyAny>,
        threads: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        analyze_all("Analyzer.analyze_many", &self.inner, texts, threads)
    }

    /// The custom entities, as dicts with `name`, `label`, `aliases`, and `url` when given.
    #[getter]
    fn custom_entities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let entities = self.custom.iter().map(|entity| custom_entity_to_python(py, entity));
        PyList::new(py, entities.collect::<PyResult<Vec<_>>>()?)
    }

    /// Pickles as its custom entities, so that an engine can ship an analyzer to its workers.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let class = py.get_type::<Analyzer>();
        let arguments = PyTuple::new(py, [slf.get().custom_entities(py)?])?;
        PyTuple::new(py, [class.into_any(), arguments.into_any()])
    }

    fn __repr__(&self) -> String {
        format!("Analyzer(<{} custom entities>)", self.custom.len())
    }
}

/// `analysis` (the dict `analyze` returned for `text`, or the CLI's JSON of it, parsed) with every
/// offset in code points of `text`, as Python indexes a `str`: `text[e["start"]:e["end"]]`. Other
/// keys (an `id` of `--jsonl`, say) are kept; the dicts are new, `analysis` is not changed.
#[pyfunction]
fn to_code_points<'py>(
    analysis: &Bound<'py, PyAny>,
    text: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    const FUNCTION: &str = "to_code_points";
    let text = Text::argument(FUNCTION, "`text`", text)?;
    let analysis = analysis.cast::<PyDict>().map_err(|_| {
        wrong_type(FUNCTION, "`analysis` must be a dict {sentences, entities, groups}", analysis)
    })?;
    let index = CodePoints::new(&text.rust);
    let converted = analysis.copy()?;
    for (field, keys) in
        [("sentences", &["start", "end"][..]), ("entities", &["start", "end"]), ("groups", &["first"])]
    {
        let items = analysis.get_item(field)?.ok_or_else(|| {
            PyValueError::new_err(format!(
                "{FUNCTION}: `analysis` has no {field:?}; an analysis has sentences, entities and groups"
            ))
        })?;
        let items = items
            .cast::<PyList>()
            .map_err(|_| wrong_type(FUNCTION, &format!("`analysis[{field:?}]` must be a list"), &items))?;
        let mut out = Vec::with_capacity(items.len());
        for (at, item) in items.iter().enumerate() {
            out.push(code_point_offsets(&index, &item, keys, &format!("`analysis[{field:?}][{at}]`"))?);
        }
        converted.set_item(field, PyList::new(analysis.py(), out)?)?;
    }
    // Quotes, with their speaker and cue when not None; an analysis of an older CLI has none.
    if let Some(quotes) = analysis.get_item("quotes")? {
        let quotes = quotes
            .cast::<PyList>()
            .map_err(|_| wrong_type(FUNCTION, "`analysis[\"quotes\"]` must be a list", &quotes))?;
        let mut out = Vec::with_capacity(quotes.len());
        for (at, quote) in quotes.iter().enumerate() {
            let where_ = format!("`analysis[\"quotes\"][{at}]`");
            let quote = code_point_offsets(&index, &quote, &["start", "end"], &where_)?;
            for part in ["speaker", "cue"] {
                if let Some(item) = quote.get_item(part)?.filter(|item| !item.is_none()) {
                    let item =
                        code_point_offsets(&index, &item, &["start", "end"], &format!("{where_}[{part:?}]"))?;
                    quote.set_item(part, item)?;
                }
            }
            out.push(quote);
        }
        converted.set_item("quotes", PyList::new(analysis.py(), out)?)?;
    }
    Ok(converted)
}

/// A copy of the dict `item` (at `where_` in an analysis, for errors) with its `keys` converted from
/// UTF-16 offsets to code points by `index`.
fn code_point_offsets<'py>(
    index: &CodePoints,
    item: &Bound<'py, PyAny>,
    keys: &[&str],
    where_: &str,
) -> PyResult<Bound<'py, PyDict>> {
    const FUNCTION: &str = "to_code_points";
    let item =
        item.cast::<PyDict>().map_err(|_| wrong_type(FUNCTION, &format!("{where_} must be a dict"), item))?;
    let item = item.copy()?;
    for &key in keys {
        let offset = item
            .get_item(key)?
            .ok_or_else(|| PyValueError::new_err(format!("{FUNCTION}: {where_} has no {key:?}")))?;
        let offset: usize = offset.extract().map_err(|_| {
            wrong_type(FUNCTION, &format!("{where_}[{key:?}] must be an int of at least 0"), &offset)
        })?;
        let converted = index.of(offset).ok_or_else(|| {
            PyValueError::new_err(format!(
                "{FUNCTION}: {where_}[{key:?}] ({offset}) is not a UTF-16 offset of `text` ({} units): \
                 is it the text that was analysed?",
                index.units
            ))
        })?;
        item.set_item(key, converted)?;
    }
    Ok(item)
}

/// Converts UTF-16 offsets of a text to code point offsets: they differ by one for each character
/// outside the Basic Multilingual Plane (two UTF-16 units, one code point) before the offset.
struct CodePoints {
    /// The UTF-16 offset of each such character.
    astral: Vec<usize>,
    /// The text's length in UTF-16 units.
    units: usize,
}

impl CodePoints {
    fn new(text: &str) -> CodePoints {
        let mut astral = Vec::new();
        let mut units = 0;
        for c in text.chars() {
            if c.len_utf16() == 2 {
                astral.push(units);
            }
            units += c.len_utf16();
        }
        CodePoints { astral, units }
    }

    /// The code point offset of UTF-16 offset `offset`, unless it is past the end or inside a
    /// character.
    fn of(&self, offset: usize) -> Option<usize> {
        if offset > self.units {
            return None;
        }
        let before = self.astral.partition_point(|&at| at < offset);
        if before > 0 && self.astral[before - 1] + 1 == offset {
            return None;
        }
        Some(offset - before)
    }
}

/// A text argument: the `str` Python passed and the same text as Rust holds it.
struct Text<'py> {
    py: Bound<'py, PyString>,
    rust: String,
    /// Whether `py` holds a lone surrogate, read as U+FFFD in `rust`.
    lossy: bool,
}

impl<'py> Text<'py> {
    /// The argument `name` of `function`, or a `TypeError` unless it is a `str`.
    fn argument(function: &str, name: &str, value: &Bound<'py, PyAny>) -> PyResult<Text<'py>> {
        let string = value
            .cast::<PyString>()
            .map_err(|_| wrong_type(function, &format!("{name} must be a str"), value))?;
        let (rust, lossy) = match string.to_cow() {
            Ok(text) => (text.into_owned(), false),
            // Only a surrogate code point (which Python keeps alone even beside its other half)
            // makes a str unencodable as UTF-8; see `replace_surrogates`.
            Err(_) => {
                let encoded =
                    string.call_method1(intern!(value.py(), "encode"), ("utf-8", "surrogatepass"))?;
                (replace_surrogates(encoded.cast::<PyBytes>()?.as_bytes()), true)
            }
        };
        Ok(Text { py: string.clone(), rust, lossy })
    }
}

/// `bytes`, UTF-8 except that surrogate code points are encoded like other characters (Python's
/// "surrogatepass"), as a string with U+FFFD for each surrogate: one code point and one UTF-16 unit
/// for one, as a `str` and UTF-16 count them, so that offsets agree. (Two surrogates that would
/// pair in UTF-16 stay two code points in a `str`, so each gets its own U+FFFD.)
fn replace_surrogates(bytes: &[u8]) -> String {
    let mut text = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        // A surrogate, U+D800 to U+DFFF, is 0xED then 0xA0..=0xBF then a continuation byte.
        if bytes[at] == 0xED && bytes.get(at + 1).is_some_and(|b| (0xA0..=0xBF).contains(b)) {
            text.extend_from_slice("\u{fffd}".as_bytes());
            at += 3;
        } else {
            text.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(text).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// A `TypeError` for `function`: `what`, and the type of `value` it got.
fn wrong_type(function: &str, what: &str, value: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!("{function}: {what}, got {}", type_name(value)))
}

/// One text's analysis, ready to become Python values.
struct Result {
    /// Offsets in UTF-16 code units.
    analysis: Analysis,
    /// For a text with a lone surrogate: each entity whose text holds U+FFFD, by index, with its
    /// span in code points, to slice from the `str` Python gave.
    restore: Vec<(usize, usize, usize)>,
}

/// Analyses `text`; `lossy` says that it stands for a `str` with lone surrogates.
fn analyze_one(analyzer: &CoreAnalyzer, text: &str, lossy: bool) -> Result {
    let analysis = analyzer.analyze(text);
    let mut restore = Vec::new();
    if lossy {
        // Entities are in order: one pass counts the code points before each.
        let (mut byte, mut code_points) = (0, 0);
        for (at, entity) in analysis.entities.iter().enumerate() {
            code_points += text[byte..entity.span.start].chars().count();
            let length = entity.text.chars().count();
            if entity.text.contains(char::REPLACEMENT_CHARACTER) {
                restore.push((at, code_points, code_points + length));
            }
            code_points += length;
            byte = entity.span.end;
        }
    }
    Result { analysis: analysis.into_utf16(text), restore }
}

/// `analysis` as the CLI's JSON in Python values: dicts with the CLI's keys in its order.
fn to_python<'py>(text: &Text<'py>, result: &Result) -> PyResult<Bound<'py, PyDict>> {
    let py = text.py.py();
    let Analysis { sentences, entities, groups, quotes } = &result.analysis;
    let (start, end) = (intern!(py, "start"), intern!(py, "end"));
    let labels = Label::ALL.map(|label| PyString::intern(py, label.as_str()));
    let label = |l: Label| labels[Label::ALL.iter().position(|&x| x == l).unwrap_or(0)].clone();
    let sentences = sentences.iter().map(|span| {
        let dict = PyDict::new(py);
        dict.set_item(start, span.start)?;
        dict.set_item(end, span.end)?;
        Ok(dict)
    });
    let sentences = PyList::new(py, sentences.collect::<PyResult<Vec<_>>>()?)?;
    let mut restore = result.restore.iter().peekable();
    let mut entity_dicts = Vec::with_capacity(entities.len());
    // Each entity's start and text as given to Python, for the quotes' speakers.
    let mut entity_texts = Vec::with_capacity(entities.len());
    for (at, entity) in entities.iter().enumerate() {
        let entity_text = match restore.next_if(|(index, _, _)| *index == at) {
            Some(&(_, from, to)) => text.py.get_item(PySlice::new(py, from as isize, to as isize, 1))?,
            None => PyString::new(py, &entity.text).into_any(),
        };
        let dict = PyDict::new(py);
        dict.set_item(start, entity.span.start)?;
        dict.set_item(end, entity.span.end)?;
        dict.set_item(intern!(py, "label"), label(entity.label))?;
        dict.set_item(intern!(py, "text"), &entity_text)?;
        dict.set_item(intern!(py, "group"), entity.group)?;
        dict.set_item(intern!(py, "confidence"), entity.confidence)?;
        entity_dicts.push(dict);
        entity_texts.push((entity.span.start, entity_text));
    }
    let groups = groups.iter().map(|group| {
        let dict = PyDict::new(py);
        dict.set_item(intern!(py, "text"), &group.text)?;
        dict.set_item(intern!(py, "label"), label(group.label))?;
        dict.set_item(intern!(py, "count"), group.count)?;
        dict.set_item(intern!(py, "first"), group.first)?;
        dict.set_item(intern!(py, "salience"), group.salience)?;
        if let Some(url) = &group.url {
            dict.set_item(intern!(py, "url"), url)?;
        }
        Ok(dict)
    });
    let groups = PyList::new(py, groups.collect::<PyResult<Vec<_>>>()?)?;
    let span = |from: usize, to: usize| -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item(start, from)?;
        dict.set_item(end, to)?;
        Ok(dict)
    };
    let quotes = quotes.iter().map(|quote| {
        let dict = span(quote.start, quote.end)?;
        let speaker = match &quote.speaker {
            Some(speaker) => {
                // A named speaker is an entity mention: its text as the entity's (lone surrogates
                // restored); a pronoun is plain text.
                let found = entity_texts.binary_search_by_key(&speaker.start, |(at, _)| *at);
                let speaker_text = match found {
                    Ok(index) => entity_texts[index].1.clone(),
                    Err(_) => PyString::new(py, &speaker.text).into_any(),
                };
                let item = span(speaker.start, speaker.end)?;
                item.set_item(intern!(py, "text"), speaker_text)?;
                item.set_item(intern!(py, "group"), speaker.group)?;
                item.into_any()
            }
            None => py.None().into_bound(py),
        };
        dict.set_item(intern!(py, "speaker"), speaker)?;
        let cue = match quote.cue {
            Some(cue) => span(cue.start, cue.end)?.into_any(),
            None => py.None().into_bound(py),
        };
        dict.set_item(intern!(py, "cue"), cue)?;
        Ok(dict)
    });
    let quotes = PyList::new(py, quotes.collect::<PyResult<Vec<_>>>()?)?;
    let dict = PyDict::new(py);
    dict.set_item(intern!(py, "sentences"), sentences)?;
    dict.set_item(intern!(py, "entities"), PyList::new(py, entity_dicts)?)?;
    dict.set_item(intern!(py, "groups"), groups)?;
    dict.set_item(intern!(py, "quotes"), quotes)?;
    Ok(dict)
}

/// `analyze_many` of the module or of an analyzer (`function` names it in errors).
fn analyze_all<'py>(
    function: &str,
    analyzer: &CoreAnalyzer,
    texts: &Bound<'py, PyAny>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let py = texts.py();
    let threads = threads_argument(function, threads)?;
    if texts.is_instance_of::<PyString>() {
        return Err(wrong_type(function, "`texts` must be an iterable of str, not a str", texts));
    }
    let items =
        texts.try_iter().map_err(|_| wrong_type(function, "`texts` must be an iterable of str", texts))?;
    let mut inputs = Vec::new();
    for (at, item) in items.enumerate() {
        inputs.push(Text::argument(function, &format!("`texts[{at}]`"), &item?)?);
    }
    let rust: Vec<(&str, bool)> = inputs.iter().map(|text| (text.rust.as_str(), text.lossy)).collect();
    let results = py.detach(|| analyze_parallel(analyzer, &rust, threads));
    let dicts = inputs.iter().zip(&results).map(|(text, result)| to_python(text, result));
    PyList::new(py, dicts.collect::<PyResult<Vec<_>>>()?)
}

/// The `threads` argument: a positive int, or None for every core.
fn threads_argument(function: &str, threads: Option<&Bound<'_, PyAny>>) -> PyResult<usize> {
    let Some(threads) = threads.filter(|value| !value.is_none()) else {
        return Ok(std::thread::available_parallelism().map_or(1, NonZeroUsize::get));
    };
    if threads.is_instance_of::<PyBool>() || !threads.is_instance_of::<PyInt>() {
        return Err(wrong_type(function, "`threads` must be an int or None", threads));
    }
    match threads.extract::<usize>() {
        Ok(count) if count >= 1 => Ok(count),
        _ => Err(PyValueError::new_err(format!("{function}: `threads` must be at least 1, got {threads}"))),
    }
}

/// Analyses `texts` on up to `threads` scoped threads, each taking the next text not yet taken, so
/// that a long text does not hold up a chunk of short ones. Results are in the order of `texts`.
fn analyze_parallel(analyzer: &CoreAnalyzer, texts: &[(&str, bool)], threads: usize) -> Vec<Result> {
    let threads = threads.min(texts.len());
    if threads <= 1 {
        return texts.iter().map(|&(text, lossy)| analyze_one(analyzer, text, lossy)).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(text, lossy)) = texts.get(at) else { break done };
            done.push((at, analyze_one(analyzer, text, lossy)));
        }
    };
    let mut slots: Vec<Option<Result>> = texts.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        for worker in workers {
            // A panic in the core is a bug; it reaches Python as pyo3's PanicException, not a crash.
            let done = worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (at, result) in done {
                slots[at] = Some(result);
            }
        }
    });
    slots.into_iter().map(|slot| slot.expect("every text is taken by one worker")).collect()
}

/// The `custom_entities` argument of `Analyzer`: read exactly as the CLI reads `--entities` JSON.
fn custom_entities_argument(value: &Bound<'_, PyAny>) -> PyResult<Vec<CustomEntity>> {
    const FUNCTION: &str = "Analyzer";
    if value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyBytes>()
        || value.cast::<PySequence>().is_err()
    {
        return Err(wrong_type(
            FUNCTION,
            "`custom_entities` must be a list of {name, label, aliases, url} dicts",
            value,
        ));
    }
    let mut entities = Vec::new();
    for (at, item) in value.try_iter()?.enumerate() {
        let item = item?;
        let json = to_json(&item)
            .map_err(|message| PyTypeError::new_err(format!("custom entity {at}: {message}")))?;
        let entity = <CustomEntity as Deserialize>::deserialize(json).map_err(|error| {
            let message = format!("custom entity {at}: {error}");
            if error.to_string().starts_with("invalid type") {
                PyTypeError::new_err(message)
            } else {
                PyValueError::new_err(message)
            }
        })?;
        entities.push(entity);
    }
    Ok(entities)
}

/// `value` as the JSON value it stands for (dicts with str keys, lists and tuples, str, int, float,
/// bool, None), for serde to read as it reads the CLI's JSON. A lone surrogate in a str reads as
/// U+FFFD, as in an analysed text.
fn to_json(value: &Bound<'_, PyAny>) -> std::result::Result<serde_json::Value, String> {
    use serde_json::Value;
    if value.is_none() {
        Ok(Value::Null)
    } else if let Ok(flag) = value.cast::<PyBool>() {
        Ok(Value::Bool(flag.is_true()))
    } else if value.is_instance_of::<PyInt>() {
        value
            .extract::<i64>()
            .map(Value::from)
            .or_else(|_| value.extract::<u64>().map(Value::from))
            .map_err(|_| format!("the int {value} is too large"))
    } else if let Ok(number) = value.cast::<PyFloat>() {
        serde_json::Number::from_f64(number.value())
            .map(Value::Number)
            .ok_or_else(|| format!("{value} is not a JSON number"))
    } else if value.is_instance_of::<PyString>() {
        Text::argument("", "", value).map(|text| Value::String(text.rust)).map_err(|e| e.to_string())
    } else if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = serde_json::Map::new();
        for (key, item) in dict.iter() {
            let key = match to_json(&key)? {
                Value::String(key) => key,
                _ => return Err(format!("a dict key must be a str, got {}", type_name(&key))),
            };
            object.insert(key, to_json(&item)?);
        }
        Ok(Value::Object(object))
    } else if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value.try_iter().map_err(|e| e.to_string())?;
        items
            .map(|item| item.map_err(|e| e.to_string()).and_then(|item| to_json(&item)))
            .collect::<std::result::Result<_, _>>()
            .map(Value::Array)
    } else {
        Err(format!("a {} is not a JSON value (dict, list, str, int, float, bool or None)", type_name(value)))
    }
}

/// The name of `value`'s type, for messages.
fn type_name(value: &Bound<'_, PyAny>) -> String {
    value.get_type().name().map_or_else(|_| "?".to_string(), |name| name.to_string())
}

/// A custom entity as the dict the CLI's JSON has for it.
fn custom_entity_to_python<'py>(py: Python<'py>, entity: &CustomEntity) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("name", &entity.name)?;
    dict.set_item("label", entity.label.as_str())?;
    dict.set_item("aliases", PyList::new(py, &entity.aliases)?)?;
    if let Some(url) = &entity.url {
        dict.set_item("url", url)?;
    }
    Ok(dict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_surrogate_becomes_one_replacement_character() {
        // "a", U+D800, U+DC00 (two code points in a Python str, not a pair), "é", U+DFFF.
        let bytes = b"a\xed\xa0\x80\xed\xb0\x80\xc3\xa9\xed\xbf\xbf";
        assert_eq!(replace_surrogates(bytes), "a\u{fffd}\u{fffd}é\u{fffd}");
        assert_eq!(replace_surrogates("plain 😀".as_bytes()), "plain 😀");
    }

    #[test]
    fn code_points_differ_from_utf16_units_after_each_astral_character() {
        let index = CodePoints::new("a😀b😀😀c");
        let offsets: Vec<Option<usize>> = (0..=10).map(|unit| index.of(unit)).collect();
        assert_eq!(
            offsets,
            [Some(0), Some(1), None, Some(2), Some(3), None, Some(4), None, Some(5), Some(6), None]
        );
        assert_eq!(CodePoints::new("plain").of(5), Some(5));
    }

    #[test]
    fn texts_analysed_in_parallel_come_back_in_order() {
        let analyzer = CoreAnalyzer::new();
        let texts = ["Angela Merkel visited Paris.", "", "Apple rose 5% on Monday.", "IBM hired Jane Doe."];
        let texts: Vec<(&str, bool)> = texts.iter().cycle().take(23).map(|&text| (text, false)).collect();
        let analyses = |threads| -> Vec<Analysis> {
            analyze_parallel(&analyzer, &texts, threads).into_iter().map(|result| result.analysis).collect()
        };
        let one = analyses(1);
        assert_eq!(one[0], analyzer.analyze(texts[0].0));
        assert_eq!(analyses(3), one);
        assert_eq!(analyses(64), one);
    }

    #[test]
    fn an_entity_over_a_lone_surrogate_is_marked_for_slicing_from_the_python_str() {
        let analyzer = CoreAnalyzer::with_custom_entities(vec![CustomEntity {
            name: "Acme\u{fffd} Corp".into(),
            label: Label::Org,
            aliases: Vec::new(),
            url: None,
        }])
        .expect("a short name");
        let text = "😀 Acme\u{fffd} Corp hired Jane Doe.";
        let result = analyze_one(&analyzer, text, true);
        assert_eq!(result.restore, [(0, 2, 12)]);
        assert_eq!(result.analysis.entities[0].span, analyzer::Span::new(3, 13));
        assert!(analyze_one(&analyzer, text, false).restore.is_empty());
    }
}
