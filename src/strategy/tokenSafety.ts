import { encodeFunctionData, decodeFunctionResult, getAddress, type Address, type Hex, type PublicClient } from 'viem';
import { tokenProbeAbi, tokenProbeDeployedBytecode } from '../abi/tokenProbe.generated.ts';
import { classifyRpcFailure, describeRpcFailure } from '../chain/rpcFailure.ts';
import type { Logger } from '../log.ts';
import { redactText } from '../redact.ts';
import type { Pool } from '../state/types.ts';
import type { StoredVerdict, VerdictStore } from './verdictStore.ts';

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

export type TokenSafetyParameters = {
  client: PublicClient;
  weth: Address;
  logger: Logger;
  /** The chain the verdicts belong to (chain id and genesis hash); stored verdicts of other chains are ignored. */
  scope: string;
  /** Persisted verdicts: loaded at construction, written in batches off the decision path. */
  store?: VerdictStore;
  /** Monotonic ms for the retry backoff (tests move it by hand). */
  now?: () => number;
  /** Unix ms for `probedAt`. */
  wallClock?: () => number;
  /** Wait after a transient failure: `baseMs`, doubling per consecutive failure, at most `maxMs`. */
  backoff?: { baseMs: number; maxMs: number };
  /** How long a new verdict waits before the batch is written (more verdicts in the meantime join it). */
  flushDelayMs?: number;
  /** The WETH a market must hold (see `wethDepth`) to be probed through; default `MIN_PROBE_DEPTH_WEI`. */
  minProbeDepthWei?: bigint;
};

/**
 * Units a probe's buy must bring for the buy to show a fee of 1 bp (10,000 units: 1 unit of fee). WBTC, with 8
 * decimals, brings ~30,000 for the 0.01 ETH probe at 30 ETH/BTC.
 */
const MIN_MEASURABLE_UNITS = 10_000n;

type ProbeResult = { bought: boolean; promisedOut: bigint; received: bigint; moved: boolean; movedReceived: bigint; sold: boolean; pairReceived: bigint };

/** Where the probe's code is put for the call (never deployed) and who calls it. */
const PROBE = getAddress('0x00000000000000000000000000000000700be000');
const CALLER = getAddress('0x00000000000000000000000000000000700be001');
const PROBE_WEI = 10n ** 16n;
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

/**
 * Token safety before a token is first traded: a buy, a transfer and a sale through the token's deepest WETH
 * market (a V2 pair or a V3 pool), run by the TokenProbe contract in one `eth_call` with a code override
 * (nothing is deployed, nothing is spent). A token that delivers less than the market promised, credits less
 * than it sent, or refuses a transfer or the sale is unsafe; so is one whose probe reverts. What says nothing
 * about the token itself gives "unknown": a probe that never got an answer (timeout, refused connection, 5xx,
 * rate limit), no WETH market, none deep enough, or a buy the market promised 0 tokens for. An unknown token is
 * probed again after an exponential backoff, never condemned and never stored.
 */
export class TokenSafety {
  private readonly verdicts = new Map<string, TokenVerdict>();
  private readonly failures = new Map<string, { count: number; retryAtMs: number; verdict: TokenVerdict }>();
  private readonly inflight = new Map<string, Promise<TokenVerdict>>();
  private pending: StoredVerdict[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private storeFailing = false;
  private readonly now: () => number;
  private readonly wallClock: () => number;
  private readonly backoff: { baseMs: number; maxMs: number };

  constructor(private readonly parameters: TokenSafetyParameters) {
    this.now = parameters.now ?? (() => performance.now());
    this.wallClock = parameters.wallClock ?? Date.now;
    this.backoff = parameters.backoff ?? { baseMs: 2_000, maxMs: 300_000 };
    for (const stored of parameters.store?.loadTokenVerdicts(parameters.scope) ?? []) {
      if (stored.verdict === 'unsafe' && MARKET_VERDICTS.has(stored.reason)) continue;
      this.verdicts.set(stored.token.toLowerCase(), { token: stored.token, verdict: stored.verdict, safe: stored.verdict === 'safe', reason: stored.reason, block: String(stored.probeBlock) });
    }
  }

  /** The real verdict on `token` (safe or unsafe), if there is one. */
  verdict(token: string): TokenVerdict | undefined {
    return this.verdicts.get(token.toLowerCase());
  }

  isUnsafe(token: string): boolean {
    return this.verdicts.get(token.toLowerCase())?.safe === false;
  }

  /**
   * Probes `token` through `market` (its deepest WETH pair or pool, `probeMarket`) unless a verdict exists or a
   * retry is not due yet. A market shallower than the minimum is not probed: the verdict is unknown.
   */
  check(token: Address, market: Pool | undefined, blockNumber: bigint): Promise<TokenVerdict> {
    const key = token.toLowerCase();
    const known = this.verdicts.get(key);
    if (known) return Promise.resolve(known);
    const failed = this.failures.get(key);
    if (failed && this.now() < failed.retryAtMs) return Promise.resolve(failed.verdict);
    let running = this.inflight.get(key);
    if (!running) {
      running = this.probe(token, market, blockNumber).finally(() => this.inflight.delete(key));
      this.inflight.set(key, running);
    }
    return running;
  }

  /** Writes every verdict not yet written (the engine calls it on stop; tests to read the store). */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  private async probe(token: Address, market: Pool | undefined, blockNumber: bigint): Promise<TokenVerdict> {
    const { client, weth } = this.parameters;
    const block = String(blockNumber);
    if (token.toLowerCase() === weth.toLowerCase()) return this.record({ token, verdict: 'safe', safe: true, reason: 'WETH', block });
    // About our market data, not the token: the token may gain a deeper market later, so it is asked again.
    const depth = market && wethDepth(market, weth);
    if (!market || depth === undefined) return this.unknown(token, block, 'no WETH pair or pool to probe through');
    const minimum = this.parameters.minProbeDepthWei ?? MIN_PROBE_DEPTH_WEI;
    if (depth < minimum) return this.unknown(token, block, `no WETH market deep enough to probe: the deepest (${market.address}) holds ${depth} wei of WETH, under ${minimum}`);
    const data: Hex =
      market.kind === 'v2'
        ? encodeFunctionData({ abi: tokenProbeAbi, functionName: 'probe', args: [weth, market.address, token, market.feeBps] })
        : encodeFunctionData({ abi: tokenProbeAbi, functionName: 'probeV3', args: [weth, market.address, token] });
    let result: ProbeResult;
    try {
      const answer = await client.call({
        account: CALLER,
        to: PROBE,
        value: PROBE_WEI,
        blockNumber,
        data,
        stateOverride: [
          { address: PROBE, code: tokenProbeDeployedBytecode },
          { address: CALLER, balance: PROBE_WEI * 10n },
        ],
      });
      result = decodeFunctionResult({ abi: tokenProbeAbi, functionName: market.kind === 'v2' ? 'probe' : 'probeV3', data: answer.data! }) as ProbeResult;
    } catch (error) {
      if (classifyRpcFailure(error) === 'revert') {
        return this.record({ token, verdict: 'unsafe', safe: false, reason: `the round trip reverted: ${redactText(describeRpcFailure(error))}`, block });
      }
      const kind = classifyRpcFailure(error) === 'transient' ? 'the node did not answer the probe' : 'the probe failed';
      return this.unknown(token, block, `${kind} (${redactText(describeRpcFailure(error))})`);
    }
    const kind = market.kind === 'v2' ? 'pair' : 'pool';
    // A V3 swap that reverted reports no promise; a V2 buy was promised the formula's amount before it swapped.
    if (result.promisedOut === 0n && (result.bought || kind === 'pair')) {
      return this.unknown(token, block, `the ${kind} promised 0 tokens for the probe's buy of ${PROBE_WEI} wei (${market.address}): nothing to measure`);
    }
    const reason = judge(result, kind);
    // A round trip of few units cannot show a fee (a 0.5% fee on 100 units rounds to nothing): "exact" there
    // proves nothing, so it is no verdict. A fault it did see is real at any size.
    if (reason === EXACT && result.promisedOut < MIN_MEASURABLE_UNITS) {
      return this.unknown(token, block, `the probe's buy was promised only ${result.promisedOut} units (${market.address}), too few to show a fee of 1 bp`);
    }
    this.failures.delete(token.toLowerCase());
    return this.record({ token, verdict: reason === EXACT ? 'safe' : 'unsafe', safe: reason === EXACT, reason, block });
  }

  /** No verdict on the token (no answer, no market to measure it by): "unknown, retry later", the wait doubling per time. */
  private unknown(token: Address, block: string, why: string): TokenVerdict {
    const key = token.toLowerCase();
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    const waitMs = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.min(count - 1, 30));
    const retryAtMs = this.now() + waitMs;
    const verdict: TokenVerdict = { token, verdict: 'unknown', safe: false, reason: `retry later: ${why}; next probe in ${waitMs} ms`, block, retryAtMs };
    this.failures.set(key, { count, retryAtMs, verdict });
    this.parameters.logger.warn({ token, failures: count, retryInMs: waitMs, reason: verdict.reason }, 'token safety: no verdict, probed again later');
    return verdict;
  }

  private record(verdict: TokenVerdict): TokenVerdict {
    this.verdicts.set(verdict.token.toLowerCase(), verdict);
    if (!verdict.safe) this.parameters.logger.warn({ token: verdict.token, reason: verdict.reason }, 'token safety: unsafe, its pools are excluded');
    if (this.parameters.store && (verdict.verdict === 'safe' || verdict.verdict === 'unsafe')) {
      this.pending.push({ token: verdict.token, verdict: verdict.verdict, reason: verdict.reason, probeBlock: BigInt(verdict.block), probedAt: this.wallClock() });
      // The decision goes on at once; the disk write happens later, in one transaction with its neighbours.
      this.flushTimer ??= setTimeout(() => void this.flush(), this.parameters.flushDelayMs ?? 250);
      this.flushTimer.unref?.();
    }
    return verdict;
  }

  private async writePending(): Promise<void> {
    const { store, scope, logger } = this.parameters;
    if (!store || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      store.saveTokenVerdicts(scope, batch);
      this.storeFailing = false;
    } catch (error) {
      // Verdicts stay in memory (the bot keeps them for this run) and are tried again with the next batch.
      this.pending = [...batch, ...this.pending];
      if (!this.storeFailing) logger.warn({ err: (error as Error).message, verdicts: batch.length }, 'token safety: verdicts not written to the store; kept in memory');
      this.storeFailing = true;
    }
  }
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
