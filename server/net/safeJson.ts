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
  checkNesting(text);
  try {
    return JSON.parse(text);
  } catch {
    const quoted = lenient ? quoteBareSpecials(text) : undefined;
    if (quoted === undefined) throw new JsonInputError('message is not valid JSON');
    try {
      return JSON.parse(quoted);
    } catch {
      throw new JsonInputError('message is not valid JSON');
    }
  }
}

function checkNesting(text: string): void {
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
    }
  }
}

const SPECIALS = ['-Infinity', 'Infinity', 'NaN'];

// NaN (outside the string) compares false, so the text's ends count as boundaries.
const isWordChar = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;

/**
 * The text with bare NaN / Infinity / -Infinity tokens outside strings quoted, or undefined when it has
 * none. One pass, no regular expression: a pattern for "a JSON string" backtracks quadratically on
 * unterminated input.
 */
export function quoteBareSpecials(text: string): string | undefined {
  const parts: string[] = [];
  let copiedTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92 /* \ */) i++;
      else if (code === 34 /* " */) inString = false;
      continue;
    }
    if (code === 34) {
      inString = true;
      continue;
    }
    if (code !== 45 /* - */ && code !== 73 /* I */ && code !== 78 /* N */) continue;
    const token = SPECIALS.find((special) => text.startsWith(special, i));
    if (!token || isWordChar(text.charCodeAt(i - 1)) || isWordChar(text.charCodeAt(i + token.length))) continue;
    parts.push(text.slice(copiedTo, i), `"${token}"`);
    i += token.length - 1;
    copiedTo = i + 1;
  }
  if (parts.length === 0) return undefined;
  parts.push(text.slice(copiedTo));
  return parts.join('');
}

/** A value quoted in an error message: its JSON, cut short, so a huge or hostile input is not echoed back whole. */
export function describeJson(value: unknown, max = 60): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
