// A strict reader for the XMPP messages ISDP receives: well-formed XML 1.0 or an error saying
// where it is not. Openfire refuses what is not well-formed, so the sandbox must too, and the
// tests read the panel's messages back with it. It covers what a message stanza uses (a
// declaration, elements, attributes, text, the five entities and character references); a
// DOCTYPE, comments, CDATA and processing instructions are refused rather than half-read.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export class XmlError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at offset ${offset})`);
    this.name = 'XmlError';
  }
}

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const SPACE = /[ \t\r\n]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function parseXml(text: string): { declaration: Record<string, string> | null; root: XmlElement } {
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) throw new XmlError(`character U+${(bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, bad.index);
  const r = new Reader(text);
  let declaration: Record<string, string> | null = null;
  if (text.startsWith('<?xml')) {
    r.pos = 5;
    declaration = r.attributes('?>');
    if (declaration['version'] !== '1.0') throw new XmlError('the declaration must say version="1.0"', 0);
    r.expect('?>');
  }
  r.space();
  const root = r.element();
  r.space();
  if (r.pos !== text.length) throw new XmlError('content after the root element', r.pos);
  return { declaration, root };
}

class Reader {
  pos = 0;
  constructor(private readonly s: string) {}

  space(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.s);
    this.pos = SPACE.lastIndex;
  }

  expect(token: string): void {
    if (!this.s.startsWith(token, this.pos)) throw new XmlError(`expected "${token}"`, this.pos);
    this.pos += token.length;
  }

  name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.s);
    if (!m) throw new XmlError('expected a name', this.pos);
    this.pos = NAME.lastIndex;
    return m[0];
  }

  /** name="value" pairs up to (not including) `end`; values unescaped. */
  attributes(end: string): Record<string, string> {
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = this.pos;
      this.space();
      if (this.s.startsWith(end, this.pos) || this.s.startsWith('/>', this.pos) || this.s.startsWith('>', this.pos)) return attrs;
      if (this.pos === before) throw new XmlError('attributes must be separated by white space', this.pos);
      const at = this.pos;
      const name = this.name();
      this.space();
      this.expect('=');
      this.space();
      const quote = this.s[this.pos];
      if (quote !== '"' && quote !== "'") throw new XmlError('an attribute value must be quoted', this.pos);
      const close = this.s.indexOf(quote, this.pos + 1);
      if (close < 0) throw new XmlError('unterminated attribute value', this.pos);
      const raw = this.s.slice(this.pos + 1, close);
      if (raw.includes('<')) throw new XmlError(`"<" in the value of ${name}`, this.pos);
      if (Object.hasOwn(attrs, name)) throw new XmlError(`attribute ${name} appears twice`, at);
      attrs[name] = unescape(raw, this.pos + 1);
      this.pos = close + 1;
    }
  }

  element(): XmlElement {
    const start = this.pos;
    this.expect('<');
    if (this.s[this.pos] === '!' || this.s[this.pos] === '?') throw new XmlError('DOCTYPE, comments, CDATA and processing instructions are not accepted', start);
    const name = this.name();
    const attrs = this.attributes('>');
    if (this.s.startsWith('/>', this.pos)) {
      this.pos += 2;
      return { name, attrs, children: [] };
    }
    this.expect('>');
    const children: XmlNode[] = [];
    for (;;) {
      const lt = this.s.indexOf('<', this.pos);
      if (lt < 0) throw new XmlError(`<${name}> is never closed`, start);
      if (lt > this.pos) {
        const raw = this.s.slice(this.pos, lt);
        if (raw.includes(']]>')) throw new XmlError('"]]>" in text', this.pos);
        children.push(unescape(raw, this.pos));
        this.pos = lt;
      }
      if (this.s.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.name();
        if (closing !== name) throw new XmlError(`</${closing}> closes <${name}>`, this.pos);
        this.space();
        this.expect('>');
        return { name, attrs, children };
      }
      children.push(this.element());
    }
  }
}

/** Replaces entity and character references; a bare "&" or an unknown entity is an error. */
function unescape(raw: string, offset: number): string {
  return raw.replace(/&([^;&]*)(;?)/g, (whole, ref: string, semi: string, i: number) => {
    const where = offset + i;
    if (!semi) throw new XmlError('a bare "&" (it must be written &amp;)', where);
    const named = ENTITIES[ref];
    if (named !== undefined) return named;
    const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (!m) throw new XmlError(`unknown entity &${ref};`, where);
    const code = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
    const ch = code <= 0x10ffff ? String.fromCodePoint(code) : '';
    if (!ch || NOT_XML_CHAR.test(ch)) throw new XmlError(`${whole} is not an XML character`, where);
    return ch;
  });
}

/** The text directly inside an element. */
export function textOf(e: XmlElement): string {
  return e.children.filter((c): c is string => typeof c === 'string').join('');
}

export function childElements(e: XmlElement): XmlElement[] {
  return e.children.filter((c): c is XmlElement => typeof c !== 'string');
}
