import fc from 'fast-check';
import { BaseError, ContractFunctionRevertedError, parseAbi, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateV3Swap, type V3SwapResult } from '../../src/amm/v3/pool.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK } from '../../src/amm/v3/tickMath.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import { callAndConfirm } from '../../src/devnet/client.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { readPools } from '../../src/state/reader.ts';
import type { V3Pool } from '../../src/state/types.ts';
import { deployForge } from '../helpers/contracts.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const runs = Number(process.env.FC_RUNS ?? 2000);
const factoryAbi = parseAbi(['function createPool(address, address, uint24) returns (address)', 'function getPool(address, address, uint24) view returns (address)']);
const poolAbi = parseAbi(['function initialize(uint160)']);
const tokenAbi = parseAbi(['function mint(address, uint256)']);
const providerAbi = parseAbi(['function mint(address pool, int24 tickLower, int24 tickUpper, uint128 liquidity)']);
const spacingOf: Record<number, number> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

let devnet: Devnet;
let probe: { address: Address; abi: any };
let pools: V3Pool[] = [];
let tickProbe: { address: Address; abi: any };

/** Random pools: each fee tier, price anywhere in a wide band, 1-19 positions around it (some full range). */
async function createRandomPools(count: number, random: () => number) {
  const deployer = devnet.manifest.accounts.deployer.address;
  const provider = await deployForge(devnet.client, deployer, 'UniswapFixture.sol', 'LiquidityProvider');
  const addresses: Address[] = [];
  for (let i = 0; i < count; i++) {
    const tokens: Address[] = [];
    for (const name of ['A', 'B']) {
      const token = await deployForge(devnet.client, deployer, 'StandardToken.sol', 'StandardToken', [`T${i}${name}`, `T${i}${name}`, 18, deployer]);
      await callAndConfirm(devnet.client, { from: deployer, to: token.address, abi: tokenAbi, functionName: 'mint', args: [provider.address, 10n ** 40n], label: 'mint' });
      tokens.push(token.address);
    }
    const fee = [100, 500, 3000, 10000][i % 4]!;
    const spacing = spacingOf[fee]!;
    await callAndConfirm(devnet.client, { from: deployer, to: mainnet.uniswapV3Factory, abi: factoryAbi, functionName: 'createPool', args: [tokens[0]!, tokens[1]!, fee], label: 'createPool' });
    const pool = await devnet.client.readContract({ address: mainnet.uniswapV3Factory, abi: factoryAbi, functionName: 'getPool', args: [tokens[0]!, tokens[1]!, fee] });
    const tick = Math.floor((random() - 0.5) * 200_000);
    const price = getSqrtRatioAtTick(tick) + BigInt(Math.floor(random() * 1e9));
    await callAndConfirm(devnet.client, { from: deployer, to: pool, abi: poolAbi, functionName: 'initialize', args: [price], label: 'initialize' });
    const positions = i % 3 === 0 ? 12 + Math.floor(random() * 8) : 1 + Math.floor(random() * 8);
    for (let p = 0; p < positions; p++) {
      const full = random() < 0.2;
      const maxTick = Math.floor(887272 / spacing) * spacing;
      const around = Math.floor(tick / spacing);
      const width = 1 + Math.floor(random() * 400);
      const lower = full ? -maxTick : Math.max(-maxTick, (around - Math.floor(random() * width)) * spacing);
      const upper = full ? maxTick : Math.min(maxTick, (around + 1 + Math.floor(random() * width)) * spacing);
      const liquidity = BigInt(Math.floor(10 ** (12 + random() * 12)));
      await callAndConfirm(devnet.client, { from: deployer, to: provider.address, abi: providerAbi, functionName: 'mint', args: [pool, lower, upper, liquidity], label: 'mint position' });
    }
    addresses.push(pool);
  }
  return addresses;
}

/** What the real pool does (SwapProbe via eth_call), or the error it reverts with. */
async function poolSays(pool: Address, zeroForOne: boolean, amountSpecified: bigint, limit: bigint): Promise<V3SwapResult | 'reverted'> {
  try {
    await devnet.client.simulateContract({ address: probe.address, abi: probe.abi, functionName: 'probe', args: [pool, zeroForOne, amountSpecified, limit] });
  } catch (error) {
    const reverted = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    if (reverted?.data?.errorName === 'Probed') {
      const [amount0, amount1, sqrtPriceX96, tick, liquidity] = reverted.data.args as [bigint, bigint, bigint, number, bigint];
      return { amount0, amount1, sqrtPriceX96, tick, liquidity, ticksCrossed: -1 };
    }
    return 'reverted';
  }
  throw new Error('the probe always reverts');
}

function weSay(pool: V3Pool, zeroForOne: boolean, amountSpecified: bigint, limit: bigint): V3SwapResult | 'reverted' {
  try {
    return { ...simulateV3Swap(pool, { zeroForOne, amountSpecified, sqrtPriceLimitX96: limit }), ticksCrossed: -1 };
  } catch {
    return 'reverted';
  }
}

beforeAll(async () => {
  // A swap that walks thousands of empty bitmap words can need more than 30M gas; the math must still agree,
  // so this chain lets eth_call run as long as the walk takes.
  devnet = await startTestDevnet({ anvilArgs: ['--gas-limit', '2000000000'] });
  await devnet.client.setAutomine(true);
  const random = (() => {
    let state = seed >>> 0;
    return () => ((state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
  })();
  const addresses = await createRandomPools(12, random);
  probe = await deployForge(devnet.client, devnet.manifest.accounts.deployer.address, 'SwapProbe.sol', 'SwapProbe');
  tickProbe = await deployForge(devnet.client, devnet.manifest.accounts.deployer.address, 'TickProbe.sol', 'TickProbe');
  pools = (await readPools(devnet.client as never, { v3: addresses })).v3;
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

describe('TickMath equals the pool\'s own library', () => {
  it('at every bit boundary, at the extremes and on random ticks', async () => {
    const ticks = new Set<number>([MIN_TICK, MIN_TICK + 1, -1, 0, 1, MAX_TICK - 1]);
    for (let bit = 0; bit < 20; bit++) for (const t of [1 << bit, (1 << bit) - 1, (1 << bit) + 1]) if (t < MAX_TICK) ticks.add(t).add(-t);
    const random = fc.sample(fc.integer({ min: MIN_TICK + 1, max: MAX_TICK - 1 }), { numRuns: 200, seed });
    random.forEach((t) => ticks.add(t));
    const pool = pools[0]!.address;
    // The pool is initialized; an override empties slot 0 so `initialize` runs TickMath again.
    const empty = { address: pool, stateDiff: [{ slot: `0x${'0'.repeat(64)}` as const, value: `0x${'0'.repeat(64)}` as const }] };
    const chainTick = (sqrtPriceX96: bigint) =>
      devnet.client
        .simulateContract({ address: tickProbe.address, abi: tickProbe.abi, functionName: 'tickAt', args: [pool, sqrtPriceX96], stateOverride: [empty] })
        .then((call) => call.result as number, () => 'out of range');
    const ourTick = (sqrtPriceX96: bigint) => {
      try {
        return getTickAtSqrtRatio(sqrtPriceX96);
      } catch {
        return 'out of range';
      }
    };
    let checked = 0;
    for (const tick of ticks) {
      const ratio = getSqrtRatioAtTick(tick);
      // the chain maps ratio(t) to t and ratio(t) - 1 to t - 1 only if our ratio(t) is exact to the unit
      const expected = [tick, tick === MIN_TICK ? 'out of range' : tick - 1];
      expect([await chainTick(ratio), await chainTick(ratio - 1n)]).toEqual(expected);
      expect([ourTick(ratio), ourTick(ratio - 1n)]).toEqual(expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
  }, 120_000);
});

describe('V3 swap simulation equals the real pool', () => {
  it(`matches amounts, price, tick and liquidity on ${runs} random swaps (seed ${seed})`, async () => {
    console.log(`v3 exactness: fast-check seed ${seed} (FC_SEED=${seed} reproduces)`);
    let compared = 0;
    let crossedMany = 0;
    const crossings = { none: 0, one: 0, several: 0, tenOrMore: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: pools.length - 1 }),
        fc.boolean(),
        fc.boolean(),
        fc.bigInt({ min: 1n, max: 10n ** 30n }).chain((max) => fc.bigInt({ min: 1n, max })),
        fc.option(fc.integer({ min: 1, max: 1_000_000 }), { freq: 3 }),
        async (index, zeroForOne, exactIn, magnitude, limitPpm) => {
          const pool = pools[index]!;
          const amountSpecified = exactIn ? magnitude : -magnitude;
          // A limit between the price and the end of the range in the swap's direction, or none.
          const edge = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
          const limit = limitPpm === null ? edge : pool.sqrtPriceX96 + ((edge - pool.sqrtPriceX96) * BigInt(limitPpm)) / 1_000_000n;
          const [chain, ours] = [await poolSays(pool.address, zeroForOne, amountSpecified, limit), weSay(pool, zeroForOne, amountSpecified, limit)];
          expect(ours).toEqual(chain);
          if (chain !== 'reverted') {
            compared++;
            if (Math.abs(getTickAtSqrtRatio(chain.sqrtPriceX96) - getTickAtSqrtRatio(pool.sqrtPriceX96)) > pool.tickSpacing * 256) crossedMany++;
            const crossed = simulateV3Swap(pool, { zeroForOne, amountSpecified, sqrtPriceLimitX96: limit }).ticksCrossed;
            crossings[crossed === 0 ? 'none' : crossed === 1 ? 'one' : crossed < 10 ? 'several' : 'tenOrMore']++;
          }
        },
      ),
      { numRuns: runs, seed },
    );
    console.log(`v3 exactness: ${compared} swaps equal to the wei; initialized ticks crossed ${JSON.stringify(crossings)}; ${crossedMany} moved more than one bitmap word`);
    expect(compared).toBeGreaterThan(runs * 0.8);
    expect(crossedMany).toBeGreaterThan(0);
    expect(crossings.none).toBeGreaterThan(0);
    expect(crossings.several).toBeGreaterThan(0);
    expect(crossings.tenOrMore).toBeGreaterThan(0);
  }, 300_000);
});
