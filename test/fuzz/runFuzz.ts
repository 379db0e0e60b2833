import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy } from '../../common/npy/codec.js';
import { NpyError } from '../../common/npy/errors.js';
import { type Random, mutate, seededRandom } from './mutate.js';
import { HANG_MS } from '../helpers/wait.js';

export const SEED_CORPUS_DIR = join(import.meta.dirname, '..', 'fixtures', 'valid');

export function loadSeedCorpus(dir = SEED_CORPUS_DIR): Uint8Array[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.npy'))
    .sort()
    .map((f) => new Uint8Array(readFileSync(join(dir, f))));
}

export interface FuzzResult {
  files: number;
  accepted: number;
  rejected: number;
  /** Anything but a clean accept or a clean refusal: a crash, a 5xx, a disagreement with the codec. */
  failures: string[];
}

/** Mutants through the codec alone: each must decode or throw an NpyError, nothing else. */
export function fuzzCodec(seeds: readonly Uint8Array[], count: number, seed = 1): FuzzResult {
  const random = seededRandom(seed);
  const result: FuzzResult = { files: 0, accepted: 0, rejected: 0, failures: [] };
  for (let i = 0; i < count; i++) {
    const file = mutate(seeds, random);
    result.files++;
    try {
      decodeNpy(file);
      result.accepted++;
    } catch (err) {
      if (err instanceof NpyError) result.rejected++;
      else result.failures.push(`mutant ${i}: ${(err as Error).stack}`);
    }
  }
  return result;
}

function codecAccepts(file: Uint8Array): boolean {
  try {
    decodeNpy(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Mutants uploaded over HTTP, `concurrency` at a time: each must get 200 (exactly when the codec
 * accepts it) or a 4xx with a string `detail`.
 */
export async function fuzzHttp(
  baseUrl: string,
  seeds: readonly Uint8Array[],
  count: number,
  seed = 1,
  concurrency = 8,
): Promise<FuzzResult> {
  const random: Random = seededRandom(seed);
  const result: FuzzResult = { files: 0, accepted: 0, rejected: 0, failures: [] };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const file = mutate(seeds, random);
      const form = new FormData();
      form.append('file', new Blob([file as Uint8Array<ArrayBuffer>]), `fuzz-${i}.npy`);
      try {
        const response = await fetch(`${baseUrl}/upload`, { method: 'POST', body: form, signal: AbortSignal.timeout(HANG_MS) });
        const body = (await response.json()) as { detail?: unknown };
        result.files++;
        const valid = codecAccepts(file);
        if (response.status === 200 && valid) result.accepted++;
        else if (response.status >= 400 && response.status < 500 && typeof body.detail === 'string' && !valid) result.rejected++;
        else
          result.failures.push(
            `mutant ${i}: status ${response.status}, codec ${valid ? 'accepts' : 'rejects'}, body ${JSON.stringify(body).slice(0, 200)}`,
          );
      } catch (err) {
        result.failures.push(`mutant ${i}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}
