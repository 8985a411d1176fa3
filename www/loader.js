// The one way the page, its worker and the <article-analyzer> element load the analyzer, and the
// compact form in which the page's worker hands the page an analysis (`packAnalysis`), with the
// reader's corrections applied (`correctedAnalyzer`).
// `cargo xtask dist` appends this file to wasm-bindgen's glue (the classic script that defines
// `wasm_bindgen`) to make analyzer.js, the script that the site and its worker load, that the
// single file inlines and that the element's script wraps.

/**
 * Compiles the analyzer's wasm (unless it comes compiled) and instantiates the glue with it, so that
 * `wasm_bindgen.analyze` and the rest can be called. `source` is one of `{ module }`, compiled
 * already (by the page, for its worker), `{ base64 }`, the wasm inlined as base64 text (the single
 * file, the element), or `{ url }`, where to fetch it (the site). Resolves to the compiled module,
 * which a worker can be sent to load without compiling again; `compiled` is called with it as soon
 * as it is compiled, before it is instantiated here (after the promise it returns, if it returns one).
 */
async function loadAnalyzer({ module, base64, url }, compiled = () => {}) {
  module ??= await (base64 === undefined ? compileFetched(url) : WebAssembly.compile(decodeBase64(base64)));
  await compiled(module);
  await wasm_bindgen({ module_or_path: module });
  return module;

  function decodeBase64(text) {
    const binary = atob(text); // ignores the whitespace around inlined text
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  async function compileFetched(wasmUrl) {
    const response = await fetch(wasmUrl);
    if (!response.ok) throw new Error(`${wasmUrl}: HTTP ${response.status}`);
    try {
      return await WebAssembly.compileStreaming(response.clone());
    } catch {
      // Served without the application/wasm type: compile from the bytes instead.
      return WebAssembly.compile(await response.arrayBuffer());
    }
  }
}

/** In a packed quotation: no speaker (its start), a speaker that names no distinct entity (its group), or no cue. */
const NO_SPEAKER = 0xFFFFFFFF;
/** The numbers of a packed quotation. */
const QUOTE_FIELDS = 7;

/**
 * The page's form of `analysis` (of `text`), cheap to send from its worker and to read: the
 * sentences as `[start, end, ...]`, the mentions as `[start, end, label, group, ...]` (label an
 * index of `labels`) and the quotations as `[start, end, speakerStart, speakerEnd, speakerGroup,
 * cueStart, cueEnd, ...]` (NO_SPEAKER for a quotation without speaker, a speaker without group and a
 * quotation without cue; the speaker's text is the text's slice) in typed arrays that are transferred, not copied, `confidence` per
 * mention when the analysis gives one, the distinct entities as they are, and whether the text
 * reads as English (`language`, see `languageOf`). Even 10 MB of text arrives in one short task.
 */
function packAnalysis(text, analysis) {
  const labels = wasm_bindgen.labels();
  const sentences = new Uint32Array(analysis.sentences.length * 2);
  analysis.sentences.forEach(({ start, end }, i) => {
    sentences[2 * i] = start;
    sentences[2 * i + 1] = end;
  });
  const entities = new Uint32Array(analysis.entities.length * 4);
  const hasConfidence = typeof analysis.entities[0]?.confidence === 'number';
  const confidence = hasConfidence ? new Float64Array(analysis.entities.length) : null;
  // Written a number at a time: an array per mention made 50,000 words' packing several times slower.
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  analysis.entities.forEach((entity, i) => {
    entities[4 * i] = entity.start;
    entities[4 * i + 1] = entity.end;
    entities[4 * i + 2] = labelIndex.get(entity.label);
    entities[4 * i + 3] = entity.group;
    if (confidence) confidence[i] = entity.confidence;
  });
  const quoted = analysis.quotes ?? []; // an analyzer from before quotations has none
  const quotes = new Uint32Array(quoted.length * QUOTE_FIELDS);
  quoted.forEach(({ start, end, speaker, cue }, i) => {
    quotes.set([start, end, speaker?.start ?? NO_SPEAKER, speaker?.end ?? NO_SPEAKER, speaker?.group ?? NO_SPEAKER,
      cue?.start ?? NO_SPEAKER, cue?.end ?? NO_SPEAKER], QUOTE_FIELDS * i);
  });
  return {
    length: text.length, labels, sentences, entities, confidence, groups: analysis.groups,
    language: languageOf(text), quotes,
  };
}

/** The buffers of a packed analysis, to transfer with it. */
function packedBuffers(packed) {
  return [packed.sentences.buffer, packed.entities.buffer, packed.confidence?.buffer, packed.quotes.buffer].filter(Boolean);
}

/** The English words that make up about a third of any English news text. */
const COMMON_ENGLISH = new Set(('the of and to a in is that for on with as was by at it from he said be has '
  + 'have are his an will were their its but not this had after which who they been would or she her we more '
  + 'than about i you').split(' '));

/**
 * Whether `text` (its first 20,000 characters, about 3,000 words: enough to tell, and a few
 * milliseconds less at each keystroke in a long article than 100,000) reads as English, for the entity
 * tagger: 'non-latin' when most of its letters are of another script, 'unknown-words' when among 30
 * words or more fewer than one in eight are common English words (English news: about one in
 * three), else 'english'.
 */
function languageOf(text) {
  const sample = text.slice(0, 20000);
  const letters = sample.replace(/\P{L}+/gu, '').length;
  if (letters >= 20 && sample.replace(/\P{Script=Latin}+/gu, '').length < letters / 2) return 'non-latin';
  const words = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 30) return 'english';
  const common = words.filter((word) => COMMON_ENGLISH.has(word)).length;
  return common * 8 < words.length ? 'unknown-words' : 'english';
}

/**
 * An analysis of text with a reader's corrections: each `{name, label, aliases}` is a custom entity
 * (as the CLI's --entities: every mention of the name or an alias gets the label and groups under the
 * name), and each `{name, label: null}` ("not a name") drops the mentions of the distinct entity
 * called `name` (a quotation's speaker so called keeps its place, with no group). Returns `text => analysis`.
 */
function correctedAnalyzer(corrections) {
  const custom = corrections.filter(({ label }) => label !== null)
    .map(({ name, label, aliases = [] }) => ({ name, label, aliases }));
  const analyzer = custom.length > 0 ? new wasm_bindgen.Analyzer(custom) : wasm_bindgen;
  const notNames = new Set(corrections.filter(({ label }) => label === null).map(({ name }) => name));
  return (text) => {
    const analysis = analyzer.analyze(text);
    if (notNames.size === 0) return analysis;
    const groups = [];
    const renumbered = analysis.groups.map((group) => {
      if (notNames.has(group.text)) return -1;
      groups.push(group);
      return groups.length - 1;
    });
    const entities = analysis.entities.filter(({ group }) => renumbered[group] >= 0)
      .map((entity) => ({ ...entity, group: renumbered[entity.group] }));
    // A speaker stays a speaker when its name is "not a name", without a group.
    const regroup = ({ group, ...speaker }) => ({ ...speaker, group: renumbered[group] >= 0 ? renumbered[group] : null });
    const quotes = analysis.quotes?.map((quote) => (quote.speaker ? { ...quote, speaker: regroup(quote.speaker) } : quote));
    return { ...analysis, entities, groups, ...(quotes && { quotes }) };
  };
}
