import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, encodeFunctionData, getAddress, http, parseAbi, type Address, type Hex, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/runConfig.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { defaultScenarioPath, loadScenario } from '../../src/devnet/scenario/load.ts';
import { createLogger } from '../../src/log.ts';
import { Store } from '../../src/monitor/store.ts';
import { readPools } from '../../src/state/reader.ts';
import type { Pool } from '../../src/state/types.ts';
import { TokenSafety } from '../../src/sim/tokenSafety.ts';
import { probeMarket, wethDepth } from '../../src/strategy/tokenVerdict.ts';
import { sendSignedAndMine, startTestDevnet } from '../helpers/devnet.ts';
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
  // A standard token with a deep Uniswap V2 pair, and one with no market at all (an attacker gives it a dust pair).
  scenario.tokens.push({ kind: 'standard' as const, symbol: 'GOODV2', decimals: 18 }, { kind: 'standard' as const, symbol: 'LONELY', decimals: 18 });
  scenario.pools.push({ dex: 'uniswapV2', pair: ['GOODV2', 'WETH'], reserves: ['1000000', '100'] });
  // A fee-on-transfer token of 0 decimals, 100 WETH deep: the probe's buy gets ~100 units, whose 0.5% fee rounds
  // to nothing, so a round trip of that size cannot show it.
  scenario.tokens.push({ kind: 'feeOnTransfer' as const, symbol: 'COARSE', decimals: 0, feeBps: 50 });
  scenario.pools.push({ dex: 'uniswapV2', pair: ['COARSE', 'WETH'], reserves: ['1000000', '100'] });
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
  it('the V3 pool is the market probed when there is no V2 pair; among several, the deepest on the WETH side', async () => {
    const goodPools = await wethPools('GOODV3');
    expect(goodPools.map((pool) => pool.kind)).toEqual(['v3']);
    expect(probeMarket(goodPools, mainnet.weth)?.address).toBe(goodPools[0]!.address);
    // A full-range V3 position's virtual WETH reserve is (to rounding) the WETH the pool holds on chain.
    const held = await devnet.client.readContract({ address: mainnet.weth, abi: parseAbi(['function balanceOf(address) view returns (uint256)']), functionName: 'balanceOf', args: [goodPools[0]!.address] });
    const depth = wethDepth(goodPools[0]!, mainnet.weth)!;
    expect(held).toBeGreaterThan(0n);
    expect(held > depth ? held - depth : depth - held).toBeLessThan(held / 1_000_000n);
    const usdcPools = await wethPools('USDC');
    expect(usdcPools.some((pool) => pool.kind === 'v3') && usdcPools.some((pool) => pool.kind === 'v2')).toBe(true);
    const chosen = probeMarket(usdcPools, mainnet.weth)!;
    for (const pool of usdcPools) expect(wethDepth(chosen, mainnet.weth)! >= wethDepth(pool, mainnet.weth)!).toBe(true);
    expect(probeMarket([], mainnet.weth)).toBeUndefined();
  });

  it('V3-only: the standard token is safe, fee-on-transfer, honeypot and salmonella are unsafe with their reason', async () => {
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger, scope });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const verdictOf = async (symbol: string) => safety.check(token(symbol), probeMarket(await wethPools(symbol), mainnet.weth), block);
    expect(await verdictOf('GOODV3')).toMatchObject({ verdict: 'safe', reason: 'bought, moved and sold back exactly' });
    const fot = await verdictOf('FOTV3');
    expect(fot.verdict).toBe('unsafe');
    expect(fot.reason).toMatch(/^delivers \d+ where the pool promised \d+/);
    expect(await verdictOf('HONEYV3')).toMatchObject({ verdict: 'unsafe', reason: 'refuses a transfer between holders' });
    const salmon = await verdictOf('SALMONV3');
    expect(salmon.verdict).toBe('unsafe');
    expect(salmon.reason).toMatch(/^delivers \d+ where the pool promised \d+/);
  });

  it('with no WETH market at all the token is unknown (retried after the backoff), never a stored unsafe verdict', async () => {
    const clock = fakeClock();
    const store = Store.open(join(dir, 'no-market.db'));
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger, scope, store, now: clock.now, backoff: { baseMs: 1000, maxMs: 60_000 } });
    const beef = getAddress('0x000000000000000000000000000000000000beef');
    const verdict = await safety.check(beef, undefined, 1n);
    expect(verdict).toMatchObject({ verdict: 'unknown', safe: false, retryAtMs: clock.now() + 1000 });
    expect(verdict.reason).toMatch(/^retry later: no WETH pair or pool/);
    expect(safety.isUnsafe(beef)).toBe(false);
    await safety.flush();
    expect(store.db.prepare('SELECT count(*) AS n FROM token_verdicts').get()).toEqual({ n: 0 });
    store.close();
  });
});

const v2FactoryAbi = parseAbi(['function createPair(address, address) returns (address)', 'function getPair(address, address) view returns (address)']);
const v2PairAbi = parseAbi(['function mint(address) returns (uint256)', 'function getReserves() view returns (uint112, uint112, uint32)', 'function token0() view returns (address)']);
const tokenAbi = parseAbi(['function mint(address, uint256)', 'function deposit() payable', 'function transfer(address, uint256) returns (bool)']);
const DUST_WETH = 10_000_000n;

/**
 * An attacker's dust pair, made through the real factory at its mainnet address: 1e7 wei of WETH against 1 wei
 * of the token (the attacker's wei of the token is minted by the token's owner here; it could as well be bought).
 * Anyone can do this for any token, for a fraction of a cent.
 */
async function dustPair(factory: Address, symbol: string): Promise<Address> {
  const attacker = devAccount(devnet.manifest.accounts.traders.at(-1)!.index);
  const owner = devAccount(devnet.manifest.accounts.deployer.index);
  await devnet.client.setBalance({ address: attacker.address, value: 10n ** 18n });
  // Signed and mined one by one, as the attacker's wallet (and the token's owner) would send them.
  const send = async (account: typeof owner, to: Address, data: Hex, value?: bigint) => {
    const receipt = await sendSignedAndMine(devnet, account, { to, data, gas: 5_000_000n, ...(value ? { value } : {}) });
    expect(receipt.status).toBe('success');
  };
  await send(attacker, factory, encodeFunctionData({ abi: v2FactoryAbi, functionName: 'createPair', args: [token(symbol), mainnet.weth] }));
  const pair = await devnet.client.readContract({ address: factory, abi: v2FactoryAbi, functionName: 'getPair', args: [token(symbol), mainnet.weth] });
  await send(attacker, mainnet.weth, encodeFunctionData({ abi: tokenAbi, functionName: 'deposit' }), DUST_WETH);
  await send(attacker, mainnet.weth, encodeFunctionData({ abi: tokenAbi, functionName: 'transfer', args: [pair, DUST_WETH] }));
  await send(owner, token(symbol), encodeFunctionData({ abi: tokenAbi, functionName: 'mint', args: [pair, 1n] }));
  await send(attacker, pair, encodeFunctionData({ abi: v2PairAbi, functionName: 'mint', args: [attacker.address] }));
  // The pair really holds the dust (read from the chain, not assumed).
  const [r0, r1] = await devnet.client.readContract({ address: pair, abi: v2PairAbi, functionName: 'getReserves' });
  const wethIs0 = (await devnet.client.readContract({ address: pair, abi: v2PairAbi, functionName: 'token0' })).toLowerCase() === mainnet.weth.toLowerCase();
  expect(wethIs0 ? [r0, r1] : [r1, r0]).toEqual([DUST_WETH, 1n]);
  return pair;
}

/** The dust pair first, then the token's real WETH markets: the order a graph may well hand them over in. */
async function marketsWithDust(symbol: string, dust: Address): Promise<Pool[]> {
  const [pair] = (await readPools(devnet.client as never, { v2: [dust] })).v2;
  return [pair!, ...(await wethPools(symbol))];
}

describe("an attacker's dust pair decides nothing about a token", () => {
  const dust = new Map<string, Address>();
  beforeAll(async () => {
    // Sushi dust next to a deep Uniswap V2 pair; Uniswap V2 dust next to a deep V3 pool; and dust as the only market.
    for (const symbol of ['GOODV2', 'FOT', 'HONEY', 'SALMON']) dust.set(symbol, await dustPair(mainnet.sushiswapFactory, symbol));
    for (const symbol of ['GOODV3', 'FOTV3', 'HONEYV3', 'SALMONV3', 'LONELY']) dust.set(symbol, await dustPair(mainnet.uniswapV2Factory, symbol));
  }, 120_000);

  it('a good token with a deep market and a dust pair is probed through the deep market and found safe', async () => {
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger, scope });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    for (const symbol of ['GOODV2', 'GOODV3']) {
      const pools = await marketsWithDust(symbol, dust.get(symbol)!);
      expect(pools.length).toBe(2);
      const market = probeMarket(pools, mainnet.weth);
      expect(market?.address, symbol).toBe(pools[1]!.address);
      expect(await safety.check(token(symbol), market, block), symbol).toMatchObject({ verdict: 'safe', safe: true, reason: 'bought, moved and sold back exactly' });
    }
  });

  it('a good token whose only market is a dust pair is unknown (retried after the backoff), never stored as unsafe', async () => {
    const clock = fakeClock();
    const store = Store.open(join(dir, 'dust.db'));
    const safety = new TokenSafety({ client, weth: mainnet.weth, logger, scope, store, now: clock.now, backoff: { baseMs: 1000, maxMs: 60_000 } });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const lonely = token('LONELY');
    const [pair] = (await readPools(devnet.client as never, { v2: [dust.get('LONELY')!] })).v2;
    // As the decision asks: the best market among the token's WETH markets (here only the dust pair).
    const first = await safety.check(lonely, probeMarket([pair!], mainnet.weth), block);
    expect(first).toMatchObject({ verdict: 'unknown', safe: false, retryAtMs: clock.now() + 1000 });
    expect(first.reason).toMatch(/^retry later: no WETH market deep enough to probe/);
    // Handed the dust pair itself, the verdict is no different (the depth is checked where the probe runs).
    clock.advance(1000);
    const second = await safety.check(lonely, pair, block);
    expect(second).toMatchObject({ verdict: 'unknown', retryAtMs: clock.now() + 2000 });
    expect(second.reason).toMatch(/^retry later: no WETH market deep enough to probe/);
    expect(safety.isUnsafe(lonely)).toBe(false);
    await safety.flush();
    expect(store.db.prepare('SELECT count(*) AS n FROM token_verdicts').get()).toEqual({ n: 0 });
    store.close();
  });

  it('a buy the market promises 0 tokens for is no verdict on the token: unknown, not "cannot be bought"', async () => {
    // The dust pair of a token that does have a deep market, probed anyway (as a shallower minimum would allow).
    const clock = fakeClock();
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger, scope, now: clock.now, minProbeDepthWei: 1n });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const [pair] = (await readPools(devnet.client as never, { v2: [dust.get('GOODV2')!] })).v2;
    const verdict = await safety.check(token('GOODV2'), pair, block);
    expect(verdict.verdict).toBe('unknown');
    expect(verdict.reason).toMatch(/^retry later: the pair promised 0 tokens for the probe's buy/);
    expect(safety.isUnsafe(token('GOODV2'))).toBe(false);
  });

  it('a round trip of too few token units to show a fee is no verdict: unknown, never "safe"', async () => {
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger, scope, now: fakeClock().now });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const markets = await wethPools('COARSE');
    expect(markets).toHaveLength(1);
    const verdict = await safety.check(token('COARSE'), probeMarket(markets, mainnet.weth), block);
    expect(verdict.verdict).toBe('unknown');
    expect(verdict.reason).toMatch(/^retry later: the probe's buy was promised only \d+ units/);
  });

  it('a stored "cannot be bought" or "no market" verdict (what a dust pair used to cause) is not trusted: probed again', async () => {
    const store = Store.open(join(dir, 'old-verdicts.db'));
    const old = (symbol: string, reason: string) => ({ token: token(symbol), verdict: 'unsafe' as const, reason, probeBlock: 1n, probedAt: 1 });
    store.saveTokenVerdicts(scope, [old('GOODV2', 'cannot be bought'), old('GOODV3', 'no WETH pair or pool to test a round trip through'), old('HONEY', 'refuses a transfer between holders')]);
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger, scope, store });
    expect(safety.isUnsafe(token('GOODV2'))).toBe(false);
    expect(safety.isUnsafe(token('GOODV3'))).toBe(false);
    expect(safety.isUnsafe(token('HONEY'))).toBe(true);
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const verdict = await safety.check(token('GOODV2'), probeMarket(await marketsWithDust('GOODV2', dust.get('GOODV2')!), mainnet.weth), block);
    expect(verdict).toMatchObject({ verdict: 'safe', reason: 'bought, moved and sold back exactly' });
    await safety.flush();
    expect(store.db.prepare('SELECT verdict FROM token_verdicts WHERE token = ?').get(getAddress(token('GOODV2')))).toEqual({ verdict: 'safe' });
    store.close();
  });

  it('poisoned tokens with a dust pair and a deep market are still unsafe, each for its own reason', async () => {
    const safety = new TokenSafety({ client: devnet.client as never, weth: mainnet.weth, logger, scope });
    const block = await devnet.client.getBlockNumber({ cacheTime: 0 });
    const verdictOf = async (symbol: string) => {
      const pools = await marketsWithDust(symbol, dust.get(symbol)!);
      expect(pools.length).toBe(2);
      return safety.check(token(symbol), probeMarket(pools, mainnet.weth), block);
    };
    for (const [symbol, market] of [['FOT', 'pair'], ['SALMON', 'pair'], ['FOTV3', 'pool'], ['SALMONV3', 'pool']] as const) {
      const verdict = await verdictOf(symbol);
      expect(verdict.verdict, symbol).toBe('unsafe');
      expect(verdict.reason, symbol).toMatch(new RegExp(`^delivers [1-9]\\d* where the ${market} promised [1-9]\\d*`));
    }
    for (const symbol of ['HONEY', 'HONEYV3']) expect(await verdictOf(symbol), symbol).toMatchObject({ verdict: 'unsafe', reason: 'refuses a transfer between holders' });
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
    for (const symbol of symbols) await safety.check(token(symbol), probeMarket(await wethPools(symbol), mainnet.weth), block);
    // The decision has its verdicts; the disk has not been touched yet (the write is batched behind it).
    expect(store.db.prepare('SELECT count(*) AS n FROM token_verdicts').get()).toEqual({ n: 0 });
    // A transient failure is never written.
    proxy.fail('http-500', ['eth_call']);
    expect((await safety.check(token('DAI'), probeMarket(await wethPools('DAI'), mainnet.weth), block)).verdict).toBe('unknown');
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
