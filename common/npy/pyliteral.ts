import { NpyError } from './errors.js';

/**
 * The subset of Python literal syntax that `.npy` headers use (dicts, tuples, lists, strings,
 * numbers, True/False/None). A hand-written parser because a header must never be evaluated.
 * Integers are bigint; floats are read too (as number), so a header like `'shape': (3.0,)` is
 * refused for its shape rather than as a malformed literal.
 */
export type PyValue = string | bigint | number | boolean | null | PyValue[] | PyTuple | PyDict;
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
export class PyDict {
  constructor(readonly entries: Map<string, PyValue>) {}
}

const MAX_DEPTH = 16;

export function parsePyLiteral(text: string): PyValue {
  const parser = new Parser(text);
  const value = parser.value(0);
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unexpected text after the literal');
  return value;
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(why: string): never {
    throw new NpyError(`header is not a valid Python literal: ${why} at offset ${this.pos}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '{') return this.dict(depth);
    if (ch === '(') return this.sequence(')', depth);
    if (ch === '[') return this.sequence(']', depth);
    if (ch === "'" || ch === '"') return this.string();
    if (ch !== undefined && /[-+0-9]/.test(ch)) return this.number();
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail(ch === undefined ? 'unexpected end' : `unexpected character ${JSON.stringify(ch)}`);
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) this.fail(`expected ${JSON.stringify(ch)}`);
    this.pos++;
  }

  /** Parses comma-separated items up to `close`, allowing a trailing comma, as Python does. */
  private items(close: string, item: () => void): number {
    this.pos++;
    let count = 0;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return count;
      }
      item();
      count++;
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) this.fail(`expected "," or ${JSON.stringify(close)}`);
    }
  }

  private dict(depth: number): PyDict {
    const entries = new Map<string, PyValue>();
    this.items('}', () => {
      const key = this.value(depth + 1);
      if (typeof key !== 'string') this.fail('dict keys must be strings');
      if (entries.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      this.expect(':');
      entries.set(key, this.value(depth + 1));
    });
    return new PyDict(entries);
  }

  private sequence(close: ')' | ']', depth: number): PyValue {
    const items: PyValue[] = [];
    const start = this.pos;
    const count = this.items(close, () => items.push(this.value(depth + 1)));
    if (close === ']') return items;
    // `(3)` is a parenthesised int in Python, `(3,)` a tuple.
    if (count === 1 && !/,\s*\)$/.test(this.text.slice(start, this.pos))) return items[0]!;
    return new PyTuple(items);
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined || ch === '\n') this.fail('unterminated string');
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++];
      const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };
      if (esc !== undefined && esc in simple) out += simple[esc];
      else if (esc === 'x' || esc === 'u') {
        const len = esc === 'x' ? 2 : 4;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail('bad escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += len;
      } else this.fail('unsupported escape');
    }
  }

  private number(): bigint | number {
    const match = /^[-+]?\d+(\.\d*)?([eE][-+]?\d+)?([lL])?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!match || (match[3] && (match[1] || match[2]))) return this.fail('expected a number');
    this.pos += match[0].length;
    if (/^[\w.]/.test(this.text[this.pos] ?? '')) this.fail('malformed number');
    // Python 2 wrote `3L`; numpy still reads such headers.
    const text = match[0].replace(/[lL]$/, '');
    return match[1] || match[2] ? Number(text) : BigInt(text);
  }
}
