// <article-analyzer>: the highlighted article in a shadow root, for CMS preview panes.
//
//   <script src="article-analyzer-element.js"></script>
//   <article-analyzer text="Harbor Freight Lines agreed to buy Nordvik Shipping."></article-analyzer>
//   <article-analyzer>Or the article as the element's own text.</article-analyzer>
//
// `cargo xtask dist` wraps this file twice, each wrapper putting `wasm_bindgen` (the glue's API),
// `analyzerReady()` (resolves once the wasm is instantiated, loading it on the first call), `readText`
// (www/text-reader.js) and ELEMENT_CSS in scope:
// - article-analyzer-element.js, one classic script: analyzer.js (the glue and `loadAnalyzer`), the
//   wasm inlined (base64) and the styles inside a closure, so nothing leaks into the page's globals;
// - the npm package's element.js, an ES module that imports the glue and fetches the package's
//   article_analyzer_bg.wasm (the file `highlight` loads too, so a browser caches it once).
// The element re-renders when `text` or its content changes, exposes the last result as `.analysis`
// and fires an `analyzed` event with it as `detail`.

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(ELEMENT_CSS);
  }
  return sheet;
}

class ArticleAnalyzerElement extends HTMLElement {
  static get observedAttributes() {
    return ['text'];
  }

  #output;
  #observer = null;
  #scheduled = false;
  #analysis = null;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styles()];
    this.#output = document.createElement('div');
    this.#output.className = 'article';
    this.#output.setAttribute('part', 'article');
    root.append(this.#output);
  }

  /**
   * The text analysed: the `text` attribute if present, else the element's own content: plain text as
   * it is, HTML as a reader sees it (`readText`: blocks and table cells are paragraphs, <br> a line
   * break, scripts, styles and hidden elements left out), so "talks stall</p><p>SEATTLE" never
   * runs together.
   */
  get text() {
    return this.getAttribute('text') ?? (this.children.length ? readText(this, { styles: false }).text : this.textContent);
  }

  set text(value) {
    this.setAttribute('text', value);
  }

  /** The last analysis ({sentences, entities, groups, quotes}, UTF-16 offsets), or null before the first. */
  get analysis() {
    return this.#analysis;
  }

  connectedCallback() {
    this.#observer ??= new MutationObserver(() => this.#schedule());
    this.#observer.observe(this, { childList: true, characterData: true, subtree: true });
    this.#schedule();
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
  }

  attributeChangedCallback() {
    this.#schedule();
  }

  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    analyzerReady().then(() => {
      this.#scheduled = false;
      const text = this.text;
      this.#analysis = wasm_bindgen.analyze(text);
      wasm_bindgen.renderAnalysis(this.#output, text, this.#analysis);
      this.dispatchEvent(new CustomEvent('analyzed', { detail: this.#analysis }));
    }).catch((error) => {
      this.#scheduled = false;
      const message = document.createElement('p');
      message.className = 'error';
      message.textContent = `article-analyzer: ${error.message}`;
      this.#output.replaceChildren(message);
    });
  }
}

if (!customElements.get('article-analyzer')) customElements.define('article-analyzer', ArticleAnalyzerElement);
