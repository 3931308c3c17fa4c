import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.ts';

const src = join(projectRoot(), 'src');

/**
 * The modules a source file loads at run time: its relative imports and re-exports, without `import type` /
 * `export type` (erased by the compiler, they share no code). Dynamic imports count too.
 */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = new Set<string>();
  const statement = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^;]*?from\s+['"]([^'"]+)['"]/g;
  for (const match of text.matchAll(statement)) if (!match[2]) specifiers.add(match[3]!);
  for (const match of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) specifiers.add(match[1]!);
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.add(match[1]!);
  return [...specifiers].filter((specifier) => specifier.startsWith('.')).map((specifier) => resolve(dirname(file), specifier));
}

/** Every source file reachable from `entry` through run-time imports. */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    expect(existsSync(file), `${relative(src, file)} exists`).toBe(true);
    seen.add(file);
    for (const next of runtimeImports(file)) if (next.endsWith('.ts')) stack.push(next);
  }
  return [...seen].map((file) => relative(src, file));
}

describe('the capture truth shares no code with the search it grades', () => {
  it('nothing the truth loads, directly or through other modules, comes from src/strategy, src/amm or src/state', () => {
    const loaded = closure(join(src, 'devnet', 'truth.ts'));
    expect(loaded.filter((file) => /^(strategy|amm|state)\//.test(file))).toEqual([]);
    // Not vacuous: the truth's own files are all in the closure.
    for (const own of ['devnet/truth.ts', 'devnet/truth/baseline.ts', 'devnet/truth/best.ts', 'devnet/truth/cycles.ts', 'devnet/truth/execute.ts', 'devnet/truth/fork.ts', 'devnet/truth/quote.ts', 'devnet/truth/rpc.ts']) expect(loaded).toContain(own);
  });

  it('the import reader sees through re-exports and ignores only type imports (checked on a file that imports strategy)', () => {
    // The bot's engine uses the strategy: the same reader must find it there, or the test above proves nothing.
    expect(closure(join(src, 'engine.ts')).some((file) => file.startsWith('strategy/'))).toBe(true);
  });
});
