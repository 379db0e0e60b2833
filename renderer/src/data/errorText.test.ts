import { describe, expect, it } from 'vitest';
import { ApiError, ConnectionError } from '../../../client/index.js';
import { errorText } from './errorText.js';

describe('errorText', () => {
  it("shows the server's detail", () => {
    expect(errorText(new ApiError(400, 'not a .npy file: bad magic'))).toBe('not a .npy file: bad magic');
    const issue = { type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null };
    expect(errorText(new ApiError(422, [issue]))).toBe('body.file: Field required');
  });

  it('says when the server cannot be reached', () => {
    expect(errorText(new ConnectionError('http://h:1/health', new Error('refused')))).toBe('Cannot reach the server at http://h:1/health');
  });

  it('falls back to the message', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText('odd')).toBe('odd');
  });
});
