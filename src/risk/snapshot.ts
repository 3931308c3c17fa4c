import { z } from 'zod';
import { breakerNames } from './types.ts';

/**
 * The risk state that must outlive a restart, as stored under the store's risk value `state` (JSON, amounts
 * as decimal strings). The halt latch is stored apart (key `halt`) because `searcher halt` and `resume` write
 * it from another process while the bot keeps saving this.
 */
const amount = z.string().regex(/^-?\d+$/);
const ledger = z.array(z.tuple([z.number().int(), amount, amount]));
const pauses = z.array(z.strictObject({ pool: z.string(), until: z.number(), since: z.number(), reason: z.string() }));
const perBreaker = z.partialRecord(z.enum(breakerNames), z.number().int().nonnegative());

export const riskSnapshotSchema = z.strictObject({
  version: z.literal(1),
  savedAt: z.number(),
  /** Whether the bot was halted when it saved: a latch gone since then was cleared by a resume. */
  latched: z.boolean(),
  gas: z.strictObject({
    paid: ledger,
    outstanding: z.array(z.strictObject({ id: z.string(), at: z.number(), targetBlock: amount, maxGasCostWei: amount, amountIn: amount.optional() })),
    byBlock: z.array(z.tuple([amount, amount])),
  }),
  loss: z.strictObject({ ledger, equityWei: amount.optional(), pending: z.array(z.strictObject({ id: z.string(), at: z.number(), worstWei: amount, txHash: z.string().optional(), block: z.string().optional() })).optional() }),
  failures: z.strictObject({ streak: z.number().int().nonnegative(), cooldown: z.strictObject({ until: z.number(), since: z.number(), reason: z.string() }).optional() }),
  integrity: z.strictObject({ pauses }),
  liquidity: z.strictObject({ pauses }),
  counters: z.strictObject({
    checks: z.number().int().nonnegative(),
    allowed: z.number().int().nonnegative(),
    refused: perBreaker,
    trips: perBreaker,
    sent: z.number().int().nonnegative(),
    resolved: z.number().int().nonnegative(),
    timedOut: z.number().int().nonnegative(),
  }),
});

export type RiskSnapshot = z.infer<typeof riskSnapshotSchema>;
export type RiskCounters = RiskSnapshot['counters'];

export const haltLatchSchema = z.strictObject({
  reason: z.string(),
  by: z.string(),
  at: z.number(),
  breaker: z.enum(['killSwitch', 'loss']),
});

/** Parses stored JSON text; throws with the first problem when it is not a snapshot this version wrote. */
export function parseSnapshot(text: string): RiskSnapshot {
  const parsed = riskSnapshotSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
