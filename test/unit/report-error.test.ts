import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError } from '../../src/cli/report.ts';
import { SearcherError } from '../../src/errors.ts';

/**
 * What `reportError` prints comes in part from peers (a node's or a builder's error text): it must reach the
 * terminal as text, never as commands (erase the line, forge a ✓, write the clipboard with OSC 52, ring the bell).
 */
const hostile = 'refused\u001b[2K\r\u001b[32m✓ all good\u001b[0m\u001b]52;c;ZXZpbA==\u0007\u009b31m';

function captured(error: unknown): { code: number; text: string } {
  let text = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  try {
    return { code: reportError(error), text };
  } finally {
    spy.mockRestore();
  }
}

function expectInert(text: string): void {
  expect(text.length).toBeGreaterThan(0);
  // One line, its only control character the final newline; the escapes are shown, not obeyed.
  expect(text.endsWith('\n')).toBe(true);
  expect(text.slice(0, -1)).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
  expect(text).toContain('\\u001b[2K');
  expect(text).toContain('\\u001b]52;c;ZXZpbA==\\u0007');
}

afterEach(() => vi.restoreAllMocks());

describe('reportError: peers\' text is shown, never obeyed', () => {
  it('a SearcherError whose message carries a node\'s ESC sequences', () => {
    const { code, text } = captured(new SearcherError('ENGINE_START', `the node said: ${hostile}`));
    expect(code).toBe(1);
    expect(text.startsWith('searcher: the node said: refused')).toBe(true);
    expectInert(text);
  });

  it('an unexpected Error with ESC sequences in its message', () => {
    const { code, text } = captured(new Error(hostile));
    expect(code).toBe(1);
    expect(text.startsWith('searcher: unexpected error: Error: refused')).toBe(true);
    expectInert(text);
  });

  it('a node that answered HTTP 500 with ESC sequences in the body', () => {
    const error = Object.assign(new Error('HTTP request failed'), { url: 'http://user:secret@127.0.0.1:8545/', status: 500, details: hostile });
    const { code, text } = captured(error);
    expect(code).toBe(1);
    expect(text).toMatch(/^searcher: the node at http:\/\/.*127\.0\.0\.1:8545\/ answered HTTP 500: refused/);
    expect(text).not.toContain('secret');
    expectInert(text);
  });
});
