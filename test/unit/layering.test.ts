import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.ts';

const src = join(projectRoot(), 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('layering', () => {
  it('the bot runtime never imports the devnet (only the devnet itself and the CLI that starts it do)', () => {
    const runtime = sourceFiles(src).filter((file) => {
      const rel = relative(src, file);
      return !rel.startsWith('devnet/') && !rel.startsWith('cli/');
    });
    expect(runtime.length).toBeGreaterThan(50);
    const offending = runtime.filter((file) => /from\s+['"](?:\.\.\/)+devnet\/|from\s+['"]\.\/devnet\//.test(readFileSync(file, 'utf8')));
    expect(offending.map((file) => relative(src, file))).toEqual([]);
  });
});
