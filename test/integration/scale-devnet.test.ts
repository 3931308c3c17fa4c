import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAbi, parseAbiItem, type Address, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { generateScaleMarket } from '../../src/devnet/scale/generate.ts';
import { scaleScenario } from '../../src/devnet/scale/scenario.ts';
import { layoutV3Pool } from '../../src/devnet/scale/v3Layout.ts';
import type { BackgroundOrder } from '../../src/devnet/traffic/background.ts';
import type { SentSwap } from '../../src/devnet/traffic/sender.ts';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

// A small scale market (the same generator as the full one): started twice on one cache directory.
const pools = 600;
const scenario = scaleScenario({ pools });
const market = generateScaleMarket({ pools });

const pairCreated = parseAbiItem('event PairCreated(address indexed token0, address indexed token1, address pair, uint256 pairCount)');
const poolCreated = parseAbiItem('event PoolCreated(address indexed token0, address indexed token1, uint24 indexed fee, int24 tickSpacing, address pool)');
const poolAbi = parseAbi([
  'function getReserves() view returns (uint112, uint112, uint32)',
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool)',
  'function liquidity() view returns (uint128)',
  'function balanceOf(address) view returns (uint256)',
]);

type ChainPools = { discovered: Address[]; state: Map<Address, string> };

/** Every pool the factories' creation logs name (from block 0, as the bot discovers them), and each one's state. */
async function readChainPools(devnet: Devnet): Promise<ChainPools> {
  const { client } = devnet;
  const [pairs, sushi, v3] = await Promise.all([
    client.getLogs({ address: mainnet.uniswapV2Factory, event: pairCreated, fromBlock: 0n }),
    client.getLogs({ address: mainnet.sushiswapFactory, event: pairCreated, fromBlock: 0n }),
    client.getLogs({ address: mainnet.uniswapV3Factory, event: poolCreated, fromBlock: 0n }),
  ]);
  const discovered = [...pairs.map((log) => log.args.pair!), ...sushi.map((log) => log.args.pair!), ...v3.map((log) => log.args.pool!)];
  const v2Set = new Set([...pairs, ...sushi].map((log) => log.args.pair!));
  const states = await Promise.all(
    discovered.map(async (address) => {
      if (v2Set.has(address)) {
        const [r0, r1] = await client.readContract({ address, abi: poolAbi, functionName: 'getReserves' });
        return `${r0}/${r1}`;
      }
      const [slot0, liquidity] = await Promise.all([
        client.readContract({ address, abi: poolAbi, functionName: 'slot0' }),
        client.readContract({ address, abi: poolAbi, functionName: 'liquidity' }),
      ]);
      return `${slot0[0]}/${slot0[1]}/${liquidity}`;
    }),
  );
  return { discovered, state: new Map(discovered.map((address, i) => [address, states[i]!])) };
}

let cacheDir: string;
let first: Devnet | undefined;
let second: Devnet | undefined;
let firstPools: ChainPools;
let secondPools: ChainPools;
const swapsSent: SentSwap[] = [];
const backgroundSent: Array<{ order: BackgroundOrder; hash: Hash }> = [];

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'searcher-scale-test-'));
  first = await startTestDevnet({ scenario, scale: { pools, cacheDir } });
  firstPools = await readChainPools(first);
  await first.stop();
  second = await startTestDevnet({
    scenario,
    scale: { pools, cacheDir },
    traffic: true,
    onSwapSent: (swap) => swapsSent.push(swap),
    onBackgroundSent: (order, hash) => backgroundSent.push({ order, hash }),
  });
  secondPools = await readChainPools(second);
}, 180_000);

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

describe('scale devnet (scale:600)', () => {
  it('builds on the first start and loads the cached chain on the second', () => {
    expect(first!.manifest.scale).toMatchObject({ pools, cached: false });
    expect(second!.manifest.scale).toMatchObject({ pools, cached: true, cacheKey: first!.manifest.scale!.cacheKey });
    expect(second!.manifest.pools).toEqual(first!.manifest.pools);
    expect(second!.manifest.executor).toEqual(first!.manifest.executor);
  });

  it('keeps the factories creation logs through the dump: eth_getLogs from block 0 finds every pool on both starts', () => {
    expect(firstPools.discovered.length).toBe(pools);
    expect(new Set(firstPools.discovered)).toEqual(new Set(first!.manifest.pools.map((pool) => pool.address)));
    expect(secondPools.discovered).toEqual(firstPools.discovered);
  });

  it('reads the same state of every pool from the chain on both starts', () => {
    expect(secondPools.state.size).toBe(pools);
    expect(secondPools.state).toEqual(firstPools.state);
  });

  it('holds what the generator intended in the real pool contracts', async () => {
    const { client, manifest } = second!;
    const addressOf = (index: number) => manifest.tokens[index]!.address;
    expect(manifest.tokens.map((token) => token.symbol)).toEqual(market.tokens.map((token) => token.symbol));
    const v2 = manifest.pools.filter((pool) => pool.dex !== 'uniswapV3');
    expect(v2.length).toBe(market.v2.length);
    await Promise.all(
      market.v2.map(async (generated, i) => {
        const pool = v2[i]!;
        expect(pool.dex).toBe(generated.dex);
        const [r0, r1] = await client.readContract({ address: pool.address, abi: poolAbi, functionName: 'getReserves' });
        const aIsToken0 = pool.token0 === addressOf(generated.tokens[0]);
        expect(aIsToken0 ? [r0, r1] : [r1, r0]).toEqual(generated.amounts);
      }),
    );
    const v3 = manifest.pools.filter((pool) => pool.dex === 'uniswapV3');
    expect(v3.length).toBe(market.v3.length);
    await Promise.all(
      market.v3.map(async (generated, i) => {
        const pool = v3[i]!;
        const layout = layoutV3Pool(generated, market, addressOf);
        const [slot0, liquidity, held0, held1] = await Promise.all([
          client.readContract({ address: pool.address, abi: poolAbi, functionName: 'slot0' }),
          client.readContract({ address: pool.address, abi: poolAbi, functionName: 'liquidity' }),
          client.readContract({ address: layout.token0, abi: poolAbi, functionName: 'balanceOf', args: [pool.address] }),
          client.readContract({ address: layout.token1, abi: poolAbi, functionName: 'balanceOf', args: [pool.address] }),
        ]);
        expect(pool.fee).toBe(generated.fee);
        expect(slot0[0]).toBe(layout.sqrtPriceX96);
        expect(slot0[1]).toBe(layout.tick);
        expect(liquidity).toBe(layout.positions.reduce((sum, position) => sum + position.liquidity, 0n));
        expect([held0, held1]).toEqual([layout.amount0, layout.amount1]);
      }),
    );
  });

  it('runs mainnet-shaped blocks: ~200 transactions, ~20% swaps through every router, the rest ignored by the decoder', async () => {
    const { client, traffic, builder } = second!;
    const blocks: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      const head = await client.getBlockNumber({ cacheTime: 0 });
      while (traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 20));
      const report = await builder.buildBlock();
      blocks.push(BigInt(report.blockNumber));
    }
    expect(new Set(blocks).size).toBe(4);
    const mined = await Promise.all(blocks.map((number) => client.getBlock({ blockNumber: number, includeTransactions: true })));
    // After a load, numbers continue from the build's last block and time from the clock, never backwards.
    const loadedHead = await client.getBlock({ blockNumber: BigInt(second!.manifest.startBlock) });
    expect(blocks[0]).toBe(BigInt(second!.manifest.startBlock) + 1n);
    expect(mined[0]!.timestamp).toBeGreaterThan(loadedHead.timestamp);
    for (let i = 1; i < mined.length; i++) expect(mined[i]!.timestamp).toBeGreaterThan(mined[i - 1]!.timestamp);
    expect(mined.every((block) => block.gasLimit === 30_000_000n)).toBe(true);
    const txs = mined.flatMap((block) => block.transactions);
    const swapHashes = new Set(swapsSent.map((swap) => swap.hash));
    const backgroundHashes = new Set(backgroundSent.map((sent) => sent.hash));
    const swaps = txs.filter((tx) => swapHashes.has(tx.hash));
    const others = txs.filter((tx) => backgroundHashes.has(tx.hash));
    expect(txs.length / mined.length).toBeGreaterThan(120);
    expect(swaps.length + others.length).toBe(txs.length);
    expect(swaps.length / txs.length).toBeGreaterThan(0.08);
    expect(swaps.length / txs.length).toBeLessThan(0.35);
    expect(new Set(swapsSent.map((swap) => swap.order.router))).toEqual(new Set(['uniswapV2Router02', 'sushiswapRouter', 'swapRouter', 'swapRouter02', 'universalRouter']));
    expect(new Set(others.map((tx) => backgroundSent.find((sent) => sent.hash === tx.hash)!.order.kind))).toEqual(
      new Set(['tokenTransfer', 'approve', 'ethTransfer', 'wrap', 'unwrap', 'routerCall']),
    );
    const config = { routers: mainnetRouters };
    const decode = (tx: (typeof txs)[number]) => decodeTransaction({ from: tx.from, to: tx.to ?? null, input: tx.input, value: tx.value } as never, config);
    for (const tx of others) expect(decode(tx)).toEqual({ swaps: [] });
    for (const tx of swaps) expect((decode(tx) as { swaps: unknown[] }).swaps.length).toBeGreaterThan(0);
    const receipts = await Promise.all(others.map((tx) => client.getTransactionReceipt({ hash: tx.hash })));
    expect(receipts.every((receipt) => receipt.status === 'success')).toBe(true);
  });
});
