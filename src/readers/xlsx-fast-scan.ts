// A small push tokenizer for the XML that spreadsheet writers produce: tags, attributes and text,
// fed in chunks as a streaming inflate yields them, with no tree ever built. It knows just enough
// XML for OOXML parts: comments, CDATA and processing instructions are handled, a DTD is refused
// (entity expansion is the classic way to blow up or probe an XML parser), entities are decoded.

import { AppError } from '../domain/errors.js';

/** What the scanner reports; names have their namespace prefix removed (`x:c` → `c`). */
export interface XmlHandler {
  /** A start tag; `attrs` is the raw attribute text (read it with `attributes`). */
  open(name: string, attrs: string, selfClosing: boolean): void;
  close(name: string): void;
  /** Text between tags, already decoded; one run of text may arrive in several pieces. */
  text(value: string): void;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function corrupt(detail: string): AppError {
  return new AppError('FILE_CORRUPT', detail);
}

function entity(match: string, body: string): string {
  if (body.startsWith('#x')) {
    return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
  }
  if (body.startsWith('#')) {
    return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
  }
  return NAMED_ENTITIES[body] ?? match;
}

/** Line ends as an XML parser must hand them over: `\r\n` and a lone `\r` become `\n`. */
function normaliseLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Decodes the five XML entities and numeric character references (after line-end normalisation). */
function decodeXml(text: string): string {
  const normalised = normaliseLineEnds(text);
  return normalised.includes('&') ? normalised.replace(ENTITY, entity) : normalised;
}

/** The attributes of a start tag, decoded, names without their namespace prefix (`r:id` → `id`). */
export function attributes(attrs: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of attrs.matchAll(ATTRIBUTE)) {
    const name = match[1] ?? '';
    found.set(name.slice(name.indexOf(':') + 1), decodeXml(match[2] ?? match[3] ?? ''));
  }
  return found;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/** Quote-aware end of a tag: a `>` inside a quoted attribute value does not end it; -1 if not yet there. */
function slowTagEnd(buffer: string, from: number): number {
  let quote = '';
  for (let at = from; at < buffer.length; at += 1) {
    const char = buffer[at];
    if (quote !== '') {
      quote = char === quote ? '' : quote;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '>') {
      return at;
    }
  }
  return -1;
}

/** End of a tag starting at `from`; the common case (balanced double quotes) without a char loop. */
function tagEnd(buffer: string, from: number): number {
  const gt = buffer.indexOf('>', from);
  if (gt < 0) {
    return -1;
  }
  const body = buffer.slice(from, gt);
  let quotes = 0;
  for (let at = body.indexOf('"'); at >= 0; at = body.indexOf('"', at + 1)) {
    quotes += 1;
  }
  return quotes % 2 === 0 && !body.includes("'") ? gt : slowTagEnd(buffer, from);
}

/** The value of one attribute (`name`, with or without a namespace prefix), decoded; undefined when absent. */
export function attribute(attrs: string, name: string): string | undefined {
  for (let at = attrs.indexOf(name); at >= 0; at = attrs.indexOf(name, at + 1)) {
    const before = at === 0 ? 0x20 : attrs.charCodeAt(at - 1);
    let cursor = at + name.length;
    while (isSpace(attrs.charCodeAt(cursor))) {
      cursor += 1;
    }
    if ((!isSpace(before) && before !== 0x3a) || attrs[cursor] !== '=') {
      continue;
    }
    cursor += 1;
    while (isSpace(attrs.charCodeAt(cursor))) {
      cursor += 1;
    }
    const quote = attrs[cursor];
    const end = quote === '"' || quote === "'" ? attrs.indexOf(quote, cursor + 1) : -1;
    if (end >= 0) {
      return decodeXml(attrs.slice(cursor + 1, end));
    }
  }
  return undefined;
}

/**
 * The text as a string of its own. Text the scanner hands over is a V8 slice of that chunk (256 KiB
 * of XML) when it is 13 characters or longer: kept in a cell, it would keep the whole chunk alive.
 * Slicing a concatenation copies the characters first.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : `${text} `.slice(0, -1);
}

/** The longest entity the scanner decodes, `&#x10FFFF;`, with room to spare. */
const LONGEST_ENTITY = 12;

/**
 * Where the text at the end of a chunk can be handed over: an entity cut by the chunk's end
 * (`&am` | `p;`) or a `\r` that may be the first half of a `\r\n` waits for the next chunk.
 */
function textReadyEnd(buffer: string, from: number): number {
  let end = buffer.endsWith('\r') ? buffer.length - 1 : buffer.length;
  const amp = buffer.lastIndexOf('&', end - 1);
  if (amp >= from && amp > end - LONGEST_ENTITY && !buffer.includes(';', amp)) {
    end = amp;
  }
  return end;
}

/** Incremental scanner: `feed` text chunks in order, then `end`. */
export class XmlScanner {
  private pending = '';

  constructor(private readonly handler: XmlHandler) {}

  /** Scans as far as the text allows; an unfinished construct waits for the next chunk. */
  feed(chunk: string): void {
    const buffer = this.pending + chunk;
    let at = 0;

    for (;;) {
      const lt = buffer.indexOf('<', at);
      if (lt < 0) {
        const end = textReadyEnd(buffer, at);
        this.emitText(buffer.slice(at, end));
        at = end;
        break;
      }
      if (lt > at) {
        this.emitText(buffer.slice(at, lt));
      }
      const next = this.markup(buffer, lt);
      if (next < 0) {
        at = lt;
        break;
      }
      at = next;
    }

    this.pending = buffer.slice(at);
  }

  /** Checks that nothing is left half-read. */
  end(): void {
    if (this.pending.trim() !== '') {
      throw corrupt('(partie XML tronquée)');
    }
  }

  private emitText(raw: string): void {
    if (raw !== '') {
      this.handler.text(decodeXml(raw));
    }
  }

  /** Handles the markup at `lt`; returns where scanning resumes, or -1 when the chunk ends first. */
  private markup(buffer: string, lt: number): number {
    const second = buffer[lt + 1];
    if (second === undefined) {
      return -1;
    }
    if (second === '!') {
      return this.declaration(buffer, lt);
    }
    if (second === '?') {
      const close = buffer.indexOf('?>', lt + 2);
      return close < 0 ? -1 : close + 2;
    }

    const gt = tagEnd(buffer, lt + 1);
    if (gt < 0) {
      return -1;
    }
    this.tag(buffer.slice(lt + 1, gt));
    return gt + 1;
  }

  private declaration(buffer: string, lt: number): number {
    if (buffer.length < lt + 9) {
      return -1;
    }
    if (buffer.startsWith('<!--', lt)) {
      const close = buffer.indexOf('-->', lt + 4);
      return close < 0 ? -1 : close + 3;
    }
    if (buffer.startsWith('<![CDATA[', lt)) {
      const close = buffer.indexOf(']]>', lt + 9);
      if (close < 0) {
        return -1;
      }
      this.handler.text(normaliseLineEnds(buffer.slice(lt + 9, close)));
      return close + 3;
    }
    throw corrupt('(déclaration DOCTYPE/ENTITY refusée)');
  }

  private tag(body: string): void {
    if (body.startsWith('/')) {
      this.handler.close(localName(body.slice(1).trim()));
      return;
    }

    const selfClosing = body.endsWith('/');
    const inner = selfClosing ? body.slice(0, -1) : body;
    let nameEnd = 0;
    while (nameEnd < inner.length && !isSpace(inner.charCodeAt(nameEnd))) {
      nameEnd += 1;
    }
    this.handler.open(localName(inner.slice(0, nameEnd)), inner.slice(nameEnd), selfClosing);
    if (selfClosing) {
      this.handler.close(localName(inner.slice(0, nameEnd)));
    }
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** A start tag seen by `collectTags`, with the names of the elements around it. */
interface CollectedTag {
  name: string;
  attrs: Map<string, string>;
  path: string[];
}

/** Collects start tags by name: enough for the small parts (workbook, relationships, styles). */
class TagCollector implements XmlHandler {
  readonly found: CollectedTag[] = [];
  private readonly stack: string[] = [];

  constructor(private readonly wanted: ReadonlySet<string>) {}

  open(name: string, attrs: string): void {
    if (this.wanted.has(name)) {
      this.found.push({ name, attrs: attributes(attrs), path: [...this.stack] });
    }
    this.stack.push(name);
  }

  close(): void {
    this.stack.pop();
  }

  text(): void {
    // Small parts carry everything we need in attributes.
  }
}

/** The start tags of the wanted names in a whole (small) XML part, in document order. */
export function collectTags(xml: string, names: string[]): CollectedTag[] {
  const collector = new TagCollector(new Set(names));
  const scanner = new XmlScanner(collector);
  scanner.feed(xml);
  scanner.end();
  return collector.found;
}
