/** The text of an element as a reader sees it, and the way back from offsets in it to the DOM. */
export interface Reading {
  /** Blocks separated by "\n\n", `<br>` as "\n", white space collapsed as CSS does, hidden text left out. */
  text: string;
  /** The DOM point of a UTF-16 offset in `text` (`isEnd`: the end of the character before it). */
  position(offset: number, isEnd?: boolean): [Node, number] | null;
  /** A DOM Range over `text.slice(start, end)`. */
  range(start: number, end: number): Range;
  /** The offset in `text` of a DOM point, or -1 where it is not in the text read. */
  offsetOf(node: Node, offset: number): number;
}

/**
 * Reads `root` (an element, or a `<textarea>` by its value). `styles` (default: whether `root` is in a
 * document) decides blocks and hidden elements by computed style rather than by tag.
 */
export function readText(root: Element, options?: { styles?: boolean }): Reading;
