import type { Heartbeat } from '../risk/riskStore.ts';
import { heartbeatStaleAfterMs } from '../risk/heartbeat.ts';

/** What `searcher halt` learned about the bots on the store after writing (or finding) a latch. */
export type HaltAck =
  | { kind: 'no-bot'; last?: Heartbeat }
  | { kind: 'acknowledged'; bot: Heartbeat; latencyMs: number }
  | { kind: 'already-halted'; bot: Heartbeat }
  | { kind: 'silent'; bot: Heartbeat; waitedMs: number };

/** Bots that beat within the last 10 s and have not stopped: the ones that must hear a halt. */
export function liveBots(beats: readonly Heartbeat[], now: number): Heartbeat[] {
  return beats.filter((beat) => beat.stopped === null && now - beat.beat <= heartbeatStaleAfterMs);
}

/** How long to wait for a bot: a few of its poll intervals, at least 2 s, at most 30 s. */
export function ackWaitMs(bot: Heartbeat): number {
  return Math.min(30_000, Math.max(2_000, bot.pollMs * 4 + 1_000));
}

/**
 * Pure: what one live bot's latest heartbeat says about the halt written at `haltAt` (the latch's `at`).
 * Undefined while it has said nothing since.
 */
export function ackOf(bot: Heartbeat, haltAt: number): HaltAck | undefined {
  if (bot.haltedSince === haltAt && bot.ackedAt !== null) return { kind: 'acknowledged', bot, latencyMs: Math.max(0, bot.ackedAt - haltAt) };
  // Halted by something else before this latch (its own loss cap, the HTTP switch): it is not sending either.
  if (bot.haltedSince !== null && bot.beat >= haltAt) return { kind: 'already-halted', bot };
  return undefined;
}

const who = (bot: Heartbeat) => `pid ${bot.pid} on ${bot.host}`;

/** One line per outcome; `warning` ones go to stderr. */
export function describeAck(ack: HaltAck): { warning: boolean; text: string } {
  switch (ack.kind) {
    case 'acknowledged':
      return { warning: false, text: `acknowledged by the bot (${who(ack.bot)}) ${ack.latencyMs} ms after the halt was written` };
    case 'already-halted':
      return { warning: false, text: `the bot (${who(ack.bot)}) is halted (it holds an earlier halt, since ${new Date(ack.bot.haltedSince!).toISOString()})` };
    case 'silent':
      return {
        warning: true,
        text: `warning: the bot (${who(ack.bot)}, last heartbeat ${new Date(ack.bot.beat).toISOString()}) did not acknowledge the halt within ${ack.waitedMs} ms: it may still be sending; stop its process`,
      };
    case 'no-bot':
      return {
        warning: true,
        text: `warning: no bot has used this store in the last ${heartbeatStaleAfterMs / 1000} s (${ack.last ? `last heartbeat ${new Date(ack.last.beat).toISOString()} from ${who(ack.last)}${ack.last.stopped !== null ? ', stopped' : ''}` : 'never'}): the halt is latched for a bot that starts on it; is the bot running with another --db?`,
      };
  }
}
