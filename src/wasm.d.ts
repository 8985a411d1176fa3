
/** What an entity mention is. */
export type Label = "PERSON" | "ORG" | "LOC" | "MISC" | "DATE" | "TIME" | "MONEY" | "PERCENT" | "QUANTITY";

/** A half-open range `start..end` of the text, in UTF-16 code units (as `String.prototype.slice` counts). */
export interface Span {
  start: number;
  end: number;
}

/** One entity mention: `text === input.slice(start, end)`, lone surrogates included. */
export interface Entity extends Span {
  label: Label;
  text: string;
  /** The index of its distinct entity in `Analysis.groups`. */
  group: number;
  /**
   * How likely the mention is right, span and label, from 0 to 1 (three decimals): for a PERSON, ORG, LOC or
   * MISC name of the model, a probability from its scores; 0.9 for a rule's label (DATE, MONEY, ...); 1 for a
   * custom entity's name.
   */
  confidence: number;
}

/**
 * A distinct entity: its mentions share `label` and canonical `text`; `first` is the first mention's start.
 * `text` is a name, not a slice of the input (a possessive dropped, or a custom entity's `name`): a lone
 * surrogate in it reads as U+FFFD, so mentions that differ only in one are the same entity.
 */
export interface EntityGroup {
  text: string;
  label: Label;
  count: number;
  first: number;
  /**
   * How much the text is about it, from 0 to 1 (three decimals), summing to 1 over the PERSON, ORG, LOC and MISC
   * groups; 0 for dates and amounts.
   */
  salience: number;
  /** The custom entity's `url`, when it has one. */
  url?: string;
}

/**
 * A newsroom's own entity for `new Analyzer([...])`: its mentions (name or aliases) get `label` and group under `name`.
 * Any other field is refused, so that a typo (`alias`) is not silently ignored.
 */
export interface CustomEntity {
  name: string;
  label: Label;
  aliases?: string[];
  /** A web address that identifies it: the group's `url`, and `sameAs` in JSON-LD. */
  url?: string;
}

/**
 * The mention that names who said a quotation (`text === input.slice(start, end)`): a name, or a pronoun
 * ("she") resolved to one.
 */
export interface Speaker extends Span {
  text: string;
  /** The index in `Analysis.groups` of the entity it names or resolves to; `null` when none. */
  group: number | null;
}

/** A direct quotation, its quote marks included, with who said it and the reporting word ("said"). */
export interface Quote extends Span {
  /** `null` when the text names nobody. */
  speaker: Speaker | null;
  /** The reporting word ("said", "according to"); `null` when there is none. */
  cue: Span | null;
}

/** The analysis of one text, the same shape the `article-analyzer` CLI prints. */
export interface Analysis {
  /** Sentences in order, non-overlapping, trimmed of surrounding whitespace. */
  sentences: Span[];
  /** Entity mentions in order, non-overlapping. */
  entities: Entity[];
  /** The distinct entities, in order of first mention. */
  groups: EntityGroup[];
  /** Direct quotations in order (absent from an analysis made before quotations, which renders the same). */
  quotes: Quote[];
}

/** One entity of a `NewsArticle`: `Person`, `Organization`, `Place` or `Thing` (PERSON, ORG, LOC, MISC). */
export interface JsonLdThing {
  "@type": "Person" | "Organization" | "Place" | "Thing";
  /** The group's `text`. */
  name: string;
  /** The group's `url`, from a custom entity. */
  sameAs?: string;
}

/** The entities of an analysis as schema.org JSON-LD (`toJsonLd`, the CLI's `--jsonld`). */
export interface NewsArticle {
  "@context": "https://schema.org";
  "@type": "NewsArticle";
  headline?: string;
  url?: string;
  /** The three most salient named entities, most salient first. */
  about: JsonLdThing[];
  /** The other named entities, by salience. */
  mentions: JsonLdThing[];
}
