// The page: analyses the textarea as the user types (debounced, in a Web Worker), draws the result
// with the wasm `renderAnalysis` (DOM nodes only, never HTML strings), and keeps the legend, the
// entity panel and the JSON buttons in step. A classic script, so that it also runs from file:// in
// the single-file build, where the wasm is inlined as base64 and the worker is a blob. The wasm is
// loaded by `loadAnalyzer` (www/loader.js, in analyzer.js with the glue), from the URL that
// index.html preloads; the script's data-worker and data-glue name the worker and the glue (their
// names in dist/ carry a hash of their content).
//
// The main thread never holds a long task, even for 10 MB: the output is drawn in blocks (runs of
// sentences, cut at paragraphs and at sentences picked by their content, never inside a mention),
// and only the blocks whose text or analysis changed are drawn again, in slices of a few
// milliseconds between which the page answers; blocks off screen skip layout
// (content-visibility). The highlighted text is painted first (data-highlighted), then the legend's
// counts, the panel and the quotes are built (data-drawn: all of it). Past DRAW_LIMIT characters
// the rest is not drawn, and a note says so; the analysis, the panel and the export still cover the
// whole text. A text longer than EDIT_LIMIT never goes into the textarea, whose own layout of it
// would freeze the page for seconds (Chromium lays out all of a textarea's text): the page holds
// it, the textarea shows its start, read-only, and a note says so.
'use strict';

(() => {
  const byId = (id) => document.getElementById(id);
  const input = byId('article-input');
  const output = byId('article-output');
  const status = byId('status');
  const legend = byId('legend');
  const panel = byId('entity-panel');
  const drawNote = byId('draw-note');
  const languageNote = byId('language-note');
  const clearButton = byId('clear-input');
  const heldNote = byId('held-note');
  const copyButton = byId('copy-json');
  const downloadButton = byId('download-json');
  const copyJsonLdButton = byId('copy-jsonld');
  const about = byId('about');
  const aboutList = byId('about-list');
  const quotePanel = byId('quote-panel');
  // Present in the single-file build only: the wasm as base64, analyzer.js and the worker as text.
  const inlinedWasm = byId('analyzer-wasm');
  // The site's URLs (hashed in dist/): the worker's script, the glue it loads, the wasm index.html preloads.
  const { worker: WORKER_URL, glue: GLUE_URL } = document.currentScript.dataset;
  const WASM_URL = document.querySelector('link[rel="preload"][as="fetch"]')?.getAttribute('href');

  const DEBOUNCE_MS = 150;
  /**
   * The longest text the textarea holds (about 70,000 words). Chromium lays out the whole text of a
   * textarea when it is set: about 1 s a megabyte on 2 shared cores, so a longer paste stays out of it.
   */
  const EDIT_LIMIT = 400000;
  /** What the textarea shows, read-only, of a longer text: its first characters. */
  const VIEW_LENGTH = 5000;
  /** Characters drawn at most (about 80,000 words); the rest is analysed and exported, not drawn. */
  const DRAW_LIMIT = 500000;
  /** The longest block drawn: a longer run of sentences without a place to cut ends the drawing there. */
  const MAX_BLOCK = 20000;
  /** How long one slice of drawing may run before the page answers input again. */
  const SLICE_MS = 8;
  /** Rows of the entity panel per label; the export lists every distinct entity. */
  const PANEL_ROWS = 100;
  /** Rows of the quotes panel: the first quotations of the text; the export lists them all. */
  const QUOTE_ROWS = 200;
  /** Characters of a quotation shown in its row; a longer one ends with an ellipsis. */
  const QUOTE_CHARS = 140;
  /** Where the draft is kept across a reload (sessionStorage). */
  const DRAFT_KEY = 'article-analyzer:draft';
  const NAMES = {
    PERSON: 'People', ORG: 'Organisations', LOC: 'Places', MISC: 'Other names', DATE: 'Dates',
    TIME: 'Times', MONEY: 'Money', PERCENT: 'Percentages', QUANTITY: 'Quantities',
  };

  /** Creates an element with attributes and children (strings become text nodes). */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  /** How long the output must stay as it is before its status is announced: once after typing, not per key. */
  const ANNOUNCE_MS = 1000;
  const announcement = byId('announcement');
  let announceTimer = 0;

  /** Shows `message` in the status line and has a screen reader announce it now. */
  function say(message, isError = false) {
    show(message, isError);
    announce(message);
  }

  /** Shows `message` in the status line, which is not a live region: nothing is announced. */
  function show(message, isError = false) {
    clearTimeout(announceTimer);
    status.textContent = message;
    status.classList.toggle('error', isError);
  }

  /** The live region: a screen reader announces what it is given, once (the same message again is not news). */
  function announce(message) {
    clearTimeout(announceTimer);
    if (announcement.textContent !== message) announcement.textContent = message;
  }

  /** Shows the status of a new output now, and announces it once the output has stayed for ANNOUNCE_MS. */
  function settle(message) {
    show(message);
    announceTimer = setTimeout(() => announce(message), ANNOUNCE_MS);
  }

  /**
   * The worker's script URL as the page's CSP requires it (Trusted Types): a TrustedScriptURL from
   * the one policy the CSP allows, 'article-analyzer', which passes only the URLs this script makes
   * (worker.js beside the page, the single file's blob) and never leaves this function. Called once:
   * a policy name can be taken only once. Where the browser has no Trusted Types, the checked string.
   */
  function workerScriptUrl(url) {
    const allow = (candidate) => {
      if (candidate === WORKER_URL || candidate.startsWith('blob:')) return candidate;
      throw new TypeError(`not a worker URL of this page: ${candidate}`);
    };
    if (!window.trustedTypes) return allow(url);
    return trustedTypes.createPolicy('article-analyzer', { createScriptURL: allow }).createScriptURL(url);
  }

  /**
   * Starts the analysis worker at once, so that it loads its script and the glue while the wasm
   * downloads, and hands it the compiled module when `compiled` (a promise of it) resolves. Resolves
   * to the worker as soon as it has the module (it instantiates it while this page does; requests
   * sent meanwhile wait in the worker), or to null if workers are unavailable or it fails first.
   */
  function startWorker(compiled) {
    return new Promise((resolve) => {
      let worker;
      try {
        let url = WORKER_URL;
        if (inlinedWasm) {
          const source = `${byId('analyzer-glue').textContent}\n${byId('worker-source').textContent}`;
          url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        }
        worker = new Worker(workerScriptUrl(url));
      } catch {
        resolve(null);
        return;
      }
      const fail = () => {
        worker.terminate();
        resolve(null);
      };
      // A Content-Security-Policy without blob: workers, for instance, shows up as an error event.
      worker.onerror = fail;
      worker.onmessage = ({ data }) => {
        if (!data.ready) fail(); // the glue did not load
      };
      worker.postMessage({ glue: GLUE_URL });
      compiled.then((module) => {
        worker.postMessage({ module });
        resolve(worker);
      }, fail);
    });
  }

  /**
   * Analyses in the worker, answers matched to requests by id. If the worker fails to get ready
   * (within 10 s) or dies, the main thread takes over.
   */
  function workerEngine(worker) {
    const pending = new Map();
    let nextId = 0;
    let stopped = false;
    const stop = () => {
      clearTimeout(readyTimer);
      if (stopped) return;
      stopped = true;
      worker.terminate();
      engine = mainThreadEngine;
      document.documentElement.dataset.engine = engine.name;
      for (const request of pending.values()) request.reject(new Error('the analysis worker stopped'));
      pending.clear();
      update();
    };
    const readyTimer = setTimeout(stop, 10000);
    worker.onmessage = ({ data }) => {
      if ('ready' in data) {
        clearTimeout(readyTimer);
        if (!data.ready) stop();
        else performance.mark('analyzer:worker-ready');
        return;
      }
      const request = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) request.reject(new Error(data.error));
      else request.resolve(data.packed ?? data.json);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      stop();
    };
    const ask = (text, json) => new Promise((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve, reject });
      worker.postMessage({ id: nextId, text, json, corrections });
    });
    return { name: 'worker', analyze: (text) => ask(text, false), json: (text) => ask(text, true) };
  }

  /** Resolves once this page has instantiated the analyzer (drawing and the main-thread engine use it). */
  let instantiated = new Promise(() => {});

  const mainThreadEngine = {
    name: 'main-thread',
    analyze: async (text) => {
      await instantiated;
      return packAnalysis(text, correctedAnalyzer(corrections)(text));
    },
    json: async (text) => {
      await instantiated;
      return `${JSON.stringify(correctedAnalyzer(corrections)(text), null, 2)}\n`;
    },
  };

  // ---- Corrections: a reader's labels for names, kept in localStorage, shared as --entities JSON. ----

  const CORRECTIONS_KEY = 'article-analyzer:corrections';
  const correctionList = byId('correction-list');

  /** `{name, label, aliases?}` (a custom entity of the CLI's --entities) or `{name, label: null}` (not a name). */
  let corrections = loadCorrections();

  function loadCorrections() {
    try {
      const stored = JSON.parse(localStorage.getItem(CORRECTIONS_KEY) ?? '[]');
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  /** Replaces the correction of `name` (if any) by `correction` (none: removes it). */
  function correct(name, correction) {
    corrections = corrections.filter((c) => c.name !== name);
    if (correction) corrections.push(correction);
    saveCorrections();
  }

  /** Keeps the corrections, lists them and analyses the text again with them. */
  function saveCorrections() {
    try {
      localStorage.setItem(CORRECTIONS_KEY, JSON.stringify(corrections));
    } catch {
      // No storage: the corrections hold until the page is left.
    }
    renderCorrections();
    if (engine) update();
  }

  function renderCorrections() {
    const items = corrections.map((c) => {
      const remove = el('button', { type: 'button', class: 'secondary', 'aria-label': `Remove the correction of ${c.name}` }, 'Remove');
      remove.addEventListener('click', () => correct(c.name, null));
      return el('li', {}, el('span', {}, `${c.name}: ${c.label === null ? 'not a name' : NAMES[c.label]}`), remove);
    });
    if (items.length === 0) items.push(el('li', { class: 'empty' }, 'None yet: open a highlighted name to correct it.'));
    correctionList.replaceChildren(...items);
  }

  /** The relabels as the CLI's --entities JSON ("not a name" has no form there and stays in this browser). */
  byId('export-corrections').addEventListener('click', () => {
    const entities = corrections.filter((c) => c.label !== null);
    const blob = new Blob([`${JSON.stringify(entities, null, 2)}\n`], { type: 'application/json' });
    download(blob, 'entities.json');
  });

  byId('import-corrections').addEventListener('change', async (event) => {
    const [file] = event.target.files;
    event.target.value = '';
    if (!file) return;
    try {
      const imported = customEntities(JSON.parse(await file.text()));
      for (const entity of imported) corrections = corrections.filter((c) => c.name !== entity.name);
      corrections.push(...imported);
      saveCorrections();
      say(`Imported ${plural(imported.length, 'correction', 'corrections')} from ${file.name}.`);
    } catch (error) {
      say(`Could not import ${file.name}: ${error.message}`, true);
    }
  });

  /** `value` checked as the CLI's --entities: an array of {name, label, aliases?}. */
  function customEntities(value) {
    if (!Array.isArray(value)) throw new TypeError('expected an array of {name, label, aliases}');
    return value.map((entity, i) => {
      const fields = Object.keys(entity ?? {});
      const unknown = fields.find((field) => !['name', 'label', 'aliases'].includes(field));
      if (unknown) throw new TypeError(`entity ${i}: unknown field \`${unknown}\``);
      if (typeof entity.name !== 'string' || entity.name.trim() === '') throw new TypeError(`entity ${i}: \`name\` must be a string`);
      if (!(entity.label in NAMES)) throw new TypeError(`entity ${i}: \`label\` must be one of ${Object.keys(NAMES).join(', ')}`);
      const aliases = entity.aliases ?? [];
      if (!Array.isArray(aliases) || aliases.some((alias) => typeof alias !== 'string')) {
        throw new TypeError(`entity ${i}: \`aliases\` must be an array of strings`);
      }
      return aliases.length ? { name: entity.name, label: entity.label, aliases } : { name: entity.name, label: entity.label };
    });
  }

  // ---- The text: in the textarea, or held by the page when it is longer than EDIT_LIMIT. ----

  /** The whole text while it is too long for the textarea (which then shows its start, read-only), else null. */
  let held = null;
  /** Whether the reader chose to edit a text longer than EDIT_LIMIT in the textarea all the same. */
  let longInBox = false;

  /** The text to analyse, draw, export and keep as the draft. */
  const textOf = () => held ?? input.value;

  /** Puts `text` in the textarea, or, past EDIT_LIMIT, holds it and shows its start read-only, with a note. */
  function setText(text) {
    longInBox = false;
    held = text.length > EDIT_LIMIT ? text : null;
    input.readOnly = held !== null;
    heldNote.hidden = held === null;
    if (held === null) {
      input.value = text;
      return;
    }
    let shown = VIEW_LENGTH;
    if (/[\uDC00-\uDFFF]/.test(text[shown] ?? '')) shown -= 1; // never half of a surrogate pair
    input.value = text.slice(0, shown);
    const format = (n) => n.toLocaleString('en');
    const edit = el('button', { type: 'button', class: 'secondary' }, 'Edit it here anyway');
    edit.addEventListener('click', () => {
      show('Putting the whole text in the box…');
      // After a frame, so that the status shows before the textarea's long layout.
      requestAnimationFrame(() => setTimeout(() => {
        const whole = held;
        held = null;
        input.readOnly = false;
        heldNote.hidden = true;
        input.value = whole;
        longInBox = true;
        input.focus();
        show(statusOf(current?.packed));
      }));
    });
    heldNote.replaceChildren(`This text has ${format(text.length)} characters, too many to edit here without freezing `
      + `the page for seconds: the box shows the first ${format(shown)}, read-only. All of it is analysed, `
      + 'counted and exported. Paste to replace it, Clear to start again, or ', edit, ' (slow).');
  }

  /**
   * What a paste or a drop of `inserted` makes of the text: it replaces the selection, or, while the
   * page holds the text, all of it.
   */
  function withInserted(inserted) {
    if (held !== null) return inserted;
    const { value, selectionStart, selectionEnd } = input;
    return value.slice(0, selectionStart) + inserted + value.slice(selectionEnd);
  }

  /** A paste or drop that would make the text longer than EDIT_LIMIT never reaches the textarea. */
  function takeInsertion(event, data) {
    const inserted = data?.getData('text/plain');
    if (!inserted) return;
    const text = withInserted(inserted);
    if (held === null && (text.length <= EDIT_LIMIT || longInBox)) return; // the textarea's own paste
    event.preventDefault();
    setText(text);
    edited();
  }

  input.addEventListener('paste', (event) => takeInsertion(event, event.clipboardData));
  input.addEventListener('drop', (event) => takeInsertion(event, event.dataTransfer));

  let engine = null;
  let current = null; // { text, packed } last drawn
  let drawing = null; // { text, packed } that drawnBlocks (what the output holds) are of
  let drawnBlocks = [];
  let generation = 0;
  let timer = 0;

  async function update() {
    const text = textOf();
    const mine = ++generation;
    let packed;
    const asked = performance.now();
    let answered;
    let blocksDrawn;
    try {
      packed = await engine.analyze(text);
      await instantiated; // the first analysis may come before this page's instance
      if (mine !== generation) return; // a newer edit is already on its way
      answered = performance.now();
      // The legend, above the output, comes with the first highlight and is laid out in its frame.
      if (!legend.hasChildNodes()) legend.append(...(legendButtons ??= buildLegend()));
      if (!(await draw(text, packed, mine))) return;
      blocksDrawn = performance.now();
      if (!card.hidden && !output.contains(cardMark)) card.hidden = true;
      // The highlighted text first: the browser paints it before the panel and the legend are built.
      document.documentElement.dataset.highlighted = String(mine);
      await afterPaint();
      if (mine !== generation) return; // a newer analysis draws its own panel
    } catch (error) {
      if (mine === generation) say(`Analysis failed: ${error.message}`, true);
      return;
    }
    const highlighted = performance.now();
    performance.mark('analyzer:highlighted', { startTime: highlighted, detail: { generation: mine } });
    current = { text, packed };
    showLanguage(packed.language);
    updateLegend(packed);
    renderPanel(packed);
    renderQuotes(text, packed);
    copyButton.disabled = false;
    downloadButton.disabled = false;
    copyJsonLdButton.disabled = false;
    settle(statusOf(packed));
    document.documentElement.dataset.drawn = String(mine);
    // Where the time of an update went, for benchmarks (the e2e tests read these entries).
    performance.measure('analyzer:update', {
      start: asked,
      detail: {
        characters: text.length, answered: answered - asked, ...packed.took, blocks: blocksDrawn - answered,
        highlighted: highlighted - answered, drawn: performance.now() - answered,
      },
    });
  }

  /**
   * Resolves after the browser has painted what the page holds now: a task posted from the next
   * animation frame runs once that frame is done. A hidden page has no frames: there, the next task.
   */
  function afterPaint() {
    if (document.visibilityState === 'hidden') return nextTask();
    return new Promise((resolve) => requestAnimationFrame(() => nextTask().then(resolve)));
  }

  /** Resolves in a task of its own (a message to itself: no timer's clamping). */
  function nextTask() {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  }

  /** The status line of an analysis: what it counts. */
  function statusOf(packed) {
    if (!packed) return '';
    return `${plural(packed.sentences.length / 2, 'sentence', 'sentences')}, ${plural(packed.entities.length / 4,
      'entity mention', 'entity mentions')}, ${plural(packed.groups.length, 'distinct entity', 'distinct entities')}.`;
  }

  /**
   * Keeps the draft for a reload of this tab, when the page is left (not at each edit: storing
   * 300 KB takes tens of milliseconds); a text too large for the storage is not kept.
   */
  function saveDraft(text) {
    try {
      sessionStorage.setItem(DRAFT_KEY, text);
    } catch {
      try {
        sessionStorage.removeItem(DRAFT_KEY);
      } catch {
        // No storage at all (file:// in some browsers, privacy settings): nothing to keep.
      }
    }
  }

  function restoreDraft() {
    try {
      const draft = sessionStorage.getItem(DRAFT_KEY);
      if (draft !== null) setText(draft);
    } catch {
      // No storage: the textarea keeps what the page came with.
    }
  }

  function showLanguage(language) {
    languageNote.hidden = language === 'english';
    languageNote.textContent = language === 'non-latin'
      ? 'This text is mostly in a script other than Latin. Sentences are split, but the entity tags are for English and may be wrong or missing.'
      : 'This text does not read as English (few common English words). Sentences are split, but the entity tags are for English and may be wrong.';
  }

  /**
   * The blocks of the text to draw, in order, up to DRAW_LIMIT characters: each a range of the text
   * (from the start of a sentence to the start of the next block), its sentences and mentions as
   * index ranges of `packed`, a key (its text and its spans relative to it) that says whether an
   * old block can stay, and its numbers (its first sentence's, its mentions' groups) that say
   * whether a block that stays must be numbered again. A block ends after a sentence followed by a line break, or after a
   * sentence picked by its length and edges (so that the cuts stay where they are when the text
   * before them changes), or after 200 sentences, but never inside a mention.
   */
  function blocksOf(text, packed) {
    const { sentences, entities, length } = packed;
    const sentenceCount = sentences.length / 2;
    const mentionCount = entities.length / 4;
    const blocks = [];
    let [start, firstSentence, firstMention, mention, scan] = [0, 0, 0, 0, 0];
    const close = (next, lastSentence) => {
      // A block longer than MAX_BLOCK (one huge sentence, say) is cut there, and drawing stops.
      const end = Math.min(next, start + MAX_BLOCK);
      while (mention < mentionCount && entities[4 * mention] < end) mention += 1;
      const spans = [];
      for (let i = firstSentence; i < lastSentence && sentences[2 * i] < end; i++) {
        spans.push(sentences[2 * i] - start, Math.min(sentences[2 * i + 1], end) - start);
      }
      spans.push(-1);
      const numbers = [firstSentence];
      for (let j = firstMention; j < mention; j++) {
        spans.push(entities[4 * j] - start, Math.min(entities[4 * j + 1], end) - start, entities[4 * j + 2]);
        numbers.push(entities[4 * j + 3]);
      }
      blocks.push({
        start, end, sentences: [firstSentence, lastSentence], mentions: [firstMention, mention],
        text: text.slice(start, end), spans: spans.join(','), numbers: numbers.join(','),
      });
      [start, firstSentence, firstMention] = [end, lastSentence, mention];
      return end === next;
    };
    for (let i = 0; i < sentenceCount && start < DRAW_LIMIT; i++) {
      const sentenceStart = sentences[2 * i];
      const end = sentences[2 * i + 1];
      const next = i + 1 < sentenceCount ? sentences[2 * i + 2] : length;
      while (scan < mentionCount && entities[4 * scan + 1] <= end) scan += 1;
      if (i + 1 < sentenceCount && scan < mentionCount && entities[4 * scan] < next) continue;
      let lineBreak = false;
      for (let at = end; at < next && !lineBreak; at++) lineBreak = text.charCodeAt(at) === 10;
      const picked = (text.charCodeAt(sentenceStart) + 31 * text.charCodeAt(end - 1) + end - sentenceStart) % 16 === 0;
      const cut = lineBreak || picked || i + 1 - firstSentence >= 200 || i + 1 === sentenceCount;
      if (cut && !close(next, i + 1)) break;
    }
    if (sentenceCount === 0 && length > 0) close(length, 0);
    return blocks;
  }

  const sameBlock = (drawn, block) => drawn.text === block.text && drawn.spans === block.spans;

  /**
   * Draws `packed` (of `text`) into the output: keeps the drawn blocks that start and end the
   * output unchanged (renumbering their sentences and groups where those moved), and draws the
   * others in slices of SLICE_MS, yielding between them. Resolves to false if a newer analysis took
   * over before the drawing was done.
   */
  async function draw(text, packed, mine) {
    const blocks = blocksOf(text, packed);
    const old = drawnBlocks;
    let head = 0;
    while (head < old.length && head < blocks.length && sameBlock(old[head], blocks[head])) head += 1;
    let tail = 0;
    while (tail < old.length - head && tail < blocks.length - head
      && sameBlock(old[old.length - 1 - tail], blocks[blocks.length - 1 - tail])) tail += 1;
    for (const block of old.slice(head, old.length - tail)) block.element.remove();
    const kept = (from, to, offset) => blocks.slice(from, to).map((block, i) => {
      const { element, numbers } = old[from + i + offset];
      if (numbers !== block.numbers) number(element, block, packed);
      return { ...block, element };
    });
    const before = kept(0, head, 0);
    const after = kept(blocks.length - tail, blocks.length, old.length - blocks.length);
    const anchor = after[0]?.element ?? null;
    const middle = [];
    drawnBlocks = [...before, ...after];
    drawing = { text, packed };
    showDrawn(text, packed, blocks);
    let sliceStart = performance.now();
    for (const block of blocks.slice(head, blocks.length - tail)) {
      if (performance.now() - sliceStart > SLICE_MS) {
        drawnBlocks = [...before, ...middle, ...after]; // what the output holds while the page answers
        await yieldToPage();
        if (mine !== generation) return false;
        sliceStart = performance.now();
      }
      const element = drawBlock(text, packed, block);
      output.insertBefore(element, anchor);
      middle.push({ ...block, element });
    }
    drawnBlocks = [...before, ...middle, ...after];
    return true;
  }

  /** Lets the page handle input and paint before the next slice of drawing. */
  function yieldToPage() {
    return globalThis.scheduler?.yield ? scheduler.yield() : nextTask();
  }

  /** A block's element: `renderAnalysis` of its text with its sentences and mentions, numbered as in the whole text. */
  function drawBlock(text, packed, block) {
    const { sentences, entities, labels, groups, confidence } = packed;
    const analysis = { sentences: [], entities: [], groups: [] };
    for (let i = block.sentences[0]; i < block.sentences[1] && sentences[2 * i] < block.end; i++) {
      analysis.sentences.push({ start: sentences[2 * i] - block.start, end: Math.min(sentences[2 * i + 1], block.end) - block.start });
    }
    const local = new Map();
    for (let j = block.mentions[0]; j < block.mentions[1]; j++) {
      const [start, fullEnd, label, group] = entities.subarray(4 * j, 4 * j + 4);
      const end = Math.min(fullEnd, block.end);
      if (!local.has(group)) {
        local.set(group, analysis.groups.length);
        analysis.groups.push(groups[group]);
      }
      const entity = {
        start: start - block.start, end: end - block.start, label: labels[label], text: text.slice(start, end),
        group: local.get(group),
      };
      if (confidence) entity.confidence = confidence[j];
      analysis.entities.push(entity);
    }
    const element = el('div', { class: 'block' });
    wasm_bindgen.renderAnalysis(element, block.text, analysis);
    number(element, block, packed);
    return element;
  }

  /** Gives a drawn block's sentences their numbers in the whole text and its marks their groups. */
  function number(element, block, packed) {
    let sentence = block.sentences[0];
    for (const span of element.querySelectorAll('.sentence')) {
      sentence += 1;
      if (span.dataset.sentence !== String(sentence)) span.dataset.sentence = String(sentence);
    }
    let mention = block.mentions[0] - 1;
    for (const mark of element.querySelectorAll('mark')) {
      if (!mark.dataset.part || mark.dataset.part === 'start') mention += 1;
      const group = String(packed.entities[4 * mention + 3]);
      if (mark.dataset.group !== group) mark.dataset.group = group;
    }
  }

  /** The note under the legend when not all of the text is drawn. */
  function showDrawn(text, packed, blocks) {
    const drawnTo = blocks.length ? blocks[blocks.length - 1].end : 0;
    drawNote.hidden = drawnTo >= text.length;
    if (drawNote.hidden) return;
    const shown = blocks.length ? blocks[blocks.length - 1].sentences[1] : 0;
    const format = (n) => n.toLocaleString('en');
    drawNote.textContent = `Showing the first ${format(drawnTo)} of ${format(text.length)} characters `
      + `(${format(shown)} of ${format(packed.sentences.length / 2)} sentences). The counts, the entity list `
      + 'and Copy/Download JSON cover the whole text.';
  }

  const hidden = new Set();

  /** The legend's buttons, built (not yet in the page) while the worker analyses; see `buildLegend`. */
  let legendButtons = null;

  /**
   * The legend's buttons, one per label, with their keyboard handling, returned to be put in the
   * page with the first highlight: built into the page at once, they would have a frame of their
   * own that holds up the worker's answer.
   */
  function buildLegend() {
    const buttons = wasm_bindgen.labels().map((label) => {
      const button = el('button', {
        type: 'button', class: 'legend-item', 'data-label': label, 'aria-pressed': 'true',
        title: `Show or hide ${NAMES[label].toLowerCase()} (${label})`,
      }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), NAMES[label], el('span', { class: 'count' }, '0'));
      button.addEventListener('click', () => {
        const show = hidden.has(label);
        if (show) hidden.delete(label);
        else hidden.add(label);
        button.setAttribute('aria-pressed', String(show));
        output.dataset.hide = [...hidden].join(' ');
      });
      return button;
    });
    // One tab stop; the arrow keys, Home and End move between the labels (a toolbar).
    const rove = (target) => {
      for (const button of buttons) button.tabIndex = button === target ? 0 : -1;
      target.focus();
    };
    buttons.forEach((button, i) => { button.tabIndex = i === 0 ? 0 : -1; });
    legend.addEventListener('keydown', (event) => {
      const at = buttons.indexOf(document.activeElement);
      const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: -1 }[event.key];
      if (at < 0 || to === undefined) return;
      event.preventDefault();
      rove(buttons.at(to % buttons.length));
    });
    return buttons;
  }

  function updateLegend(packed) {
    const counts = new Array(packed.labels.length).fill(0);
    for (let j = 2; j < packed.entities.length; j += 4) counts[packed.entities[j]] += 1;
    for (const button of legend.children) {
      button.querySelector('.count').textContent = String(counts[packed.labels.indexOf(button.dataset.label)]);
    }
  }

  let panelDrawn = null; // the groups the panel shows, as JSON

  /**
   * One row per distinct entity, the PANEL_ROWS most salient of each label (dates and amounts, which
   * have no salience: the most mentioned), with its salience as a bar; above them, what the story is
   * about. Redrawn only when the groups change.
   */
  function renderPanel(packed) {
    const groups = JSON.stringify(packed.groups);
    if (groups === panelDrawn) return;
    panelDrawn = groups;
    renderAbout(packed.groups);
    const top = Math.max(0, ...packed.groups.map((group) => group.salience));
    const byLabel = new Map();
    packed.groups.forEach((group, index) => {
      if (!byLabel.has(group.label)) byLabel.set(group.label, []);
      byLabel.get(group.label).push({ group, index });
    });
    const sections = [];
    for (const button of legend.children) {
      const label = button.dataset.label;
      const entries = byLabel.get(label);
      if (!entries) continue;
      entries.sort((a, b) => b.group.salience - a.group.salience || b.group.count - a.group.count
        || a.group.first - b.group.first);
      const items = entries.slice(0, PANEL_ROWS).map(({ group, index }) => {
        const link = entityLink(group, index);
        if (top > 0 && NAMED.has(label)) {
          const percent = `${Math.round(group.salience * 100)}%`;
          link.append(el('meter', {
            class: 'salience', min: '0', max: String(top), value: String(group.salience),
            'aria-label': `salience ${percent}`, title: `${percent} of what the story is about`,
          }));
        }
        return el('li', {}, link);
      });
      if (entries.length > PANEL_ROWS) {
        items.push(el('li', { class: 'more' }, `and ${entries.length - PANEL_ROWS} more, less salient or less `
          + 'mentioned (all in the JSON)'));
      }
      const headingId = `entities-${label.toLowerCase()}`;
      sections.push(el('section', { 'aria-labelledby': headingId },
        el('h3', { id: headingId }, `${NAMES[label]} (${entries.length})`), el('ul', {}, ...items)));
    }
    if (sections.length === 0) sections.push(el('p', { class: 'empty' }, 'No entities found.'));
    panel.replaceChildren(...sections);
  }

  /** The labels of named entities, which have a salience. */
  const NAMED = new Set(['PERSON', 'ORG', 'LOC', 'MISC']);

  /** A panel row's button: the entity's name and mention count; it jumps to its mentions. */
  function entityLink(group, index) {
    const link = el('button', { type: 'button', class: 'entity-link', 'data-label': group.label, 'data-group': String(index) },
      el('span', { class: 'name' }, group.text),
      el('span', { class: 'count', 'aria-label': plural(group.count, 'mention', 'mentions') }, `×${group.count}`));
    link.addEventListener('click', () => jumpTo(index, group, link));
    return link;
  }

  /** The JSON-LD of the groups (the wasm `toJsonLd`, as the CLI's `--jsonld` writes it). */
  const jsonLdOf = (groups) => wasm_bindgen.toJsonLd({ groups }, {});

  /** "What this story is about": the entities of the JSON-LD's `about`, most salient first. */
  function renderAbout(groups) {
    const types = { Person: 'PERSON', Organization: 'ORG', Place: 'LOC', Thing: 'MISC' };
    const items = jsonLdOf(groups).about.map((thing) => {
      const index = groups.findIndex((g) => g.text === thing.name && g.label === types[thing['@type']]);
      return el('li', {}, entityLink(groups[index], index));
    });
    aboutList.replaceChildren(...items);
    about.hidden = items.length === 0;
  }

  let jumpedFrom = null; // the panel row whose mention or quotation has focus, for Escape to return to
  let jumpedTo = null; // the quotation's sentence that a row of the quotes panel focused

  /** Scrolls to the first mention of a distinct entity, flashes every mention, and focuses the first. */
  function jumpTo(index, group, link) {
    [jumpedFrom, jumpedTo] = [link, null];
    const marks = [...output.querySelectorAll(`mark[data-group="${index}"]`)];
    if (marks.length === 0) return;
    const reduceMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
    marks[0].scrollIntoView({ block: 'center', behavior: reduceMotion ? 'auto' : 'smooth' });
    for (const mark of marks) {
      mark.classList.remove('flash');
      void mark.offsetWidth; // restart the animation
      mark.classList.add('flash');
    }
    setTimeout(() => marks.forEach((mark) => mark.classList.remove('flash')), 2500);
    marks[0].tabIndex = -1;
    marks[0].focus({ preventScroll: true });
    say(`${group.text}: ${plural(group.count, 'mention', 'mentions')} highlighted.`);
  }

  // ---- The quotes panel: the first QUOTE_ROWS quotations, each with a jump to the output and to the box. ----

  let quotesDrawn = null; // the rows the quotes panel shows, as JSON

  /** The quotations of `packed` (of `text`) as `{start, end, speaker, excerpt}` rows, speaker null when unattributed. */
  function quoteRows(text, packed) {
    const { quotes } = packed;
    const rows = [];
    for (let i = 0; i < quotes.length / QUOTE_FIELDS && i < QUOTE_ROWS; i++) {
      const [start, end, speakerStart, speakerEnd] = quotes.subarray(QUOTE_FIELDS * i, QUOTE_FIELDS * i + 4);
      let cut = Math.min(end, start + QUOTE_CHARS);
      if (cut < end && /[\uDC00-\uDFFF]/.test(text[cut])) cut -= 1; // never half of a surrogate pair
      const excerpt = cut < end ? `${text.slice(start, cut).trimEnd()}…` : text.slice(start, end);
      rows.push({ start, end, speaker: speakerStart === NO_SPEAKER ? null : text.slice(speakerStart, speakerEnd), excerpt });
    }
    return rows;
  }

  /** Lists the quotations: who said each (or "unattributed") and its text; redrawn only when the rows change. */
  function renderQuotes(text, packed) {
    const rows = quoteRows(text, packed);
    const key = JSON.stringify([rows, packed.quotes.length]);
    if (key === quotesDrawn) return;
    quotesDrawn = key;
    const total = packed.quotes.length / QUOTE_FIELDS;
    const items = rows.map(({ start, end, speaker, excerpt }) => {
      const which = speaker ? `the quotation by ${speaker}` : 'the unattributed quotation';
      const jump = el('button', { type: 'button', class: 'quote-link' },
        el('span', { class: speaker ? 'speaker' : 'speaker unattributed' }, speaker ?? 'unattributed'),
        el('span', { class: 'quote-text' }, excerpt));
      jump.addEventListener('click', () => jumpToQuote(start, end, which, jump));
      const inBox = el('button', { type: 'button', class: 'secondary', 'aria-label': `Select ${which} in the article box` }, 'In the text');
      inBox.addEventListener('click', () => selectInBox(start, end, 'quotation'));
      return el('li', {}, jump, inBox);
    });
    if (total > QUOTE_ROWS) {
      items.push(el('li', { class: 'more' }, `and ${(total - QUOTE_ROWS).toLocaleString('en')} more (all in the JSON)`));
    }
    quotePanel.replaceChildren(el('h3', { id: 'quotes-count' }, plural(total, 'quotation', 'quotations')),
      items.length ? el('ul', { 'aria-labelledby': 'quotes-count' }, ...items) : el('p', { class: 'empty' }, 'No quotations found.'));
  }

  /**
   * The text node and offset in it where UTF-16 offset `at` of the text is drawn, or null past the
   * drawing: at a node's edge, the start of the next node when `starts`, else the end of the previous.
   */
  function pointAt(at, starts) {
    const block = drawnBlocks.find((b) => (starts ? b.start <= at && at < b.end : b.start < at && at <= b.end));
    if (!block) return null;
    const walker = document.createTreeWalker(block.element, NodeFilter.SHOW_TEXT);
    let offset = at - block.start;
    while (walker.nextNode()) {
      const { length } = walker.currentNode;
      if (starts ? offset < length : offset <= length) return { node: walker.currentNode, offset };
      offset -= length;
    }
    return null;
  }

  /** Scrolls to a quotation (`which`, for the status) in the output, focuses the sentence where it starts and selects it. */
  function jumpToQuote(start, end, which, link) {
    const from = pointAt(start, true);
    const to = pointAt(end, false);
    if (!from || !to) {
      say('This quotation is past the part of the text that is drawn.');
      return;
    }
    const sentence = from.node.parentElement.closest('.sentence') ?? from.node.parentElement;
    const reduceMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
    sentence.tabIndex = -1;
    sentence.scrollIntoView({ block: 'center', behavior: reduceMotion ? 'auto' : 'smooth' });
    sentence.focus({ preventScroll: true });
    [jumpedFrom, jumpedTo] = [link, sentence];
    getSelection().setBaseAndExtent(from.node, from.offset, to.node, to.offset);
    say(`Selected ${which} in the highlighted article.`);
  }

  /** Selects the text from `start` to `end` (a `what`) in the textarea, or says that the box does not show that far. */
  function selectInBox(start, end, what) {
    if (end > input.value.length) {
      say(`This ${what} is past the first ${input.value.length.toLocaleString('en')} characters, all that the box shows of this text.`);
      return;
    }
    input.focus();
    input.setSelectionRange(start, end);
  }

  // ---- The card of a mark: what it is, where its mentions are, and its correction. ----

  const card = byId('entity-card');
  let cardMark = null;

  /** The mention a drawn mark belongs to: its index in the packed analysis. */
  function mentionOf(mark) {
    const block = drawnBlocks.find((b) => b.element.contains(mark));
    let mention = block.mentions[0] - 1;
    for (const other of block.element.querySelectorAll('mark')) {
      if (!other.dataset.part || other.dataset.part === 'start') mention += 1;
      if (other === mark) return mention;
    }
    return mention;
  }

  /** The first mark of each drawn mention of group `group`, in text order. */
  const marksOf = (group) => [...output.querySelectorAll(`mark[data-group="${group}"]`)]
    .filter((mark) => !mark.dataset.part || mark.dataset.part === 'start');

  function openCard(mark) {
    if (mark.dataset.part === 'middle' || mark.dataset.part === 'end') {
      mark = marksOf(mark.dataset.group).filter((m) => m.compareDocumentPosition(mark) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
    }
    const { packed, text } = drawing;
    const mention = mentionOf(mark);
    const [start, end, labelIndex, group] = packed.entities.subarray(4 * mention, 4 * mention + 4);
    const label = packed.labels[labelIndex];
    const { text: name, count } = packed.groups[group];
    cardMark = mark;
    const facts = [`${NAMES[label]} (${label})`, plural(count, 'mention', 'mentions')];
    if (packed.confidence) facts.push(`confidence ${Math.round(packed.confidence[mention] * 100)}%`);
    const show = el('button', { type: 'button', class: 'secondary' }, 'Show in the text');
    show.addEventListener('click', () => selectInBox(start, end, 'mention'));
    const next = el('button', { type: 'button', class: 'secondary' }, 'Next mention');
    next.addEventListener('click', () => {
      const marks = marksOf(group);
      const following = marks[(marks.indexOf(mark) + 1) % marks.length];
      focusMark(following);
      openCard(following);
      card.querySelector('button:nth-of-type(2)').focus();
    });
    const close = el('button', { type: 'button', class: 'secondary' }, 'Close');
    close.addEventListener('click', closeCard);
    const choice = el('select', { id: 'card-correction' },
      ...Object.entries(NAMES).map(([value, title]) => el('option', { value }, title)),
      el('option', { value: '' }, 'Not a name'));
    choice.value = label;
    const apply = el('button', { type: 'button' }, `Apply to every “${name}”`);
    apply.addEventListener('click', () => {
      closeCard();
      correct(name, { name, label: choice.value || null });
      say(`Corrected “${name}” to ${choice.value ? NAMES[choice.value].toLowerCase() : 'not a name'}.`);
    });
    const here = text.slice(start, end);
    card.replaceChildren(
      el('h3', { id: 'card-name' }, name),
      el('p', {}, here === name ? facts.join(' · ') : `“${here}” here. ${facts.join(' · ')}`),
      el('div', { class: 'card-actions' }, show, next, close),
      el('div', { class: 'card-actions' }, el('label', { for: 'card-correction' }, 'Correct to'), choice, apply),
    );
    card.hidden = false;
  }

  function closeCard() {
    card.hidden = true;
    cardMark?.focus();
  }

  function focusMark(mark) {
    mark.tabIndex = -1;
    mark.scrollIntoView({ block: 'center' });
    mark.focus({ preventScroll: true });
  }

  output.addEventListener('click', (event) => {
    const mark = event.target.closest('mark.entity');
    if (mark) {
      openCard(mark);
      card.querySelector('button').focus();
    }
  });
  output.addEventListener('keydown', (event) => {
    const mark = event.target.closest?.('mark.entity');
    if (event.key === 'Enter' && mark) {
      event.preventDefault();
      openCard(mark);
      card.querySelector('button').focus();
    } else if (event.key === 'Escape' && (mark || event.target === jumpedTo) && jumpedFrom?.isConnected) {
      jumpedFrom.focus();
    }
  });
  card.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeCard();
  });

  const json = () => engine.json(current.text);

  /** Puts `text` on the clipboard. */
  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard API (file://, older browsers): copy through a selected, off-screen textarea.
      const scratch = el('textarea', { 'aria-hidden': 'true', class: 'offscreen' });
      scratch.value = text;
      document.body.append(scratch);
      scratch.select();
      document.execCommand('copy');
      scratch.remove();
    }
  }

  copyButton.addEventListener('click', async () => {
    await copy(await json());
    say('Copied the analysis as JSON.');
  });

  copyJsonLdButton.addEventListener('click', async () => {
    await copy(`${JSON.stringify(jsonLdOf(current.packed.groups), null, 2)}\n`);
    say('Copied the entities as JSON-LD (schema.org NewsArticle).');
  });

  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = el('a', { href: url, download: name, hidden: '' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  downloadButton.addEventListener('click', async () => {
    download(new Blob([await json()], { type: 'application/json' }), 'article-analysis.json');
  });

  /** Analyses the text again once the typing pauses. */
  function edited() {
    if (!engine) return; // the first analysis reads the latest text anyway
    clearTimeout(announceTimer);
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
  }

  input.addEventListener('input', (event) => {
    // A long text set another way than by a paste or drop the page saw (a script, an extension):
    // out of the textarea before its layout, which comes after this event. (Not checked for a typed
    // key: reading the value of a long textarea takes milliseconds.)
    if (!/^(insertText|insertLineBreak|delete)/.test(event.inputType ?? '') && !longInBox && input.value.length > EDIT_LIMIT) {
      setText(input.value);
    }
    edited();
  });

  addEventListener('pagehide', () => saveDraft(textOf()));

  clearButton.addEventListener('click', () => {
    setText('');
    input.focus();
    edited();
  });

  async function start() {
    performance.mark('analyzer:start');
    try {
      const source = inlinedWasm ? { base64: inlinedWasm.textContent } : { url: WASM_URL };
      let handOver;
      const compiled = new Promise((resolve, reject) => { handOver = { resolve, reject }; });
      // The worker first: a worker takes long to start on a slow phone, and it loads its glue while the
      // wasm downloads. It gets the module as soon as it is compiled, with the first analysis right
      // behind it: it instantiates the module and analyses (loading the model) while this page
      // instantiates it.
      const starting = startWorker(compiled);
      const loaded = loadAnalyzer(source, (module) => {
        performance.mark('analyzer:compiled');
        handOver.resolve(module);
        // A task's pause before this page's own instance and warm-up (one task of about 160 ms at 4x),
        // which the worker's start and its first answer would otherwise wait behind (a first visit's
        // highlight came about 40 ms sooner, docs/page.md).
        return new Promise((resolve) => setTimeout(resolve, 0));
      });
      loaded.catch(handOver.reject);
      instantiated = loaded;
      if (inlinedWasm) for (const node of document.querySelectorAll('[data-site-only]')) node.hidden = true;
      restoreDraft();
      renderCorrections();
      const worker = await starting;
      engine = worker ? workerEngine(worker) : mainThreadEngine;
      document.documentElement.dataset.engine = engine.name;
      const first = update();
      await loaded;
      performance.mark('analyzer:instantiated');
      legendButtons ??= buildLegend();
      // While the worker analyses: the first drawing's one-time costs (the wasm's lazily compiled
      // rendering code, a mark's included), off the path of the first highlight.
      wasm_bindgen.renderAnalysis(el('div'), 'Oslo.', {
        sentences: [{ start: 0, end: 5 }],
        entities: [{ start: 0, end: 4, label: 'LOC', text: 'Oslo', group: 0, confidence: 0.9 }],
        groups: [{ text: 'Oslo', label: 'LOC', count: 1, first: 0, salience: 1 }],
      });
      await first;
    } catch (error) {
      say(`The analyzer could not start: ${error.message}`, true);
    }
  }

  start();
})();
