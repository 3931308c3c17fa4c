import type { Address } from 'viem';
import type { Pool } from '../state/types.ts';
import type { StoredVerdict } from './verdictStore.ts';

/*
 * Token safety, the pure rules: which market a token is probed through, what a probe's measurements say about
 * the token, which stored verdicts are trusted, how long an unanswered probe waits. No I/O: the probe itself
 * (an eth_call) and the verdicts' persistence are the shell's, sim/tokenSafety.ts.
 */

/**
 * A token's verdict. `unknown` means the probe could not judge the token (the node did not answer, or no WETH
 * market is deep enough to buy a measurable amount through): the token is neither traded nor condemned, and is
 * probed again after `retryAtMs`. `safe` is true for `safe` only.
 */
export type TokenVerdict = {
  token: Address;
  verdict: 'safe' | 'unsafe' | 'unknown';
  safe: boolean;
  reason: string;
  /** The block the probe ran at (or was attempted at). */
  block: string;
  /** For `unknown`: the clock time (of the clock TokenSafety was given) after which the token is probed again. */
  retryAtMs?: number;
};

/** The WETH the probe buys with (0.01 ETH). */
export const PROBE_WEI = 10n ** 16n;

/**
 * Units a probe's buy must bring for the buy to show a fee of 1 bp (10,000 units: 1 unit of fee). WBTC, with 8
 * decimals, brings ~30,000 for the 0.01 ETH probe at 30 ETH/BTC.
 */
const MIN_MEASURABLE_UNITS = 10_000n;

export type ProbeResult = { bought: boolean; promisedOut: bigint; received: bigint; moved: boolean; movedReceived: bigint; sold: boolean; pairReceived: bigint };

const EXACT = 'bought, moved and sold back exactly';
/**
 * Anyone can make a WETH pair for any token for a fraction of a cent (say 1e7 wei of WETH against 1 wei of the
 * token), where the probe's buy is promised nothing. Only a market holding at least 100 times the probe's WETH
 * is probed through; the deepest one is chosen, so a dust pair next to a real market changes nothing.
 */
export const MIN_PROBE_DEPTH_WEI = 100n * PROBE_WEI;
/** Stored verdicts older versions reached through any pair, however shallow: not trusted, probed again. */
const MARKET_VERDICTS = new Set(['cannot be bought', 'no WETH pair or pool to test a round trip through']);

/**
 * The WETH side of a market, comparable between kinds: a V2 pair's WETH reserve; for a V3 pool the virtual
 * WETH reserve of its active liquidity at its price (L/sqrtP when WETH is token0, L*sqrtP when token1), which
 * is what a V2 pair of the same depth at that price would hold. Undefined when the pool does not trade WETH.
 */
export function wethDepth(pool: Pool, weth: Address): bigint | undefined {
  // The probe lens trades a V2 pair or a V3 pool at its address; a V4 pool (named by its id) is no market to probe.
  if (pool.kind === 'v4') return undefined;
  const wethIs0 = pool.token0.toLowerCase() === weth.toLowerCase();
  if (!wethIs0 && pool.token1.toLowerCase() !== weth.toLowerCase()) return undefined;
  if (pool.kind === 'v2') return wethIs0 ? pool.reserve0 : pool.reserve1;
  if (pool.sqrtPriceX96 === 0n) return 0n;
  return wethIs0 ? (pool.liquidity << 96n) / pool.sqrtPriceX96 : (pool.liquidity * pool.sqrtPriceX96) >> 96n;
}

/**
 * The market a token is probed through, among its WETH pools: the deepest on the WETH side (`wethDepth`), a V2
 * pair on a tie (its promise is a formula of its reserves). Whether it is deep enough is `TokenSafety`'s call.
 */
export function probeMarket(wethPools: readonly Pool[], weth: Address): Pool | undefined {
  let best: { pool: Pool; depth: bigint } | undefined;
  for (const pool of wethPools) {
    const depth = wethDepth(pool, weth);
    if (depth === undefined) continue;
    if (!best || depth > best.depth || (depth === best.depth && pool.kind === 'v2' && best.pool.kind === 'v3')) best = { pool, depth };
  }
  return best?.pool;
}

/** Whether a stored verdict is trusted: older versions condemned tokens through any pair, however shallow (probed again). */
export function trustedStoredVerdict(stored: StoredVerdict): boolean {
  return !(stored.verdict === 'unsafe' && MARKET_VERDICTS.has(stored.reason));
}

/** A stored verdict as the bot holds it. */
export function verdictOfStored(stored: StoredVerdict): TokenVerdict {
  return { token: stored.token, verdict: stored.verdict, safe: stored.verdict === 'safe', reason: stored.reason, block: String(stored.probeBlock) };
}

/** Why `market` cannot be probed through (no verdict, ask again later), or undefined when it can. */
export function unprobeableMarket(market: Pool | undefined, weth: Address, minimumDepthWei: bigint = MIN_PROBE_DEPTH_WEI): string | undefined {
  // About our market data, not the token: the token may gain a deeper market later, so it is asked again.
  const depth = market && wethDepth(market, weth);
  if (!market || depth === undefined) return 'no WETH pair or pool to probe through';
  if (depth < minimumDepthWei) return `no WETH market deep enough to probe: the deepest (${market.address}) holds ${depth} wei of WETH, under ${minimumDepthWei}`;
  return undefined;
}

/** What a probe's measurements say: a verdict on the token, or (`unknown`) why they say nothing about it. */
export type ProbeJudgement = { verdict: 'safe' | 'unsafe'; reason: string } | { verdict: 'unknown'; why: string };

/** Judges a probe that answered, through `market`. */
export function judgeProbe(result: ProbeResult, market: Pick<Pool, 'kind' | 'address'>): ProbeJudgement {
  const kind = market.kind === 'v2' ? 'pair' : 'pool';
  // A V3 swap that reverted reports no promise; a V2 buy was promised the formula's amount before it swapped.
  if (result.promisedOut === 0n && (result.bought || kind === 'pair')) {
    return { verdict: 'unknown', why: `the ${kind} promised 0 tokens for the probe's buy of ${PROBE_WEI} wei (${market.address}): nothing to measure` };
  }
  const reason = judge(result, kind);
  // A round trip of few units cannot show a fee (a 0.5% fee on 100 units rounds to nothing): "exact" there
  // proves nothing, so it is no verdict. A fault it did see is real at any size.
  if (reason === EXACT && result.promisedOut < MIN_MEASURABLE_UNITS) {
    return { verdict: 'unknown', why: `the probe's buy was promised only ${result.promisedOut} units (${market.address}), too few to show a fee of 1 bp` };
  }
  return { verdict: reason === EXACT ? 'safe' : 'unsafe', reason };
}

/** The wait before the `count`-th consecutive unanswered probe is retried: `baseMs`, doubling, at most `maxMs`. */
export function retryWaitMs(count: number, backoff: { baseMs: number; maxMs: number }): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(count - 1, 30));
}

/** The verdict's reason from what the probe measured; `exact` only if every balance moved as promised. */
function judge(result: ProbeResult, market: 'pair' | 'pool'): string {
  const half = result.received / 2n;
  if (!result.bought) return 'cannot be bought';
  if (result.received !== result.promisedOut) return `delivers ${result.received} where the ${market} promised ${result.promisedOut} (fee on transfer or false balances)`;
  if (!result.moved) return 'refuses a transfer between holders';
  if (result.movedReceived !== half) return `a transfer of ${half} credits ${result.movedReceived}`;
  if (!result.sold) return 'cannot be sold back (honeypot)';
  if (result.pairReceived !== result.received - half) return `the sale delivers less to the ${market} than was sent`;
  return EXACT;
}

