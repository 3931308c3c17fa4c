import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.ts';

const src = join(projectRoot(), 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Runtime files: tests and benches beside the code are not part of the layering. */
const runtimeFiles = sourceFiles(src).filter((file) => !/\.(test|bench)\.ts$/.test(file));

/** Every relative import (static, `import type`, re-export, dynamic `import()`) of a file, resolved to a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => relative(src, resolve(dirname(file), specifier))).filter((target) => !target.startsWith('..'));
}

/** The node of the folder graph a path under src/ belongs to: its top-level folder, or the root file's name. */
const nodeOf = (rel: string): string => (rel.includes('/') ? rel.split('/')[0]! : rel.replace(/\.ts$/, ''));

type Edge = { from: string; to: string; file: string; target: string };

const edges: Edge[] = runtimeFiles.flatMap((file) =>
  importsOf(file)
    .map((target) => ({ from: nodeOf(relative(src, file)), to: nodeOf(target), file: relative(src, file), target }))
    .filter((edge) => edge.from !== edge.to),
);

/** Cycles of the folder graph (one per strongly connected component of more than one node), each with the files behind its edges. */
function folderCycles(): string[] {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!graph.has(edge.from)) graph.set(edge.from, new Set());
    if (!graph.has(edge.to)) graph.set(edge.to, new Set());
    graph.get(edge.from)!.add(edge.to);
  }
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node)!) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => {
    const inside = edges.filter((edge) => component.includes(edge.from) && component.includes(edge.to));
    return `cycle {${component.join(', ')}}: ${inside.map((edge) => `${edge.file} -> ${edge.target}`).join('; ')}`;
  });
}

/**
 * The downward order of ARCHITECTURE.md, bottom (0) to top. A folder may import its own rank or below;
 * imports within a rank are allowed as long as they make no cycle (the cycle test checks that).
 * - errors, log, redact, paths, histogram: shared bottom utilities (errors, logging, latency samples, the
 *   project root), importable from anywhere.
 * - config sits above sim/bundle/risk (it assembles their schemas: bundle/builders, risk/config,
 *   chain/addresses) and below the composition layer that reads it (engine, searcher, cli).
 * - devnet is a test world built from the bot's parts; only the CLI starts it (and the runtime never
 *   imports it: the test above).
 */
const rank: Record<string, number> = {
  errors: -1, log: -1, redact: -1, paths: -1, histogram: -1,
  amm: 0, units: 0, abi: 0,
  chain: 1, mempool: 1, state: 1,
  strategy: 2,
  sim: 3, bundle: 3, risk: 3,
  monitor: 4, config: 4,
  engine: 5, decision: 5, decisionPolicy: 5, blindBackrun: 5, searcher: 5, devnet: 5,
  cli: 6,
};

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

  it('the folder import graph of src/ has no cycle', () => {
    // The graph is real: dozens of folder-to-folder edges, or the import scan is broken.
    expect(edges.length).toBeGreaterThan(100);
    expect(new Set(edges.map((edge) => `${edge.from}->${edge.to}`)).size).toBeGreaterThan(40);
    expect(folderCycles()).toEqual([]);
  });

  it('every folder and root file of src/ has a place in the downward order', () => {
    const nodes = new Set(runtimeFiles.map((file) => nodeOf(relative(src, file))));
    expect(nodes.size).toBeGreaterThan(15);
    expect([...nodes].filter((node) => !(node in rank)).sort()).toEqual([]);
  });

  it('folders import only downward (amm/units/abi < chain, mempool, state < strategy < sim, bundle, risk < monitor, config < engine, decision, searcher < cli)', () => {
    const upward = edges.filter((edge) => (rank[edge.from] ?? Infinity) < (rank[edge.to] ?? -Infinity));
    expect(upward.map((edge) => `${edge.from} -> ${edge.to}: ${edge.file} imports ${edge.target}`).sort()).toEqual([]);
  });

  it('the simulator is an interface: nothing branches on which BundleSimulator it holds (no instanceof on an implementation)', () => {
    const implementations = runtimeFiles.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/class\s+(\w+)[^{]*\bimplements\b[^{]*\bBundleSimulator\b/g)].map((match) => match[1]!));
    expect(implementations).toEqual(expect.arrayContaining(['ForkSimulator', 'SimulateV1Simulator']));
    const branching = runtimeFiles.flatMap((file) =>
      implementations.filter((name) => new RegExp(`instanceof\\s+${name}\\b`).test(readFileSync(file, 'utf8'))).map((name) => `${relative(src, file)}: instanceof ${name}`),
    );
    expect(branching).toEqual([]);
  });

  /**
   * The strategy core and the AMM math do no I/O: what they run (their own files and every file they import
   * for a value, transitively; `import type` is erased) shows no sign of it. The signs, checkable in the text:
   * - a module other than viem (node:*, node builtins, better-sqlite3, pino, ws, ...);
   * - viem's clients and transports (create*Client, http, webSocket, fallback, custom) or a client type
   *   (PublicClient, WalletClient, TestClient, Client, Transport) anywhere in the file;
   * - a clock, a timer, the network or the process (performance.now, Date.now, setTimeout, setInterval,
   *   fetch, process.);
   * - the logger (log.ts, even as a type: a core reports by what it returns).
   * No exceptions today.
   */
  it('strategy/ and amm/ do no I/O: no client, transport, node module, clock, timer or logger in what they run', () => {
    const core = runtimeFiles.filter((file) => /^(strategy|amm)\//.test(relative(src, file)));
    expect(core.length).toBeGreaterThan(10);
    const valueImports = (file: string): string[] => {
      const text = readFileSync(file, 'utf8');
      const specifiers = [...text.matchAll(/\bimport\s+(?!type\b)[^'";]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => (match[1] ?? match[2])!);
      return specifiers.map((specifier) => resolve(dirname(file), specifier));
    };
    const reached = new Set<string>();
    const pending = [...core];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      pending.push(...valueImports(file));
    }
    const signs: Array<[string, RegExp]> = [
      ['a module other than viem', /\bfrom\s*['"](?!\.{1,2}\/|viem['"])[^'"]+['"]|\bimport\s*\(\s*['"](?!\.{1,2}\/)[^'"]+['"]|\brequire\s*\(/],
      ['a viem client or transport', /\b(?:create\w*Client|webSocket|fallback|custom|http)\b\s*[,}(]|\b(?:PublicClient|WalletClient|TestClient|Client|Transport)\b/],
      ['a clock, timer, the network or the process', /\b(?:performance\.now|Date\.now|setTimeout|setInterval|setImmediate|fetch)\s*\(|\bprocess\./],
      ['the logger', /from\s*['"](?:\.\.\/)+log\.ts['"]/],
    ];
    const offending = [...reached].flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return signs.filter(([, sign]) => sign.test(text)).map(([what]) => `${relative(src, file)}: ${what}`);
    });
    expect(reached.size).toBeGreaterThanOrEqual(core.length);
    expect(offending.sort()).toEqual([]);
  });
});
