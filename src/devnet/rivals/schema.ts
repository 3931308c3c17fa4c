import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { devnetMaxBuilderShareBps } from '../executor.ts';
import { formatPath, SearcherError } from '../../errors.ts';

/** The builder share a rival may bid: its executor is deployed with the default owner cap (90%). */
const shareBps = z.number().int().min(0).max(devnetMaxBuilderShareBps);

/**
 * The adaptive rival's own rule (not the bot's bidding policy): after a block where it was outbid it raises its share
 * by `stepUpBps`, after a block it won it lowers it by `stepDownBps`, always within [minBps, maxBps].
 */
export const adaptivePolicySchema = z
  .strictObject({
    kind: z.literal('adaptive'),
    startBps: shareBps.default(5000),
    minBps: shareBps.default(1000),
    maxBps: shareBps.default(devnetMaxBuilderShareBps),
    stepUpBps: z.number().int().min(1).max(10_000).default(1000),
    stepDownBps: z.number().int().min(1).max(10_000).default(100),
  })
  .refine((policy) => policy.minBps <= policy.startBps && policy.startBps <= policy.maxBps, 'needs minBps <= startBps <= maxBps');

/**
 * One rival searcher in the devnet. `strategy`: "backrun" (the bot's own search: victims from the public mempool and
 * the private streams, and block arbitrage) or "blockArb" (arbitrage on each new block's state only: no mempool, no
 * private flow). `latencyMs` is added to everything it hears (heads, pending transactions, private streams).
 */
export const rivalSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a short lowercase name: letters, digits, "-"'),
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    bidShareBps: shareBps.optional(),
    policy: adaptivePolicySchema.optional(),
    strategy: z.enum(['backrun', 'blockArb']).default('backrun'),
  })
  .refine((rival) => (rival.bidShareBps === undefined) !== (rival.policy === undefined), 'needs exactly one of bidShareBps or policy');

export const rivalsSchema = z.array(rivalSchema).superRefine((rivals, context) => {
  const seen = new Set<string>();
  for (const [i, rival] of rivals.entries()) {
    if (seen.has(rival.name)) context.addIssue({ code: 'custom', path: [i, 'name'], message: `"${rival.name}" is given twice: each rival needs its own name` });
    seen.add(rival.name);
  }
});

export type RivalSpec = z.input<typeof rivalSchema>;
export type Rival = z.infer<typeof rivalSchema>;
export type AdaptivePolicy = z.infer<typeof adaptivePolicySchema>;

/** A rivals file that cannot be used: the message names the file and every bad field (exit code 2, as a bad scenario). */
export class RivalsFileError extends SearcherError {
  constructor(source: string, issues: ReadonlyArray<{ path: string; message: string }>, options?: { cause?: unknown }) {
    super('SCENARIO_INVALID', `invalid rivals ${source}:\n${issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`).join('\n')}`, options);
  }
}

/** An array of rivals, or `{"rivals": [...]}`; paths in errors read `rivals[i].field` either way. */
export function parseRivals(json: unknown, source: string): Rival[] {
  const list = json !== null && typeof json === 'object' && !Array.isArray(json) && 'rivals' in json && Object.keys(json).length === 1 ? (json as { rivals: unknown }).rivals : json;
  const parsed = rivalsSchema.safeParse(list);
  if (!parsed.success) throw new RivalsFileError(source, parsed.error.issues.map((issue) => ({ path: formatPath(['rivals', ...issue.path]), message: issue.message })));
  return parsed.data;
}

const maxRivalsFileBytes = 1_000_000;

/** Reads and validates a `--rivals FILE`. */
export function loadRivalsFile(file: string): Rival[] {
  let text: string;
  try {
    // /dev/zero, a pipe or a huge file would be read without end: refused before reading (a rivals file is small).
    const stats = statSync(file);
    if (!stats.isFile()) throw new RivalsFileError(file, [{ path: '', message: `not a regular file (${stats.isDirectory() ? 'a folder' : 'a device, pipe or socket'})` }]);
    if (stats.size > maxRivalsFileBytes) throw new RivalsFileError(file, [{ path: '', message: `larger than 1 MB (${stats.size} bytes): not a rivals file` }]);
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (cause instanceof RivalsFileError) throw cause;
    throw new RivalsFileError(file, [{ path: '', message: `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})` }], { cause });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not the parser's words: they quote the file's first bytes, and a wrong path may point at a secret.
    throw new RivalsFileError(file, [{ path: '', message: 'not valid JSON' }]);
  }
  return parseRivals(json, file);
}

/** The scenario with a rivals file's rivals added to its own (names must stay distinct across both). */
export function withRivalsFile<T extends { rivals: Rival[] }>(scenario: T, file: string | undefined): T {
  if (file === undefined) return scenario;
  const added = loadRivalsFile(file);
  return { ...scenario, rivals: parseRivals([...scenario.rivals, ...added], `${file} (with the scenario's ${scenario.rivals.length} rivals first)`) };
}
