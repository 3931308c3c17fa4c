import { SearcherError } from '../errors.ts';

/** A block comment that never ends: the rest of the file would silently vanish. */
export class JsonCommentError extends SearcherError {
  constructor(message: string) {
    super('SCENARIO_INVALID', message);
  }
}

/**
 * JSON with comments (`// ...` to the end of the line, `/* ... *\/`), as `searcher init` writes it: each comment
 * becomes spaces (its newlines kept), so the result is plain JSON with every line and column where it was and
 * JSON.parse's error positions still point into the operator's file. Markers inside strings are text (every URL
 * has `//`). Nothing else of JSON5 (no trailing commas, no single quotes): the file stays JSON an editor
 * understands.
 */
export function stripJsonComments(text: string): string {
  let out = '';
  let index = 0;
  let inString = false;
  const blank = (piece: string) => piece.replace(/[^\n]/g, ' ');
  while (index < text.length) {
    const char = text[index]!;
    if (inString) {
      if (char === '\\') {
        out += text.slice(index, index + 2);
        index += 2;
        continue;
      }
      if (char === '"') inString = false;
      out += char;
      index++;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
      index++;
      continue;
    }
    if (char === '/' && text[index + 1] === '/') {
      const end = text.indexOf('\n', index);
      const stop = end === -1 ? text.length : end;
      out += blank(text.slice(index, stop));
      index = stop;
      continue;
    }
    if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      if (end === -1) {
        const line = text.slice(0, index).split('\n').length;
        throw new JsonCommentError(`unterminated /* comment starting on line ${line}`);
      }
      out += blank(text.slice(index, end + 2));
      index = end + 2;
      continue;
    }
    out += char;
    index++;
  }
  return out;
}
