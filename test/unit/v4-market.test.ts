/**
 * V4 pools in the market's pure parts and the store: events applied and journaled, the pool id as the market key,
 * the checkpoint on SQLite and PostgreSQL (with the migration from a store written before V4), and the guards that
 * keep our math from quoting or sizing a pool whose hooks act around swaps.
 */
import { encodeAbiParameters, keccak256, toHex, zeroAddress, type Address, type Hex, type Log } from 'viem';
import { describe, expect, it } from 'vitest';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import { quoteV4ExactInput, quoteV4ExactOutput } from '../../src/amm/v4/pool.ts';
import { hookFlags, v4PoolId, type V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { migrationsFor } from '../../src/monitor/migrations.ts';
import { Store } from '../../src/monitor/store.ts';
import { decodePoolLog } from '../../src/state/events.ts';
import { MarketState } from '../../src/state/market.ts';
import { PendingOverlay } from '../../src/state/overlay.ts';
import { decodePoolState, encodePoolState } from '../../src/state/poolCheckpoint.ts';
import { quoteExactInput } from '../../src/state/quote.ts';
import type { V2Pair, V4Pool } from '../../src/state/types.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { sizeCycle } from '../../src/strategy/sizing.ts';
import { storeBackends, storeSuite } from '../helpers/storeBackends.ts';

const manager: Address = '0x000000000004444c5dc75cB358380D2e3dE08A90';
const weth: Address = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2';
const usdc: Address = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';

function v4Pool(hooks: Address = zeroAddress, fee = 3000): V4Pool {
  const key: V4PoolKey = { currency0: zeroAddress, currency1: usdc, fee, tickSpacing: 60, hooks };
  const id = v4PoolId(key);
  const simulateOnly = (BigInt(hooks) & BigInt(hookFlags.beforeSwap | hookFlags.afterSwap | hookFlags.beforeSwapReturnsDelta | hookFlags.afterSwapReturnsDelta)) !== 0n;
  return {
    kind: 'v4', address: id, poolId: id, key, poolManager: manager, token0: zeroAddress, token1: usdc, simulateOnly,
    sqrtPriceX96: getSqrtRatioAtTick(-200_340), tick: -200_340, liquidity: 10n ** 18n, lpFee: 3000, protocolFee: 0, fee: 3000, tickSpacing: 60,
    ticks: [-887_220, 887_220], liquidityNet: [10n ** 18n, -(10n ** 18n)], liquidityGross: [10n ** 18n, 10n ** 18n],
  };
}

const block = (n: number) => ({ number: BigInt(n), hash: keccak256(toHex(`b${n}`)), parentHash: keccak256(toHex(`b${n - 1}`)) });

/** A PoolManager log as the node returns it. */
function v4Log(emitter: Address, signature: string, id: Hex, data: Hex, logIndex: number): Log {
  return { address: emitter, topics: [keccak256(toHex(signature)), id, `0x${'00'.repeat(12)}${'11'.repeat(20)}`], data, blockNumber: 2n, blockHash: block(2).hash, logIndex, removed: false, transactionHash: null, transactionIndex: 0 } as unknown as Log;
}

describe('V4 events in the market', () => {
  it('applies Swap and ModifyLiquidity from the PoolManager by pool id, journals them, and rolls them back', () => {
    const pool = v4Pool();
    const market = new MarketState(8);
    market.reset([pool], block(1));
    const swap = v4Log(manager, 'Swap(bytes32,address,int128,int128,uint160,uint128,int24,uint24)', pool.poolId, encodeAbiParameters(
      [{ type: 'int128' }, { type: 'int128' }, { type: 'uint160' }, { type: 'uint128' }, { type: 'int24' }, { type: 'uint24' }],
      [-5n, 7n, getSqrtRatioAtTick(-200_000), 10n ** 18n, -200_000, 3000],
    ), 0);
    const modify = v4Log(manager, 'ModifyLiquidity(bytes32,address,int24,int24,int256,bytes32)', pool.poolId, encodeAbiParameters(
      [{ type: 'int24' }, { type: 'int24' }, { type: 'int256' }, { type: 'bytes32' }],
      [-201_000, -199_020, 5n * 10n ** 17n, `0x${'00'.repeat(32)}`],
    ), 1);
    const logs = [swap, modify].map((log) => decodePoolLog(log, new Set([manager.toLowerCase()]))!);
    expect(logs.map((log) => log.address)).toEqual([pool.poolId, pool.poolId]);
    const changed = market.applyBlock(block(2), logs);
    expect([...changed]).toEqual([pool.poolId]);
    const after = market.get(pool.poolId) as V4Pool;
    expect([after.tick, after.liquidity, after.ticks]).toEqual([-200_000, 10n ** 18n + 5n * 10n ** 17n, [-887_220, -201_000, -199_020, 887_220]]);
    market.rollback();
    expect(market.get(pool.poolId)).toBe(pool);
  });

  it('ignores a V4-shaped event from any emitter but a configured PoolManager (anyone can emit one)', () => {
    const pool = v4Pool();
    const data = encodeAbiParameters([{ type: 'uint24' }], [999]);
    const fake = v4Log('0x1111111111111111111111111111111111111111', 'ProtocolFeeUpdated(bytes32,uint24)', pool.poolId, data, 0);
    expect(decodePoolLog(fake, new Set([manager.toLowerCase()]))).toBeUndefined();
    expect(decodePoolLog(v4Log(manager, 'ProtocolFeeUpdated(bytes32,uint24)', pool.poolId, data, 0))).toBeUndefined();
    expect(decodePoolLog(v4Log(manager, 'ProtocolFeeUpdated(bytes32,uint24)', pool.poolId, data, 0), new Set([manager.toLowerCase()]))?.event).toEqual({ kind: 'v4protocolFee', protocolFee: 999 });
  });

  it('keeps a V4 pool through the checkpoint text unchanged, its id never checksummed', () => {
    const pool = v4Pool();
    expect(decodePoolState(encodePoolState(pool))).toEqual(pool);
  });
});

describe('V4 simulate-only guards', () => {
  const hooked = v4Pool(`0x4444${'0'.repeat(32)}${(hookFlags.beforeSwap | hookFlags.afterSwap).toString(16).padStart(4, '0')}` as Address);

  it('quote refuses a simulate-only pool; a hookless one is quoted', () => {
    expect(hooked.simulateOnly).toBe(true);
    expect(() => quoteExactInput(hooked, usdc, 10n ** 9n)).toThrow(/simulate only/);
    expect(quoteExactInput(v4Pool(), usdc, 10n ** 9n)).toBeGreaterThan(0n);
  });

  it('the pending overlay never applies a swap to a simulate-only pool', () => {
    const market = new MarketState();
    market.reset([hooked, v4Pool()], block(1));
    const overlay = new PendingOverlay(market);
    expect(overlay.applySwap({ pool: hooked.address, zeroForOne: false, amountIn: 10n ** 9n })).toBe(0n);
    expect(overlay.touched()).toEqual([]);
    // A hookless pool: the overlay answers what the V4Quoter-checked quotes answer (v4-exactness), in both kinds.
    const plain = v4Pool();
    expect(overlay.applySwap({ pool: plain.address, zeroForOne: false, amountIn: 10n ** 9n })).toBe(quoteV4ExactInput(plain, false, 10n ** 9n));
    const moved = overlay.get(plain.address) as V4Pool;
    expect(moved.sqrtPriceX96).toBeGreaterThan(plain.sqrtPriceX96);
    expect(overlay.applyExactOutput({ pool: plain.address, zeroForOne: true, amountOut: 10n ** 8n })).toBe(quoteV4ExactOutput(moved, true, 10n ** 8n));
    expect(overlay.touched()).toEqual([plain.address]);
  });

  it('the engine never sizes a simulate-only V4 pool: the graph leaves it out and sizeCycle refuses a cycle through it', () => {
    const pair: V2Pair = { kind: 'v2', address: '0x2222222222222222222222222222222222222222', token0: usdc, token1: weth, reserve0: 3n * 10n ** 12n, reserve1: 10n ** 21n, feeBps: 30n };
    const graph = new PoolGraph([pair, hooked]);
    graph.add(hooked);
    expect(graph.entry(hooked.address)).toBeUndefined();
    expect(graph.pools(usdc, zeroAddress)).toEqual([]);
    expect(graph.entry(pair.address)?.pool).toBe(pair);
    const market = new MarketState();
    market.reset([pair, hooked], block(1));
    const cycle = {
      startToken: weth,
      hops: [
        { pool: pair, zeroForOne: false, tokenIn: weth, tokenOut: usdc },
        { pool: hooked, zeroForOne: false, tokenIn: usdc, tokenOut: zeroAddress },
      ],
    };
    expect(sizeCycle(market, cycle as never)).toBeUndefined();
  });
});

describe('V4 pools in the cycle search', () => {
  it('walks the cycles through a hookless V4 pool a block moved, as through the V2 pools beside it (graph-v4.test.ts: native ETH, hooks)', () => {
    // USDC < WETH: a V4 USDC/WETH pool and two V2 USDC/WETH pairs, so each pool closes two-hop WETH cycles with the others.
    const key: V4PoolKey = { currency0: usdc, currency1: weth, fee: 500, tickSpacing: 10, hooks: zeroAddress };
    const id = v4PoolId(key);
    const v4: V4Pool = { ...v4Pool(), key, address: id, poolId: id, token0: usdc, token1: weth, simulateOnly: false };
    const pair = (n: number): V2Pair => ({ kind: 'v2', address: `0x${String(n).repeat(40)}` as Address, token0: usdc, token1: weth, reserve0: 3n * 10n ** 12n, reserve1: 10n ** 21n, feeBps: 30n });
    const graph = new PoolGraph([pair(2), pair(3), v4]);
    const count = (pool: V4Pool | V2Pair) => {
      let cycles = 0;
      graph.visitCyclesThrough(pool, weth, () => cycles++, () => cycles++);
      return cycles;
    };
    expect(count(pair(2))).toBeGreaterThan(0);
    expect(count(v4)).toBeGreaterThan(0);
    // Two-hop cycles with each pair, both ways: the V4 pool traded in its own direction, named by its pool id.
    const cycles = graph.cyclesThrough(v4, weth);
    expect(cycles.map((cycle) => cycle.hops.map((hop) => `${hop.pool.address}:${hop.zeroForOne}`))).toEqual([
      [`${id}:false`, `${pair(2).address}:true`],
      [`${pair(2).address}:false`, `${id}:true`],
      [`${id}:false`, `${pair(3).address}:true`],
      [`${pair(3).address}:false`, `${id}:true`],
    ]);
  });
});

describe.each(storeBackends)('V4 pool checkpoint on $name', (backend) => {
  const suite = storeSuite(backend);

  it('keeps V4 registry entries (pool id, PoolManager, key) and states beside V2 ones, on a store upgraded from before V4', () => {
    // A store at the schema before V4, holding a V2 row: the migration keeps it.
    const old = backend.raw(suite.target);
    old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    const before = migrationsFor(backend.name, 'host-a').slice(0, -1);
    for (const migration of before) old.exec(migration);
    old.exec(`INSERT INTO schema_version VALUES (${before.length})`);
    old.prepare("INSERT INTO pool_registry (instance, chain, address, kind, fee_bps, venue) VALUES ('host-a', 'c1', '0x2222222222222222222222222222222222222222', 'v2', 30, 'uniswapV2')").run();
    old.close();
    const store = Store.open(suite.target, { instance: 'host-a' });
    suite.open.push(store);
    const pool = v4Pool();
    store.savePoolCheckpoint('c1', {
      block: block(5),
      registry: [{ address: pool.address, kind: 'v4', v4Key: pool.key, factory: manager, venue: 'uniswapV4', createdAt: 4n, token0: pool.token0, token1: pool.token1 }],
      states: [pool],
      untracked: [],
    });
    const checkpoint = store.loadPoolCheckpoint('c1')!;
    expect(checkpoint.registry.find((entry) => entry.kind === 'v4')).toEqual({ address: pool.address, kind: 'v4', v4Key: pool.key, factory: manager, venue: 'uniswapV4', createdAt: 4n, token0: pool.token0, token1: pool.token1 });
    expect(checkpoint.registry.find((entry) => entry.kind === 'v2')?.address).toBe('0x2222222222222222222222222222222222222222');
    expect(checkpoint.states).toEqual([pool]);
  });
});
