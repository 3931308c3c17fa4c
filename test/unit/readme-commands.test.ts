import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usage } from '../../src/cli/main.ts';

/**
 * The README is what an operator copies into a shell, with SEARCHER_PRIVATE_KEY in its environment. The package
 * is private: `npx searcher` outside this checkout downloads the registry's unrelated "searcher" package and
 * runs it with that key. Every command it shows must run this checkout's bin and be a command that exists.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The command names `searcher --help` lists. */
const realCommands = new Set([...usage.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((match) => match[1]!));

/** Code as the operator sees it: fenced blocks and inline `spans`. */
function codePieces(text: string): string[] {
  const fenced = [...text.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const prose = text.replace(/```[^\n]*\n[\s\S]*?```/g, '');
  const inline = [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!);
  return [...fenced.flatMap((block) => block.split('\n')), ...inline];
}

/** `searcher X` at the start of a piece of code, or `bin/searcher.js X` anywhere in it: the X it would run. */
function invokedCommands(text: string): string[] {
  const found: string[] = [];
  for (const piece of codePieces(text)) {
    for (const match of piece.matchAll(/bin\/searcher\.js ([a-z][a-z-]*)/g)) found.push(match[1]!);
    const leading = /^\s*(?:\$ )?searcher ([a-z][a-z-]*)/.exec(piece);
    if (leading) found.push(leading[1]!);
  }
  return found;
}

describe('README commands', () => {
  it('the command list is read from the usage text', () => {
    expect([...realCommands]).toEqual(expect.arrayContaining(['run', 'doctor', 'init', 'demo', 'halt', 'report']));
  });

  it('never tells the operator to run npx searcher (the registry has an unrelated package of that name)', () => {
    // The one warning against it ("Never `npx searcher`") is not an invocation.
    const lines = readme.split('\n').flatMap((line, index) => (/npx searcher\b/.test(line.replace(/never `npx searcher`/gi, '')) ? [`line ${index + 1}: ${line.trim()}`] : []));
    expect(lines).toEqual([]);
  });

  it('runs the bin from the checkout in the mainnet walk-through', () => {
    const mainnet = readme.slice(readme.indexOf('## Mainnet'));
    const block = /```sh\n([\s\S]*?)```/.exec(mainnet)![1]!;
    for (const command of ['init', 'doctor', 'run']) expect(block).toMatch(new RegExp(`^node bin/searcher\\.js ${command} `, 'm'));
  });

  it('names only commands that exist', () => {
    const invoked = invokedCommands(readme);
    expect(readme).toMatch(/Never `npx searcher`/);
    expect(invoked.length).toBeGreaterThan(10);
    expect(invoked.filter((command) => !realCommands.has(command))).toEqual([]);
  });

  it('does not put the operator key into shell history with export KEY=0x...', () => {
    expect(readme).not.toMatch(/export SEARCHER_PRIVATE_KEY=/);
    expect(readme).not.toMatch(/[A-Z_]*KEY=0x/);
    expect(readme).toMatch(/read -rs SEARCHER_PRIVATE_KEY && export SEARCHER_PRIVATE_KEY/);
  });
});
