import { formatUnitsExact } from '../../units/decimal.ts';
import { networkErrorCode } from '../../bundle/types.ts';

/**
 * One line of `searcher doctor`: what was checked, whether it passed, what was seen, and what to do when it
 * did not (empty when it passed). The JSON output is `{"checks": [Check, ...]}` with these four keys.
 */
export type Check = { name: string; ok: boolean; detail: string; fix: string };

export const pass = (name: string, detail: string): Check => ({ name, ok: true, detail, fix: '' });
export const fail = (name: string, detail: string, fix: string): Check => ({ name, ok: false, detail, fix });

/** A check that could not run because one it depends on failed: failed too (never passed by default). */
export const blocked = (name: string, because: string, fix: string): Check => fail(name, `not checked: ${because}`, fix);

/** Amounts in ETH (or any 18-decimal token), exact. */
export const eth = (wei: bigint, unit = 'ETH'): string => `${formatUnitsExact(wei, 18)} ${unit}`;

const durationUnits: readonly (readonly [string, number])[] = [
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/** A duration in ms, in the largest unit it reaches, to at most 2 decimals ("1 s", "5 min", "24 h", "1.5 min"); hours at most, as windows are set. */
export function duration(ms: number): string {
  const [unit, size] = durationUnits.find(([, size]) => ms >= size) ?? durationUnits[durationUnits.length - 1]!;
  return `${Number((ms / size).toFixed(2))} ${unit}`;
}

/** The short reason of a failed request: the system error code when there is one, else the first line. */
export function reason(error: unknown): string {
  const code = networkErrorCode(error);
  if (code) return code;
  const short = (error as { shortMessage?: unknown }).shortMessage;
  const message = typeof short === 'string' ? short : error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 200);
}
