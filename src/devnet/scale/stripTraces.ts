import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * anvil's state dump keeps, for every mined transaction, its full call trace. A build that creates tens of
 * thousands of contracts records each one's init code and runtime code in those traces: about half of a
 * full-size dump. Nothing reads them back (receipts and logs, which discovery needs, are kept), so the cache
 * stores the dump with every `"traces": [...]` emptied. A streaming pass: a dump of any size never sits in memory.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const KEY = 'traces';

export type StripResult = { bytesIn: number; bytesOut: number; stripped: number };

/** Copies the JSON file `from` to `to` with the value of every "traces" key replaced by `[]`. */
export function stripTraces(from: string, to: string, chunkBytes = 16 * 1024 * 1024): StripResult {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  const chunk = Buffer.allocUnsafe(chunkBytes);
  const out = Buffer.allocUnsafe(chunk.length * 2);
  let outLength = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  let stripped = 0;
  // Scanner state: inside a string (and after a backslash), the last string's first bytes, whether that string
  // was the key and we wait for its value, and the nesting depth of a value being skipped (0 = copying).
  let inString = false;
  let escaped = false;
  let lastString = '';
  let stringLength = 0;
  let keyState: 'none' | 'colon' | 'value' = 'none';
  let skipDepth = 0;
  const flush = () => {
    writeSync(output, out, 0, outLength);
    bytesOut += outLength;
    outLength = 0;
  };
  try {
    for (;;) {
      const read = readSync(input, chunk, 0, chunk.length, null);
      if (read === 0) break;
      bytesIn += read;
      for (let i = 0; i < read; i++) {
        const byte = chunk[i]!;
        if (inString && !escaped && byte !== QUOTE && byte !== BACKSLASH && (skipDepth > 0 || stringLength > KEY.length)) {
          // The bulk of a dump is long hex strings: jump to the next quote or backslash at once.
          // (The backslash is looked for only up to the quote: searching the whole chunk for one would make this
          // quadratic in a dump that has none.)
          let end = read;
          const quote = chunk.indexOf(QUOTE, i);
          if (quote !== -1 && quote < end) end = quote;
          const backslash = chunk.subarray(i, end).indexOf(BACKSLASH);
          if (backslash !== -1) end = i + backslash;
          if (skipDepth === 0) outLength += chunk.copy(out, outLength, i, end);
          i = end - 1;
          continue;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) inString = false;
          else if (skipDepth === 0 && stringLength < KEY.length + 1) {
            lastString += String.fromCharCode(byte);
            stringLength++;
          }
          if (skipDepth === 0) out[outLength++] = byte;
          if (!inString && skipDepth === 0) keyState = lastString === KEY ? 'colon' : 'none';
          continue;
        }
        if (skipDepth > 0) {
          if (byte === QUOTE) inString = true;
          else if (OPEN.has(byte)) skipDepth++;
          else if (CLOSE.has(byte)) skipDepth--;
          continue;
        }
        if (byte === QUOTE) {
          inString = true;
          lastString = '';
          stringLength = 0;
          out[outLength++] = byte;
          continue;
        }
        if (!WHITESPACE.has(byte)) {
          if (keyState === 'colon') keyState = byte === COLON ? 'value' : 'none';
          else if (keyState === 'value') {
            keyState = 'none';
            if (byte === 0x5b) {
              // The traces array: write `[]` and skip to its matching bracket.
              out[outLength++] = 0x5b;
              out[outLength++] = 0x5d;
              skipDepth = 1;
              stripped++;
              continue;
            }
          }
        }
        out[outLength++] = byte;
      }
      flush();
    }
    flush();
  } finally {
    closeSync(input);
    closeSync(output);
  }
  return { bytesIn, bytesOut, stripped };
}
