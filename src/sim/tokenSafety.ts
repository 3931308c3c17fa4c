import { encodeFunctionData, decodeFunctionResult, getAddress, type Address, type Hex, type PublicClient } from 'viem';
import { tokenProbeAbi, tokenProbeDeployedBytecode } from '../abi/tokenProbe.generated.ts';
import { classifyRpcFailure, describeRpcFailure } from '../chain/rpcFailure.ts';
import type { Logger } from '../log.ts';
import { redactText } from '../redact.ts';
import type { Pool } from '../state/types.ts';
import { judgeProbe, PROBE_WEI, retryWaitMs, trustedStoredVerdict, unprobeableMarket, verdictOfStored, type ProbeResult, type TokenVerdict } from '../strategy/tokenVerdict.ts';
import type { StoredVerdict, VerdictStore } from '../strategy/verdictStore.ts';

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

/** Where the probe's code is put for the call (never deployed) and who calls it. */
const PROBE = getAddress('0x00000000000000000000000000000000700be000');
const CALLER = getAddress('0x00000000000000000000000000000000700be001');

/**
 * Token safety before a token is first traded: a buy, a transfer and a sale through the token's deepest WETH
 * market (a V2 pair or a V3 pool), run by the TokenProbe contract in one `eth_call` with a code override
 * (nothing is deployed, nothing is spent). A token that delivers less than the market promised, credits less
 * than it sent, or refuses a transfer or the sale is unsafe; so is one whose probe reverts. What says nothing
 * about the token itself gives "unknown": a probe that never got an answer (timeout, refused connection, 5xx,
 * rate limit), no WETH market, none deep enough, or a buy the market promised 0 tokens for. An unknown token is
 * probed again after an exponential backoff, never condemned and never stored.
 *
 * This is the shell (the eth_call, the clock, the store); the rules it applies are strategy/tokenVerdict.ts.
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
      if (trustedStoredVerdict(stored)) this.verdicts.set(stored.token.toLowerCase(), verdictOfStored(stored));
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
    const unprobeable = unprobeableMarket(market, weth, this.parameters.minProbeDepthWei);
    if (unprobeable || !market) return this.unknown(token, block, unprobeable ?? 'no WETH pair or pool to probe through');
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
    const judged = judgeProbe(result, market);
    if (judged.verdict === 'unknown') return this.unknown(token, block, judged.why);
    this.failures.delete(token.toLowerCase());
    return this.record({ token, verdict: judged.verdict, safe: judged.verdict === 'safe', reason: judged.reason, block });
  }

  /** No verdict on the token (no answer, no market to measure it by): "unknown, retry later", the wait doubling per time. */
  private unknown(token: Address, block: string, why: string): TokenVerdict {
    const key = token.toLowerCase();
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    const waitMs = retryWaitMs(count, this.backoff);
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

