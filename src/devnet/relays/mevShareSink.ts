import type { Hex } from 'viem';
import { z } from 'zod';
import { defaultHints, hintNameSchema, type HintName } from './mevShareHints.ts';
import type { PrivateTxOptions } from './mevShareRelay.ts';

/**
 * `privateFlow.hints` in a scenario: what the devnet's MEV-Share users share (mev-share-node hint names). Default:
 * Flashbots Protect's `hash` + `default_logs`, i.e. the pool and the fact a swap happened, no amounts.
 */
export const privateFlowHintsSchema = z.array(hintNameSchema).min(1).default([...defaultHints]);

/**
 * The smallest shape the traffic sender needs from a private channel: hand it a user's signed transaction, get its
 * hash back (or an error: the user's swap is then counted as failed, never sent to the public mempool instead).
 * The traffic router picks a sink by share; this is the MEV-Share one.
 */
export type PrivateSink = { readonly name: 'mevShare' | 'mevBlocker'; submit(raw: Hex): Promise<Hex> };

export function mevShareSink(relay: { sendPrivateTransaction(raw: Hex, options?: PrivateTxOptions): Promise<Hex> }, hints: readonly HintName[] = defaultHints): PrivateSink {
  return { name: 'mevShare', submit: (raw) => relay.sendPrivateTransaction(raw, { hints }) };
}
