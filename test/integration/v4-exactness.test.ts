/**
 * Uniswap V4 on the devnet: our exact swap math against the real V4Quoter (eth_call on the real PoolManager),
 * pool ids against the PoolManager's Initialize events, and the hook pools' treatment.
 */
import { BaseError, createPublicClient, decodeFunctionResult, encodeFunctionData, http, parseAbi, parseEventLogs, type Address, type Hex, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteV4ExactInput, quoteV4ExactOutput, V4PartialFillError, type V4PoolState } from '../../src/amm/v4/pool.ts';
import { DYNAMIC_FEE_FLAG, isDynamicFee, isSimulateOnly, v4PoolId, type V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import { simulateV4Swap } from '../../src/amm/v4/pool.ts';
import { mainnetV4 } from '../../src/chain/addresses.ts';
import { executorAbi } from '../../src/abi/executor.generated.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { v4PoolManagerAbi, type DevnetV4Pool } from '../../src/devnet/v4/pools.ts';
import { readV4Pool, type V4Pool } from '../../src/state/v4Reader.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.ts';
import { seededRandom } from '../../src/devnet/traffic/random.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const swaps = Number(process.env.V4_SWAPS ?? 2400);

export const v4QuoterAbi = parseAbi([
  'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }',
  'struct QuoteExactSingleParams { PoolKey poolKey; bool zeroForOne; uint128 exactAmount; bytes hookData; }',
  'function quoteExactInputSingle(QuoteExactSingleParams params) returns (uint256 amountOut, uint256 gasEstimate)',
  'function quoteExactOutputSingle(QuoteExactSingleParams params) returns (uint256 amountIn, uint256 gasEstimate)',
]);
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);
const hookAbi = parseAbi([
  'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }',
  'function setFee(uint24 fee)',
  'function forcePoolFeeUpdate(PoolKey key, uint24 fee)',
]);
const stateViewAbi = parseAbi([
  'function getSlot0(bytes32 poolId) view returns (uint160 sqrtPriceX96, int24 tick, uint24 protocolFee, uint24 lpFee)',
  'function getLiquidity(bytes32 poolId) view returns (uint128)',
  'function getTickLiquidity(bytes32 poolId, int24 tick) view returns (uint128 liquidityGross, int128 liquidityNet)',
  'function getTickBitmap(bytes32 poolId, int16 word) view returns (uint256)',
]);

let devnet: Devnet;
let batched: PublicClient;


type Swap = { pool: V4Pool; zeroForOne: boolean; exactInput: boolean; amount: bigint };

/** What V4Quoter answers by eth_call: the other amount, or 'reverted' (NotEnoughLiquidity, or a revert in the swap). */
async function quoterSays(client: PublicClient, swap: Swap): Promise<bigint | 'reverted'> {
  const functionName = swap.exactInput ? 'quoteExactInputSingle' : 'quoteExactOutputSingle';
  const data = encodeFunctionData({ abi: v4QuoterAbi, functionName, args: [{ poolKey: swap.pool.key, zeroForOne: swap.zeroForOne, exactAmount: swap.amount, hookData: '0x' }] });
  try {
    const result = await client.call({ to: mainnetV4.quoter, data });
    return decodeFunctionResult({ abi: v4QuoterAbi, functionName, data: result.data! })[0];
  } catch (error) {
    if (error instanceof BaseError && /revert/i.test(error.message)) return 'reverted';
    throw error;
  }
}

function weSay(swap: Swap): bigint | 'reverted' {
  try {
    return swap.exactInput ? quoteV4ExactInput(swap.pool, swap.zeroForOne, swap.amount) : quoteV4ExactOutput(swap.pool, swap.zeroForOne, swap.amount);
  } catch (error) {
    if (error instanceof RangeError) return 'reverted';
    throw error;
  }
}

async function heldByPoolManager(currency: Address): Promise<bigint> {
  if (BigInt(currency) === 0n) return devnet.client.getBalance({ address: mainnetV4.poolManager });
  return devnet.client.readContract({ address: currency, abi: erc20, functionName: 'balanceOf', args: [mainnetV4.poolManager] });
}

async function send(to: Address, data: Hex): Promise<void> {
  const deployer = devnet.manifest.accounts.deployer.address;
  const hash = await devnet.client.sendTransaction({ account: deployer, to, data, gas: 1_000_000n });
  await devnet.client.mine({ blocks: 1 });
  const receipt = await devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
  expect(receipt.status).toBe('success');
}

const byHook = (hook: DevnetV4Pool['hook']) => devnet.manifest.v4.pools.filter((pool) => pool.hook === hook);

beforeAll(async () => {
  const scenario = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
  devnet = await startTestDevnet({ scenario: { ...scenario, privateFlow: null } });
  batched = createPublicClient({ transport: http(devnet.manifest.rpcUrl, { batch: { batchSize: 100 } }) });
}, 240_000);

afterAll(async () => {
  await devnet?.stop();
});

describe('V4 exact swap math against V4Quoter on the real PoolManager', () => {
  it(`equals V4Quoter to the wei on ${swaps} random swaps (seed from FC_SEED)`, async () => {
    const hookless = byHook('none');
    expect(hookless.length).toBeGreaterThanOrEqual(5);
    expect(hookless.some((pool) => BigInt(pool.key.currency0) === 0n)).toBe(true);
    expect(new Set(hookless.map((pool) => pool.key.tickSpacing)).size).toBeGreaterThanOrEqual(4);
    const pools = await Promise.all(hookless.map((pool) => readV4Pool(devnet.client as PublicClient, { poolManager: mainnetV4.poolManager, key: pool.key })));
    const held = await Promise.all(pools.map(async (pool) => [await heldByPoolManager(pool.key.currency0), await heldByPoolManager(pool.key.currency1)] as const));
    const random = seededRandom(seed);
    const plan: Swap[] = [];
    for (let i = 0; i < swaps; i++) {
      const index = Math.floor(random() * pools.length);
      const zeroForOne = random() < 0.5;
      const exactInput = random() < 0.5;
      // Sizes from 1 base unit to a bit more than the PoolManager holds of the currency (some must fail): half
      // log-uniform over the whole range, half within the top three decades, where swaps cross ticks.
      const [held0, held1] = held[index]!;
      const scale = exactInput === zeroForOne ? held0 : held1;
      const digits = scale.toString().length + 0.3;
      const exponent = random() < 0.5 ? random() * digits : digits - 3 * random();
      const amount = BigInt(Math.max(1, Math.floor(10 ** exponent))) + BigInt(Math.floor(random() * 1000));
      plan.push({ pool: pools[index]!, zeroForOne, exactInput, amount: amount > (1n << 127n) ? 1n << 127n : amount });
    }
    const theirs = await Promise.all(plan.map((swap) => quoterSays(batched, swap)));
    let crossings = 0;
    let multiCrossings = 0;
    let filled = 0;
    const mismatches: string[] = [];
    plan.forEach((swap, i) => {
      const ours = weSay(swap);
      if (ours !== theirs[i]) mismatches.push(`pool ${swap.pool.poolId} zeroForOne=${swap.zeroForOne} exactInput=${swap.exactInput} amount=${swap.amount}: ours ${ours}, V4Quoter ${theirs[i]}`);
      if (ours !== 'reverted') {
        filled++;
        const specified = swap.exactInput ? -swap.amount : swap.amount;
        const crossed = simulateV4Swap(swap.pool, { zeroForOne: swap.zeroForOne, amountSpecified: specified }).ticksCrossed;
        if (crossed > 0) crossings++;
        if (crossed > 1) multiCrossings++;
      }
    });
    if (process.env.V4_VERBOSE) console.log({ seed, swaps: plan.length, filled, crossings, multiCrossings, mismatches: mismatches.length });
    expect(mismatches.slice(0, 5), `seed ${seed}`).toEqual([]);
    expect(plan.length).toBeGreaterThanOrEqual(2000);
    expect(filled).toBeGreaterThan(swaps / 2);
    expect(filled).toBeLessThan(swaps);
    expect(crossings).toBeGreaterThan(swaps / 10);
    expect(multiCrossings).toBeGreaterThan(0);
    expect(plan.some((swap) => swap.exactInput) && plan.some((swap) => !swap.exactInput)).toBe(true);
  }, 120_000);
});

describe('V4 state reader', () => {
  it('reads what StateView reads: slot0, liquidity, and the initialized ticks of every position', async () => {
    for (const listed of devnet.manifest.v4.pools) {
      const pool = await readV4Pool(devnet.client as PublicClient, { poolManager: mainnetV4.poolManager, key: listed.key });
      const sv = (functionName: 'getSlot0' | 'getLiquidity', ...args: unknown[]) =>
        devnet.client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName, args: [listed.poolId, ...args] as never });
      const [sqrtPriceX96, tick, protocolFee, lpFee] = (await sv('getSlot0')) as readonly [bigint, number, number, number];
      expect({ sqrtPriceX96: pool.sqrtPriceX96, tick: pool.tick, protocolFee: pool.protocolFee, lpFee: pool.lpFee }).toEqual({ sqrtPriceX96, tick, protocolFee, lpFee });
      expect(pool.liquidity).toBe(await sv('getLiquidity'));
      const expectedTicks = [...new Set(listed.positions.flatMap((position) => [position.tickLower, position.tickUpper]))].sort((a, b) => a - b);
      expect(pool.ticks).toEqual(expectedTicks);
      for (const [i, tick] of pool.ticks.entries()) {
        const [gross, net] = await devnet.client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName: 'getTickLiquidity', args: [listed.poolId, tick] });
        expect([pool.liquidityGross[i], pool.liquidityNet[i]]).toEqual([gross, net]);
      }
    }
  });
});

describe('V4 pool ids', () => {
  it('v4PoolId of every pool key equals the id in the PoolManager Initialize event', async () => {
    const logs = await devnet.client.getLogs({ address: mainnetV4.poolManager, fromBlock: 0n, toBlock: 'latest' });
    const initialized = parseEventLogs({ abi: v4PoolManagerAbi, eventName: 'Initialize', logs });
    expect(initialized.length).toBe(devnet.manifest.v4.pools.length);
    expect(initialized.length).toBeGreaterThanOrEqual(7);
    for (const event of initialized) {
      const key: V4PoolKey = { currency0: event.args.currency0, currency1: event.args.currency1, fee: event.args.fee, tickSpacing: event.args.tickSpacing, hooks: event.args.hooks };
      expect(v4PoolId(key)).toBe(event.args.id);
      const listed = devnet.manifest.v4.pools.find((pool) => pool.poolId === event.args.id);
      expect(listed?.key).toEqual(key);
    }
  });
});

describe('V4 hook pools', () => {
  it('marks both hook pools simulate-only and no hookless pool', () => {
    const hooked = [...byHook('dynamicFee'), ...byHook('deltaReturning')];
    expect(hooked.length).toBe(2);
    for (const pool of hooked) expect(isSimulateOnly(pool.key)).toBe(true);
    for (const pool of byHook('none')) expect(isSimulateOnly(pool.key)).toBe(false);
  });

  it('the delta-returning hook changes the amounts: V4Quoter pays exactly the hook cut less than the hookless math', async () => {
    const [listed] = byHook('deltaReturning');
    const pool = await readV4Pool(devnet.client as PublicClient, { poolManager: mainnetV4.poolManager, key: listed!.key });
    const amount = 10n ** 15n;
    for (const zeroForOne of [true, false]) {
      const theirs = await quoterSays(batched, { pool, zeroForOne, exactInput: true, amount });
      expect(theirs).toBe(quoteV4ExactInput(pool, zeroForOne, amount) - 1000n);
    }
  });

  it('reads the dynamic fee from slot0, per block: after the hook changes it, the reader and the math follow', async () => {
    const [listed] = byHook('dynamicFee');
    expect(isDynamicFee(listed!.key)).toBe(true);
    expect(listed!.key.fee).toBe(DYNAMIC_FEE_FLAG);
    const read = () => readV4Pool(devnet.client as PublicClient, { poolManager: mainnetV4.poolManager, key: listed!.key });
    const before = await read();
    expect(before.lpFee).toBe(2500);
    const hook = listed!.key.hooks;
    await send(hook, encodeFunctionData({ abi: hookAbi, functionName: 'setFee', args: [7777] }));
    await send(hook, encodeFunctionData({ abi: hookAbi, functionName: 'forcePoolFeeUpdate', args: [listed!.key, 7777] }));
    const after: V4PoolState = await read();
    expect(after.lpFee).toBe(7777);
    const [, , , stateViewFee] = await devnet.client.readContract({ address: mainnetV4.stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [listed!.poolId] });
    expect(stateViewFee).toBe(7777);
    // The hook sets the same fee before the swap, so with the fee read from slot0 the math equals V4Quoter.
    for (const [zeroForOne, amount] of [[true, 10n ** 17n], [false, 3n * 10n ** 8n]] as const) {
      const theirs = await quoterSays(batched, { pool: after as V4Pool, zeroForOne, exactInput: true, amount });
      expect(theirs).toBe(quoteV4ExactInput(after, zeroForOne, amount));
      expect(theirs).not.toBe(quoteV4ExactInput(before, zeroForOne, amount));
    }
  });
});

describe('V4 protocol fee', () => {
  it('composes the protocol fee with the LP fee per direction as the PoolManager does (200 swaps against V4Quoter)', async () => {
    const feeAbi = parseAbi([
      'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }',
      'function setProtocolFeeController(address controller)',
      'function setProtocolFee(PoolKey key, uint24 newProtocolFee)',
    ]);
    const listed = byHook('none').find((pool) => pool.key.fee === 3000)!;
    const deployer = devnet.manifest.accounts.deployer.address;
    await send(mainnetV4.poolManager, encodeFunctionData({ abi: feeAbi, functionName: 'setProtocolFeeController', args: [deployer] }));
    // 0->1 pays 0.05% to the protocol, 1->0 pays 0.1% (the maximum).
    await send(mainnetV4.poolManager, encodeFunctionData({ abi: feeAbi, functionName: 'setProtocolFee', args: [listed.key, 500 | (1000 << 12)] }));
    const pool = await readV4Pool(devnet.client as PublicClient, { poolManager: mainnetV4.poolManager, key: listed.key });
    expect(pool.protocolFee).toBe(500 | (1000 << 12));
    const random = seededRandom(seed ^ 0x5f3759df);
    const plan: Swap[] = Array.from({ length: 200 }, () => ({
      pool,
      zeroForOne: random() < 0.5,
      exactInput: random() < 0.5,
      amount: BigInt(Math.floor(10 ** (3 + random() * 15))),
    }));
    const theirs = await Promise.all(plan.map((swap) => quoterSays(batched, swap)));
    const filled = plan.filter((swap, i) => theirs[i] !== 'reverted');
    expect(filled.length).toBeGreaterThan(100);
    expect(plan.map(weSay)).toEqual(theirs);
    // Without the protocol fee the math would answer differently: the test can fail.
    const without = { ...pool, protocolFee: 0 };
    expect(filled.some((swap) => (swap.exactInput ? quoteV4ExactInput(without, swap.zeroForOne, swap.amount) : quoteV4ExactOutput(without, swap.zeroForOne, swap.amount)) !== theirs[plan.indexOf(swap)])).toBe(true);
  });
});

describe('V4 partial fills', () => {
  it('refuses (V4PartialFillError) what V4Quoter refuses: more output than the pool holds', async () => {
    const [listed] = byHook('none');
    const pool = await readV4Pool(devnet.client as PublicClient, { poolManager: mainnetV4.poolManager, key: listed!.key });
    const amount = (await heldByPoolManager(pool.key.currency1)) + 1n;
    expect(() => quoteV4ExactOutput(pool, true, amount)).toThrow(V4PartialFillError);
    expect(await quoterSays(batched, { pool, zeroForOne: true, exactInput: false, amount })).toBe('reverted');
  });
});

describe("the devnet's executor and V4", () => {
  it("swaps in the manifest's PoolManager and allows the hooks of the quotable hook pools only", async () => {
    const read = (functionName: 'poolManager' | 'isV4Hooks', args: readonly unknown[] = []) =>
      devnet.client.readContract({ address: devnet.manifest.executor.address, abi: executorAbi, functionName, args } as never) as Promise<unknown>;
    expect(await read('poolManager')).toBe(devnet.manifest.v4.contracts.poolManager);
    const hooked = devnet.manifest.v4.pools.filter((pool) => BigInt(pool.key.hooks) !== 0n);
    expect(hooked.map((pool) => pool.hook).sort()).toEqual(['deltaReturning', 'dynamicFee']);
    for (const pool of hooked) {
      // A hook that may change a swap's amounts (simulate-only) stays refused: the executor trades only what the bot quotes exactly.
      expect(await read('isV4Hooks', [pool.key.hooks])).toBe(!isSimulateOnly(pool.key));
    }
  });
});
