// The text of an element as a reader sees it, with a table from its UTF-16 offsets back to the DOM.
// Shared by `highlight` (www/highlight.js) and the <article-analyzer> element (www/element.js, where
// `cargo xtask dist` inlines this file without its `export`). It reads, never writes.
//
// Block elements (p, div, h1-h6, li, blockquote, pre, table rows and cells, section, ...) are
// paragraphs: "\n\n" between them; <br> is "\n". <script>, <style>, <template> and the like, and
// hidden elements (the `hidden` attribute; display: none when computed styles are read) are skipped;
// aria-hidden is not hidden. Collapsible white space (as CSS collapses it) is one space, none at the
// start or end of a block; under white-space: pre* (or in <pre> without styles) it is kept.

const BLOCKS = new Set(('address article aside blockquote body caption center dd details dialog dir div dl dt '
  + 'fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li main menu nav ol p pre '
  + 'section summary table tbody td tfoot th thead tr ul').split(' '));
const SKIPPED = new Set(('script style template noscript head title iframe object embed canvas select '
  + 'textarea input audio video').split(' '));
const PRESERVING = new Set(['pre', 'listing', 'xmp', 'plaintext']);

/**
 * Reads `root`. `styles` (default: whether `root` is in a document) says whether computed styles
 * decide what is a block, hidden or preformatted; without them (an element's unrendered children)
 * tag names do. Returns `{ text, position(offset, isEnd), range(start, end), offsetOf(node, offset) }`:
 * `position` maps an offset of `text` to `[node, offset]` (the start of the character at `offset`, or
 * with `isEnd` the end of the one before it), `range` makes a DOM Range of `text.slice(start, end)`,
 * and `offsetOf` maps a DOM position back to an offset of `text` (-1 outside the text read).
 */
export function readText(root, { styles = root.isConnected } = {}) {
  if (root.localName === 'textarea') return { text: root.value, position: () => null, range: () => null, offsetOf: () => -1 };
  let text = '';
  const segments = []; // { at, node, from, to, length }: text[at, at+length) is node.data[from, to)
  let breaks = 0; // line breaks owed before the next text
  let space = null; // a collapsed space owed before the next text: [node, from, to]

  const put = (node, from, to, length = to - from) => {
    if (breaks > 0) {
      if (text) text += '\n'.repeat(breaks);
      breaks = 0;
    } else if (space) {
      const [spaceNode, spaceFrom, spaceTo] = space;
      space = null;
      put(spaceNode, spaceFrom, spaceTo, 1);
    }
    const last = segments[segments.length - 1];
    if (last && last.node === node && last.to === from && last.length === last.to - last.from && length === to - from) {
      last.to = to;
      last.length += length;
    } else {
      segments.push({ at: text.length, node, from, to, length });
    }
    text += length === to - from ? node.data.slice(from, to) : ' ';
  };
  const block = (count) => {
    breaks = Math.max(breaks, count);
    space = null;
  };

  const visit = (node, preserve) => {
    if (node.nodeType === 3) {
      const data = node.data;
      if (preserve) {
        if (data) put(node, 0, data.length);
        return;
      }
      // Text between these runs is verbatim (a single space between two characters included).
      let at = 0;
      for (const match of data.matchAll(/[ \t\n\r\f]{2,}|[\t\n\r\f]|^ | $/g)) {
        if (match.index > at) put(node, at, match.index);
        at = match.index + match[0].length;
        if (text && breaks === 0 && !space) space = [node, match.index, at];
      }
      if (at < data.length) put(node, at, data.length);
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 11) return;
    const name = node.localName;
    if (SKIPPED.has(name) || node.hasAttribute?.('hidden')) return;
    let isBlock = BLOCKS.has(name);
    if (node.nodeType === 1 && styles) {
      const style = getComputedStyle(node);
      if (style.display === 'none') return;
      isBlock = !/^(inline|contents|ruby)/.test(style.display);
      preserve = /^(pre|break-spaces)/.test(style.whiteSpace);
    } else if (PRESERVING.has(name)) {
      preserve = true;
    }
    if (name === 'br') {
      space = null;
      breaks += 1;
      return;
    }
    if (isBlock) block(2);
    for (let child = node.firstChild; child; child = child.nextSibling) visit(child, preserve);
    if (isBlock) block(2);
  };
  for (let child = root.firstChild; child; child = child.nextSibling) {
    visit(child, styles ? /^(pre|break-spaces)/.test(getComputedStyle(root).whiteSpace) : PRESERVING.has(root.localName));
  }

  const position = (offset, isEnd) => {
    const at = isEnd ? offset - 1 : offset;
    let low = 0;
    let high = segments.length - 1;
    let index = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (segments[middle].at <= at) {
        index = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    let segment = segments[Math.max(index, 0)];
    if (!segment) return null;
    if (index < 0 || at >= segment.at + segment.length) {
      // A line break between segments: the end of the text before it, or the start of the text after.
      if (index >= 0 && (isEnd || !segments[index + 1])) return [segment.node, segment.to];
      segment = segments[index + 1];
      return [segment.node, segment.from];
    }
    if (segment.length !== segment.to - segment.from) return [segment.node, isEnd ? segment.to : segment.from];
    return [segment.node, segment.from + at - segment.at + (isEnd ? 1 : 0)];
  };

  return {
    text,
    position,
    range(start, end) {
      const range = new Range();
      const [startNode, startOffset] = position(start, false);
      const [endNode, endOffset] = position(end, true);
      range.setStart(startNode, startOffset);
      range.setEnd(endNode, endOffset);
      return range;
    },
    offsetOf(node, offset) {
      if (node.nodeType !== 3) {
        const child = node.childNodes[offset];
        const segment = segments.find((s) => (child ? child.contains(s.node) : node.contains(s.node)));
        return segment ? segment.at : -1;
      }
      const segment = segments.find((s) => s.node === node && s.from <= offset && offset <= s.to);
      if (!segment) return -1;
      return segment.at + Math.min(offset - segment.from, segment.length);
    },
  };
}
