import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, getAddress, http, type Address, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/runConfig.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { defaultScenarioPath, loadScenario } from '../../src/devnet/scenario/load.ts';
import { createLogger } from '../../src/log.ts';
import { Store } from '../../src/monitor/store.ts';
import { readPools } from '../../src/state/reader.ts';
import type { Pool } from '../../src/state/types.ts';
import { probeMarket, TokenSafety } from '../../src/strategy/tokenSafety.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { RpcProxy } from '../helpers/rpcProxy.ts';

/**
 * The default market plus four tokens whose only market is a V3 WETH pool (no V2 pair anywhere): a standard
 * one and the devnet's three poisoned kinds.
 */
function v3OnlyScenario() {
  const scenario = loadScenario(defaultScenarioPath());
  const v3Only = [
    { kind: 'standard' as const, symbol: 'GOODV3', decimals: 18 },
    { kind: 'feeOnTransfer' as const, symbol: 'FOTV3', decimals: 18, feeBps: 300 },
    { kind: 'honeypot' as const, symbol: 'HONEYV3', decimals: 18 },
    { kind: 'salmonella' as const, symbol: 'SALMONV3', decimals: 18, creditBps: 2000 },
  ];
  scenario.tokens.push(...v3Only);
  for (const token of v3Only) {
    scenario.pools.push({ dex: 'uniswapV3', pair: [token.symbol, 'WETH'], fee: 3000, price: '0.0001', positions: [{ range: 'full', amounts: ['1000000', '100'] }] });
  }
  return scenario;
}

let devnet: Devnet;
let proxy: RpcProxy;
let client: PublicClient;
const dir = mkdtempSync(join(tmpdir(), 'token-verdicts-'));
const logger = createLogger('test');
const scope = 'test-chain';

const token = (symbol: string) => devnet.manifest.tokens.find((t) => t.symbol === symbol)!.address;

/** Every pool of the manifest between `symbol` and WETH, read from the chain. */
async function wethPools(symbol: string): Promise<Pool[]> {
  const found = devnet.manifest.pools.filter((pool) => pool.pair.includes(symbol) && pool.pair.includes('WETH'));
  const read = await readPools(devnet.client as never, {
    v2: found.filter((pool) => pool.dex !== 'uniswapV3').map((pool) => pool.address),
    v3: found.filter((pool) => pool.dex === 'uniswapV3').map((pool) => pool.address),
  });
  return [...read.v2, ...read.v3];
}

/** A clock the test moves: the backoff is read from it, never from the wall. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

beforeAll(async () => {
  devnet = await startTestDevnet({ scenario: v3OnlyScenario() });
  proxy = RpcProxy.for(devnet.manifest.rpcUrl);
  await proxy.start();
  // The engine's own kind of client (batching, viem's default retries), pointed at the proxy.
  client = createPublicClient({ transport: http(proxy.url, { batch: true, retryDelay: 10 }) }) as PublicClient;
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  await devnet?.stop();
});

describe('a transient RPC failure is "unknown, retry later", never "unsafe"', () => {
  it('5xx and rate limits: unknown, not re-probed before the backoff, backoff doubles, safe once the node recovers', async () => {
    const clock = fakeClock();
    const safety = new TokenSafety({ client, weth: mainnet.weth, logger, scope, now: clock.now, backoff: { baseMs: 1000, maxMs: 60_000 } });
    const usdc = token('USDC');
    const [pair] = await wethPools('USDC');
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    proxy.fail('http-503', ['eth_call']);
    const first = await safety.check(usdc, pair, block);
    expect(first.verdict).toBe('unknown');
    expect(first.safe).toBe(false);
    expect(first.reason).toMatch(/retry later/);
    expect(first.reason).toMatch(/503/);
    expect(first.retryAtMs).toBe(clock.now() + 1000);
    expect(safety.isUnsafe(usdc)).toBe(false);
    const probes = proxy.count('eth_call');
    expect(probes).toBeGreaterThan(0);

    // Within the backoff: the same answer, and the node is not asked again.
    clock.advance(999);
    const waiting = await safety.check(usdc, pair, block);
    expect(waiting.verdict).toBe('unknown');
    expect(proxy.count('eth_call')).toBe(probes);

    // After it: probed again; a rate limit is just as transient, and the next wait is twice as long.
    proxy.fail('rate-limit', ['eth_call']);
    clock.advance(1);
    const second = await safety.check(usdc, pair, block);
    expect(second.verdict).toBe('unknown');
    expect(second.reason).toMatch(/429|rate/i);
    expect(proxy.count('eth_call')).toBeGreaterThan(probes);
    expect(second.retryAtMs).toBe(clock.now() + 2000);

    proxy.heal();
    clock.advance(2000);
    const recovered = await safety.check(usdc, pair, block);
    expect(recovered).toMatchObject({ verdict: 'safe', safe: true, reason: 'bought, moved and sold back exactly' });
  });

  it('connection refused, a reset connection and a timeout are unknown too; a probe that reverts is a real verdict', async () => {
    const clock = fakeClock();
    const quick = createPublicClient({ transport: http(proxy.url, { batch: true, retryCount: 0, timeout: 300 }) }) as PublicClient;
    const safety = new TokenSafety({ client: quick, weth: mainnet.weth, logger, scope, now: clock.now });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const [daiPair] = await wethPools('DAI');
    const [usdtPair] = await wethPools('USDT');
    const [wbtcPair] = await wethPools('WBTC');

    await proxy.stop();
    const refused = await safety.check(token('DAI'), daiPair, block);
    await proxy.start();
    expect(refused.verdict).toBe('unknown');

    proxy.fail('reset', ['eth_call']);
    expect((await safety.check(token('USDT'), usdtPair, block)).verdict).toBe('unknown');
    proxy.fail('hang', ['eth_call']);
    const timedOut = await safety.check(token('WBTC'), wbtcPair, block);
    expect(timedOut.verdict).toBe('unknown');
    expect(timedOut.reason).toMatch(/time/i);
    proxy.heal();

    // A "token" with no code behind a real pair: the probe itself reverts (it cannot read a balance there).
    const noCode = getAddress('0x000000000000000000000000000000000000c0de');
    const reverted = await safety.check(noCode, daiPair, block);
    expect(reverted).toMatchObject({ verdict: 'unsafe', safe: false });
    expect(reverted.reason).toMatch(/revert/);
    expect(safety.isUnsafe(noCode)).toBe(true);
  });
});

describe('a token that trades only in a V3 pool is probed through that pool', () => {
  it('the V3 pool is the market probed when there is no V2 pair; the V2 pair is kept where there is one', async () => {
    const goodPools = await wethPools('GOODV3');
    expect(goodPools.map((pool) => pool.kind)).toEqual(['v3']);
    expect(probeMarket(goodPools)?.address).toBe(goodPools[0]!.address);
    const usdcPools = await wethPools('USDC');
    expect(usdcPools.some((pool) => pool.kind === 'v3')).toBe(true);
    expect(probeMarket(usdcPools)?.kind).toBe('v2');
    expect(probeMarket([])).toBeUndefined();
  });

  it('V3-only: the standard token is safe, fee-on-transfer, honeypot and salmonella are unsafe with their reason', async () => {
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger, scope });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const verdictOf = async (symbol: string) => safety.check(token(symbol), probeMarket(await wethPools(symbol)), block);
    expect(await verdictOf('GOODV3')).toMatchObject({ verdict: 'safe', reason: 'bought, moved and sold back exactly' });
    const fot = await verdictOf('FOTV3');
    expect(fot.verdict).toBe('unsafe');
    expect(fot.reason).toMatch(/^delivers \d+ where the pool promised \d+/);
    expect(await verdictOf('HONEYV3')).toMatchObject({ verdict: 'unsafe', reason: 'refuses a transfer between holders' });
    const salmon = await verdictOf('SALMONV3');
    expect(salmon.verdict).toBe('unsafe');
    expect(salmon.reason).toMatch(/^delivers \d+ where the pool promised \d+/);
  });

  it('with no market at all the token is unsafe (nothing to test a round trip through)', async () => {
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger, scope });
    const verdict = await safety.check(getAddress('0x000000000000000000000000000000000000beef'), undefined, 1n);
    expect(verdict).toMatchObject({ verdict: 'unsafe', reason: 'no WETH pair or pool to test a round trip through' });
  });
});

describe('verdicts live in the SQLite store', () => {
  it('written off the decision (batched), read back by a new process-like instance without probing, per chain', async () => {
    const file = join(dir, 'searcher.db');
    const store = Store.open(file);
    // A batch window longer than the test: only flush() writes, so what reaches the disk, and when, is exact.
    const safety = new TokenSafety({ client, weth: mainnet.weth, logger, scope, store, flushDelayMs: 600_000 });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const symbols = ['GOODV3', 'HONEYV3', 'USDC'];
    for (const symbol of symbols) await safety.check(token(symbol), probeMarket(await wethPools(symbol)), block);
    // The decision has its verdicts; the disk has not been touched yet (the write is batched behind it).
    expect(store.db.prepare('SELECT count(*) AS n FROM token_verdicts').get()).toEqual({ n: 0 });
    // A transient failure is never written.
    proxy.fail('http-500', ['eth_call']);
    expect((await safety.check(token('DAI'), probeMarket(await wethPools('DAI')), block)).verdict).toBe('unknown');
    proxy.heal();
    await safety.flush();
    const rows = store.db.prepare('SELECT chain, token, verdict, reason, probe_block, probed_at FROM token_verdicts ORDER BY token').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.token).sort()).toEqual(symbols.map(token).map((a) => getAddress(a)).sort());
    for (const row of rows) {
      expect(row.chain).toBe(scope);
      expect(row.probe_block).toBe(Number(block));
      expect(typeof row.probed_at).toBe('number');
    }
    expect(rows.find((row) => row.token === getAddress(token('HONEYV3')))).toMatchObject({ verdict: 'unsafe', reason: 'refuses a transfer between holders' });
    expect(rows.find((row) => row.token === getAddress(token('DAI')))).toBeUndefined();
    store.close();

    // A restart: a new store handle and a new instance, with the node unreachable: the verdicts are known.
    await proxy.stop();
    const reopened = Store.open(file);
    const before = proxy.count('eth_call');
    const restarted = new TokenSafety({ client, weth: mainnet.weth, logger, scope, store: reopened });
    expect(restarted.isUnsafe(token('HONEYV3'))).toBe(true);
    expect(await restarted.check(token('GOODV3') as Address, undefined, block + 5n)).toMatchObject({ verdict: 'safe', block: String(block) });
    expect(proxy.count('eth_call')).toBe(before);
    // Another chain (another genesis) does not inherit them.
    const elsewhere = new TokenSafety({ client, weth: mainnet.weth, logger, scope: 'another-chain', store: reopened });
    expect(elsewhere.verdict(token('HONEYV3'))).toBeUndefined();
    reopened.close();
    await proxy.start();
  });
});

describe('tokenSafety.file is retired gracefully', () => {
  it('an old config that sets it still loads, with a warning that says where verdicts live now', () => {
    const chain = { chainId: 1, rpcUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1', executor: { address: '0x00000000000000000000000000000000000000e1' } };
    const old = join(dir, 'old.json');
    writeFileSync(old, JSON.stringify({ chain, tokenSafety: { file: 'token-verdicts.json' } }));
    expect(loadRunConfig(old).warnings).toEqual([expect.stringMatching(/tokenSafety\.file is deprecated and ignored: token verdicts now live in the store/)]);
    const current = join(dir, 'current.json');
    writeFileSync(current, JSON.stringify({ chain }));
    expect(loadRunConfig(current).warnings).toEqual([]);
  });
});
