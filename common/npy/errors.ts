/** Why a byte sequence is not an acceptable `.npy` file. `code` lets callers pick an HTTP status. */
export type NpyErrorCode = 'format' | 'unsupported' | 'too-large' | 'incomplete';

export class NpyError extends Error {
  constructor(
    message: string,
    readonly code: NpyErrorCode = 'format',
  ) {
    super(message);
    this.name = 'NpyError';
  }
}
