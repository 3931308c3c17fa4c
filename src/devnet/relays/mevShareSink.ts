import type { Hex } from 'viem';
import { z } from 'zod';
import type { PrivateSink } from '../traffic/privateRoute.ts';
import { defaultHints, hintNameSchema, type HintName } from './mevShareHints.ts';
import type { PrivateTxOptions } from './mevShareRelay.ts';

/**
 * `privateFlow.hints` in a scenario: what the devnet's MEV-Share users share (mev-share-node hint names). Default:
 * Flashbots Protect's `hash` + `default_logs`, i.e. the pool and the fact a swap happened, no amounts.
 */
export const privateFlowHintsSchema = z.array(hintNameSchema).default([...defaultHints]);


/** The traffic router's MEV-Share sink: the user's signed transaction goes to the relay with the scenario's hints (an error fails the swap; it never goes public instead). */
export function mevShareSink(relay: { sendPrivateTransaction(raw: Hex, options?: PrivateTxOptions): Promise<Hex> }, hints: readonly HintName[] = defaultHints): PrivateSink {
  return { name: 'mevShare', submit: (raw) => relay.sendPrivateTransaction(raw, { hints }) };
}
