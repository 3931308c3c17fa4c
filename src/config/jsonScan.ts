/**
 * A JSON walk that reports what JSON.parse does not: where (line and column) the first syntax error is, and keys
 * given twice in one object (JSON.parse keeps the last silently: a "risk" block pasted at the end of init's file
 * would replace init's tighter breakers). JSON.parse stays the judge of validity and builds the value; this only
 * says where. Pure; runs on text whose comments are already blanked (positions unchanged).
 */

export type JsonSyntaxProblem = { line: number; column: number; message: string };
export type DuplicateKey = { path: string; firstLine: number; secondLine: number };

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: position - lineStart + 1 };
}

class ScanError extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
  }
}

/** Deeper than any config: a file of nested brackets must not overflow the stack. */
const maxDepth = 256;
const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Walks `text` as JSON: the first syntax problem (or none) and every duplicate key, with its dotted path. */
export function scanJson(text: string): { problem?: JsonSyntaxProblem; duplicates: DuplicateKey[] } {
  const duplicates: DuplicateKey[] = [];
  let index = 0;
  const lineAt = (position: number) => lineColumn(text, position).line;
  const describe = (position: number) => (position >= text.length ? 'the end of the file' : `${JSON.stringify(text[position])}`);
  const skipSpace = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
  };
  const expect = (char: string, what: string) => {
    if (text[index] !== char) throw new ScanError(index, `expected ${what}, found ${describe(index)}`);
    index++;
  };
  const string = (): string => {
    const start = index;
    expect('"', 'a string');
    while (index < text.length) {
      const char = text[index]!;
      if (char === '\\') index += 2;
      else if (char === '"') {
        index++;
        try {
          return JSON.parse(text.slice(start, index)) as string;
        } catch {
          throw new ScanError(start, 'an invalid \\ escape in a string');
        }
      } else if (char < ' ') throw new ScanError(index, 'a line break or control character inside a string');
      else index++;
    }
    throw new ScanError(start, 'a string that never ends');
  };
  const value = (path: string, depth: number): void => {
    if (depth > maxDepth) throw new ScanError(index, `nested deeper than ${maxDepth} levels`);
    skipSpace();
    const char = text[index];
    if (char === '{') return object(path, depth);
    if (char === '[') {
      index++;
      skipSpace();
      if (text[index] === ']') return void index++;
      for (let item = 0; ; item++) {
        value(`${path}[${item}]`, depth + 1);
        skipSpace();
        if (text[index] === ']') return void index++;
        expect(',', "',' or ']'");
      }
    }
    if (char === '"') return void string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, index)) return void (index += literal.length);
    }
    number.lastIndex = index;
    const match = number.exec(text);
    if (match && match[0].length > 0) return void (index += match[0].length);
    throw new ScanError(index, `expected a value, found ${describe(index)}`);
  };
  const object = (path: string, depth: number): void => {
    index++;
    const seen = new Map<string, number>();
    skipSpace();
    if (text[index] === '}') return void index++;
    for (;;) {
      skipSpace();
      const keyAt = index;
      if (text[index] !== '"') throw new ScanError(index, `expected a "key" in quotes, found ${describe(index)}`);
      const key = string();
      const keyPath = path ? `${path}.${key}` : key;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, lineAt(keyAt));
      else duplicates.push({ path: keyPath, firstLine: first, secondLine: lineAt(keyAt) });
      skipSpace();
      expect(':', "':' after the key");
      value(keyPath, depth + 1);
      skipSpace();
      if (text[index] === '}') return void index++;
      expect(',', "',' or '}' (is a comma missing?)");
    }
  };
  try {
    value('', 0);
    skipSpace();
    if (index < text.length) throw new ScanError(index, `unexpected ${describe(index)} after the end of the JSON value`);
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    return { problem: { ...lineColumn(text, error.position), message: error.message }, duplicates };
  }
  return { duplicates };
}
