import { describe, expect, it } from 'vitest';
import { InvalidServerAddress, parseServerAddress } from './serverAddress.js';

describe('parseServerAddress', () => {
  it('adds http:// and drops trailing slashes, other queries and fragments', () => {
    expect(parseServerAddress(' 192.168.1.5:8000 ')).toEqual({ url: 'http://192.168.1.5:8000' });
    expect(parseServerAddress('localhost:8000/npy/')).toEqual({ url: 'http://localhost:8000/npy' });
    expect(parseServerAddress('[::1]:8443')).toEqual({ url: 'http://[::1]:8443' });
    expect(parseServerAddress('https://lab.example.org/npy/?x=1#y')).toEqual({ url: 'https://lab.example.org/npy' });
    expect(parseServerAddress('HTTP://Host:80/')).toEqual({ url: 'http://host' });
    expect(parseServerAddress('HTTP://Example.ORG/api//')).toEqual({ url: 'http://example.org/api' });
  });

  it('takes the token from the pasted address unless one is given', () => {
    expect(parseServerAddress('http://lab:8000/?token=abc')).toEqual({ url: 'http://lab:8000', token: 'abc' });
    expect(parseServerAddress('http://lab:8000/?token=abc', ' xyz ')).toEqual({ url: 'http://lab:8000', token: 'xyz' });
    expect(parseServerAddress('lab:8000', '')).toEqual({ url: 'http://lab:8000' });
  });

  it.each([
    ['', /is empty: give one such as http:/],
    ['   ', /is empty/],
    ['not a url', /"not a url" is not a URL such as/],
    ['http://exa mple', /is not a URL/],
    ['ftp://host', /must be an http:\/\/ or https:\/\/ URL, not ftp:/],
    ['file:///etc/passwd', /not file:/],
    ['javascript:alert(1)', /not javascript:/],
    ['ws://host:8000', /not ws:/],
    ['app://npy-studio/', /not app:/],
    ['http://user:secret@host:8000', /must not contain a user name or password/],
  ])('refuses %j', (text, message) => {
    expect(() => parseServerAddress(text)).toThrow(InvalidServerAddress);
    expect(() => parseServerAddress(text)).toThrow(message);
  });
});
