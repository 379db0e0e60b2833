/**
 * JSON from the network, read in time linear in its size and with its nesting bounded, so neither a
 * hostile message nor the error text describing it can exhaust the stack or the CPU.
 */

/** Why a text is not a JSON message we accept. */
export class JsonInputError extends Error {}

/** Far more than any message of ours needs (a packet is 3 deep and has at most 65 lists). */
export const MAX_JSON_DEPTH = 32;
/** Bounds what JSON.parse allocates: 16 MiB of `[],` would otherwise become millions of arrays. */
export const MAX_JSON_CONTAINERS = 4096;

export interface JsonReadOptions {
  /** Also accept Python's bare NaN, Infinity and -Infinity (as `json.dumps` writes them), read as strings. */
  readonly lenient?: boolean;
}

/** Checked before parsing, in one pass, so nothing deep or huge is ever built. */
export function parseJsonMessage(text: string, { lenient = false }: JsonReadOptions = {}): unknown {
  const specials = scanJsonText(text, lenient);
  try {
    return JSON.parse(text);
  } catch {
    if (specials.length === 0) throw new JsonInputError('message is not valid JSON');
    try {
      return JSON.parse(quoteAt(text, specials));
    } catch {
      throw new JsonInputError('message is not valid JSON');
    }
  }
}

const SPECIALS = ['-Infinity', 'Infinity', 'NaN'];

/** A bare NaN / Infinity / -Infinity token outside strings. */
interface BareSpecial {
  readonly at: number;
  readonly token: string;
}

// NaN (outside the string) compares false, so the text's ends count as boundaries.
const isWordChar = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;

/**
 * The one pass over the text outside strings: it bounds nesting and, when `findSpecials`, notes the
 * bare specials to quote. No regular expression: a pattern for "a JSON string" backtracks
 * quadratically on unterminated input.
 */
function scanJsonText(text: string, findSpecials: boolean): BareSpecial[] {
  const specials: BareSpecial[] = [];
  let depth = 0;
  let containers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92 /* \ */) i++;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) {
      inString = true;
    } else if (code === 91 /* [ */ || code === 123 /* { */) {
      if (++depth > MAX_JSON_DEPTH) throw new JsonInputError(`message nests lists or objects more than ${MAX_JSON_DEPTH} deep`);
      if (++containers > MAX_JSON_CONTAINERS) throw new JsonInputError(`message has more than ${MAX_JSON_CONTAINERS} lists or objects`);
    } else if (code === 93 /* ] */ || code === 125 /* } */) {
      depth--;
    } else if (findSpecials && (code === 45 || code === 73 || code === 78)) {
      // '-', 'I' or 'N': where a special can start
      const token = SPECIALS.find((special) => text.startsWith(special, i));
      if (!token || isWordChar(text.charCodeAt(i - 1)) || isWordChar(text.charCodeAt(i + token.length))) continue;
      specials.push({ at: i, token });
      i += token.length - 1;
    }
  }
  return specials;
}

/** The text with each of `specials` quoted, read as strings. */
function quoteAt(text: string, specials: readonly BareSpecial[]): string {
  const parts: string[] = [];
  let copiedTo = 0;
  for (const { at, token } of specials) {
    parts.push(text.slice(copiedTo, at), `"${token}"`);
    copiedTo = at + token.length;
  }
  parts.push(text.slice(copiedTo));
  return parts.join('');
}

/** A value quoted in an error message: its JSON, cut short, so a huge or hostile input is not echoed back whole. */
export function describeJson(value: unknown, max = 60): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
