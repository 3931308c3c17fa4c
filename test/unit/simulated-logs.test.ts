import { encodeAbiParameters, encodeEventTopics, getAddress, type Hex, type Log } from 'viem';
import { describe, expect, it } from 'vitest';
import { getSqrtRatioAtTick } from '../../src/amm/v3/tickMath.ts';
import { poolEventsAbi, v4PoolEventsAbi } from '../../src/state/events.ts';
import { MarketState } from '../../src/state/market.ts';
import { PendingOverlay } from '../../src/state/overlay.ts';
import { applySimulatedLogs } from '../../src/state/simulatedLogs.ts';
import type { V2Pair, V3Pool } from '../../src/state/types.ts';

const pair: V2Pair = {
  kind: 'v2',
  address: getAddress('0x00000000000000000000000000000000000000a1'),
  token0: getAddress('0x00000000000000000000000000000000000000b1'),
  token1: getAddress('0x00000000000000000000000000000000000000b2'),
  reserve0: 1000n,
  reserve1: 2000n,
  feeBps: 30n,
};
const pool: V3Pool = {
  kind: 'v3',
  address: getAddress('0x00000000000000000000000000000000000000a2'),
  token0: pair.token0,
  token1: pair.token1,
  fee: 3000,
  tickSpacing: 60,
  sqrtPriceX96: getSqrtRatioAtTick(0),
  tick: 0,
  liquidity: 0n,
  ticks: [],
  liquidityNet: [],
  liquidityGross: [],
};
const zero = `0x${'00'.repeat(32)}` as Hex;

function log(address: Hex, topics: Hex[], data: Hex): Log {
  return { address, topics: topics as [Hex, ...Hex[]], data, blockNumber: null, blockHash: null, logIndex: null, transactionHash: null, transactionIndex: null, removed: false };
}
const syncLog = (address: Hex, reserve0: bigint, reserve1: bigint) =>
  log(address, encodeEventTopics({ abi: poolEventsAbi, eventName: 'Sync' }) as Hex[], encodeAbiParameters([{ type: 'uint112' }, { type: 'uint112' }], [reserve0, reserve1]));

function overlay(): PendingOverlay {
  const market = new MarketState(8);
  market.reset([pair, pool], { number: 1n, hash: zero, parentHash: zero });
  return new PendingOverlay(market);
}

describe('applySimulatedLogs', () => {
  it('sets the state a Sync carries, the last one of a pool winning, and names the pool moved', () => {
    const view = overlay();
    const result = applySimulatedLogs(view, [syncLog(pair.address, 1500n, 1400n), syncLog(pair.address, 1600n, 1300n)], new Set());
    expect(result).toMatchObject({ moved: [{ address: pair.address, reserve0: 1600n, reserve1: 1300n }] });
    expect(view.get(pair.address)).toMatchObject({ reserve0: 1600n, reserve1: 1300n });
  });

  it('refuses a log the pool cannot take (a Sync at a V3 pool): never guessed', () => {
    expect(applySimulatedLogs(overlay(), [syncLog(pool.address, 1n, 1n)], new Set())).toEqual({ reason: expect.stringContaining('does not map onto its state') });
  });

  it('skips pools the market does not hold, and PoolManager events of a manager not configured', () => {
    const manager = getAddress('0x00000000000000000000000000000000000000c1');
    const v4Swap = log(
      manager,
      encodeEventTopics({ abi: v4PoolEventsAbi, eventName: 'Swap', args: { id: zero, sender: manager } }) as Hex[],
      encodeAbiParameters([{ type: 'int128' }, { type: 'int128' }, { type: 'uint160' }, { type: 'uint128' }, { type: 'int24' }, { type: 'uint24' }], [1n, -1n, 2n ** 96n, 1n, 0, 500]),
    );
    const result = applySimulatedLogs(overlay(), [syncLog(getAddress('0x00000000000000000000000000000000000000ff'), 5n, 5n), v4Swap], new Set());
    expect(result).toEqual({ moved: [], states: new Map() });
  });
});
