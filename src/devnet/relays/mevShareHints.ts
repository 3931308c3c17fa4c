import type { Address, Hex } from 'viem';
import { z } from 'zod';

/**
 * The hint names a MEV-Share user can choose (flashbots/mev-share-node `HintIntent`): `default_logs` is the node's
 * alias of `special_logs`. Flashbots Protect shares `hash` + `default_logs` when the user chooses nothing.
 */
export const hintNames = ['hash', 'logs', 'default_logs', 'special_logs', 'contract_address', 'function_selector', 'calldata', 'tx_hash'] as const;
export type HintName = (typeof hintNames)[number];
export const hintNameSchema = z.enum(hintNames);

/** Protect's default (docs.flashbots.net, Protect settings guide: "The hash and default_logs hints are shared"). */
export const defaultHints: readonly HintName[] = ['hash', 'default_logs'];

/** Default MEV refund to the user (tx.origin): 90% (same source). */
export const defaultRefundPercent = 90;

export type HintLog = { address: Address; topics: Hex[]; data: Hex };
export type TxHint = { hash?: Hex; to?: Address; functionSelector?: Hex; callData?: Hex };
/**
 * One SSE event, the shape the real stream sends (`Hint` in mev-share-node): `logs` and `txs` are `null`, not
 * `[]`, when nothing of that kind is shared (Go's nil slices), and clients rely on it (`@flashbots/mev-share-client`
 * reads `event.txs && event.txs[0].to`).
 */
export type MevShareHint = { hash: Hex; logs: HintLog[] | null; txs: TxHint[] | null };

/** Uniswap V2 `Swap`, V3 `Swap`, Curve `TokenExchange`, Balancer `Swap`: the only logs `default_logs` leaks. */
export const specialLogTopics = {
  uniswapV2Swap: '0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822',
  uniswapV3Swap: '0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67',
  curveTokenExchange: '0x8b3e96f2b889fa771c53c981b40daf005f63f637f1869f707052d15a3dd97140',
  balancerSwap: '0x2170c741c41531aec20e7c107c24eecfdd15e69c9bb0a8dd37b1840b9e0b207b',
} as const;

const zeroTopic: Hex = `0x${'0'.repeat(64)}`;

/**
 * `default_logs`: only swap events, with every topic but the signature zeroed and the data emptied (the pool and
 * the fact a swap happened; Balancer keeps its poolId topic since all its swaps share one contract). No amounts.
 */
export function filterDefaultLogs(logs: readonly HintLog[]): HintLog[] {
  const kept: HintLog[] = [];
  for (const log of logs) {
    const signature = log.topics[0]?.toLowerCase();
    if (signature === specialLogTopics.uniswapV2Swap || signature === specialLogTopics.uniswapV3Swap || signature === specialLogTopics.curveTokenExchange) {
      kept.push({ address: log.address, topics: [log.topics[0]!, ...log.topics.slice(1).map(() => zeroTopic)], data: '0x' });
    } else if (signature === specialLogTopics.balancerSwap && log.topics.length >= 2) {
      kept.push({ address: log.address, topics: [log.topics[0]!, log.topics[1]!, ...log.topics.slice(2).map(() => zeroTopic)], data: '0x' });
    }
  }
  return kept;
}

/**
 * The hint for one private transaction, following mev-share-node's rules: nothing leaves without `hash` (the node
 * adds it whenever any hint is chosen); `calldata` implies `function_selector`, which implies `contract_address`;
 * `logs` shares every log in full, `default_logs` only the scrubbed swap events.
 */
export function buildHint(tx: { hash: Hex; to: Address | null; data: Hex }, logs: readonly HintLog[], chosen: readonly HintName[]): MevShareHint | undefined {
  const want = new Set(chosen);
  if (want.size === 0) return undefined;
  if (want.has('calldata')) want.add('function_selector');
  if (want.has('function_selector')) want.add('contract_address');
  const hint: MevShareHint = { hash: tx.hash, logs: null, txs: null };
  const shared = want.has('logs')
    ? logs.map((log) => ({ address: log.address, topics: [...log.topics], data: log.data }))
    : want.has('default_logs') || want.has('special_logs')
      ? filterDefaultLogs(logs)
      : [];
  if (shared.length > 0) hint.logs = shared;
  if (want.has('contract_address') || want.has('tx_hash')) {
    const txHint: TxHint = {};
    if (want.has('tx_hash')) txHint.hash = tx.hash;
    if (want.has('contract_address') && tx.to) txHint.to = tx.to;
    if (want.has('function_selector')) txHint.functionSelector = tx.data.length >= 10 ? (tx.data.slice(0, 10) as Hex) : (`0x${tx.data.slice(2).padEnd(8, '0')}` as Hex);
    if (want.has('calldata')) txHint.callData = tx.data;
    hint.txs = [txHint];
  }
  return hint;
}
