// The page: analyses the textarea as the user types (debounced, in a Web Worker), renders the result
// with the wasm `renderAnalysis` (DOM nodes only, never HTML strings), and keeps the legend, the
// entity panel and the JSON buttons in step. A classic script, so that it also runs from file:// in
// the single-file build, where the wasm is inlined as base64 and the worker is a blob. The wasm is
// loaded by `loadAnalyzer` (www/loader.js, in analyzer.js with the glue).
'use strict';

(() => {
  const byId = (id) => document.getElementById(id);
  const input = byId('article-input');
  const output = byId('article-output');
  const status = byId('status');
  const legend = byId('legend');
  const panel = byId('entity-panel');
  const copyButton = byId('copy-json');
  const downloadButton = byId('download-json');
  // Present in the single-file build only: the wasm as base64, analyzer.js and the worker as text.
  const inlinedWasm = byId('analyzer-wasm');

  const DEBOUNCE_MS = 150;
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

  function say(message, isError = false) {
    status.textContent = message;
    status.classList.toggle('error', isError);
  }

  /**
   * The worker's script URL as the page's CSP requires it (Trusted Types): a TrustedScriptURL from
   * the one policy the CSP allows, 'article-analyzer', which passes only the URLs this script makes
   * (worker.js beside the page, the single file's blob) and never leaves this function. Called once:
   * a policy name can be taken only once. Where the browser has no Trusted Types, the checked string.
   */
  function workerScriptUrl(url) {
    const allow = (candidate) => {
      if (candidate === 'worker.js' || candidate.startsWith('blob:')) return candidate;
      throw new TypeError(`not a worker URL of this page: ${candidate}`);
    };
    if (!window.trustedTypes) return allow(url);
    return trustedTypes.createPolicy('article-analyzer', { createScriptURL: allow }).createScriptURL(url);
  }

  /** Starts the analysis worker with the compiled module; resolves to null if workers are unavailable. */
  function startWorker(module) {
    return new Promise((resolve) => {
      let worker;
      try {
        let url = 'worker.js';
        if (inlinedWasm) {
          const source = `${byId('analyzer-glue').textContent}\n${byId('worker-source').textContent}`;
          url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        }
        worker = new Worker(workerScriptUrl(url));
      } catch {
        resolve(null);
        return;
      }
      const timer = setTimeout(() => fail(), 10000);
      const fail = () => {
        clearTimeout(timer);
        worker.terminate();
        resolve(null);
      };
      // A Content-Security-Policy without blob: workers, for instance, shows up as an error event.
      worker.onerror = fail;
      worker.onmessage = ({ data }) => {
        if (!data.ready) return fail();
        clearTimeout(timer);
        resolve(worker);
      };
      worker.postMessage({ module });
    });
  }

  /** Analyses in the worker, answers matched to requests by id. If the worker dies, the main thread takes over. */
  function workerEngine(worker) {
    const pending = new Map();
    let nextId = 0;
    worker.onmessage = ({ data }) => {
      const request = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) request.reject(new Error(data.error));
      else request.resolve(data.analysis);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      engine = mainThreadEngine;
      document.documentElement.dataset.engine = engine.name;
      for (const request of pending.values()) request.reject(new Error('the analysis worker stopped'));
      pending.clear();
      update();
    };
    return {
      name: 'worker',
      analyze: (text) => new Promise((resolve, reject) => {
        nextId += 1;
        pending.set(nextId, { resolve, reject });
        worker.postMessage({ id: nextId, text });
      }),
    };
  }

  const mainThreadEngine = { name: 'main-thread', analyze: async (text) => wasm_bindgen.analyze(text) };

  let engine = null;
  let current = null; // { text, analysis } last rendered
  let generation = 0;
  let timer = 0;

  async function update() {
    const text = input.value;
    const mine = ++generation;
    let analysis;
    try {
      analysis = await engine.analyze(text);
      if (mine !== generation) return; // a newer edit is already on its way
      wasm_bindgen.renderAnalysis(output, text, analysis);
    } catch (error) {
      if (mine === generation) say(`Analysis failed: ${error.message}`, true);
      return;
    }
    current = { text, analysis };
    say(`${plural(analysis.sentences.length, 'sentence', 'sentences')}, ${plural(analysis.entities.length,
      'entity mention', 'entity mentions')}, ${plural(analysis.groups.length, 'distinct entity', 'distinct entities')}.`);
    updateLegend(analysis);
    renderPanel(analysis);
    copyButton.disabled = false;
    downloadButton.disabled = false;
  }

  const hidden = new Set();

  function buildLegend() {
    for (const label of wasm_bindgen.labels()) {
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
      legend.append(button);
    }
  }

  function updateLegend(analysis) {
    const counts = {};
    for (const entity of analysis.entities) counts[entity.label] = (counts[entity.label] || 0) + 1;
    for (const button of legend.children) {
      button.querySelector('.count').textContent = String(counts[button.dataset.label] || 0);
    }
  }

  function renderPanel(analysis) {
    const byLabel = new Map();
    analysis.groups.forEach((group, index) => {
      if (!byLabel.has(group.label)) byLabel.set(group.label, []);
      byLabel.get(group.label).push({ group, index });
    });
    const sections = [];
    for (const button of legend.children) {
      const label = button.dataset.label;
      const entries = byLabel.get(label);
      if (!entries) continue;
      entries.sort((a, b) => b.group.count - a.group.count || a.group.first - b.group.first);
      const items = entries.map(({ group, index }) => {
        const link = el('button', { type: 'button', class: 'entity-link', 'data-label': label, 'data-group': String(index) },
          el('span', { class: 'name' }, group.text),
          el('span', { class: 'count', 'aria-label': plural(group.count, 'mention', 'mentions') }, `×${group.count}`));
        link.addEventListener('click', () => jumpTo(index, group));
        return el('li', {}, link);
      });
      const headingId = `entities-${label.toLowerCase()}`;
      sections.push(el('section', { 'aria-labelledby': headingId },
        el('h3', { id: headingId }, `${NAMES[label]} (${entries.length})`), el('ul', {}, ...items)));
    }
    if (sections.length === 0) sections.push(el('p', { class: 'empty' }, 'No entities found.'));
    panel.replaceChildren(...sections);
  }

  /** Scrolls to the first mention of a distinct entity, flashes every mention, and focuses the first. */
  function jumpTo(index, group) {
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

  const json = () => `${JSON.stringify(current.analysis, null, 2)}\n`;

  copyButton.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(json());
    } catch {
      // No clipboard API (file://, older browsers): copy through a selected, off-screen textarea.
      const scratch = el('textarea', { 'aria-hidden': 'true', class: 'offscreen' });
      scratch.value = json();
      document.body.append(scratch);
      scratch.select();
      document.execCommand('copy');
      scratch.remove();
    }
    say('Copied the analysis as JSON.');
  });

  downloadButton.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([json()], { type: 'application/json' }));
    const link = el('a', { href: url, download: 'article-analysis.json', hidden: '' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });

  input.addEventListener('input', () => {
    if (!engine) return; // the first analysis reads the latest text anyway
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
  });

  async function start() {
    if (inlinedWasm) for (const node of document.querySelectorAll('[data-site-only]')) node.hidden = true;
    try {
      const source = inlinedWasm ? { base64: inlinedWasm.textContent } : { url: 'analyzer_bg.wasm' };
      const module = await loadAnalyzer(source);
      buildLegend();
      const worker = await startWorker(module);
      engine = worker ? workerEngine(worker) : mainThreadEngine;
      document.documentElement.dataset.engine = engine.name;
      await update();
    } catch (error) {
      say(`The analyzer could not start: ${error.message}`, true);
    }
  }

  start();
})();
