/**
 * The search over V4 pools against the chain, on a devnet with the V4 scenario (the default market plus V4 pools in
 * the real PoolManager: native ETH and ERC-20 pools, several tick spacings, a dynamic-fee pool, a delta-returning
 * hook pool):
 * - every cycle the graph walks through a V4 pool (mixing V2, V3 and V4, native ETH walked as WETH), quoted by our
 *   `quoteCycle` at random inputs on several market states, equals the chain's own quoters chained hop by hop
 *   (V4Quoter, V3 QuoterV2, the V2 router's getAmountOut on the pair's reserves), to the wei;
 * - after a price move, `sizeCycle` on V4-containing cycles finds a profitable size, and the real executor running
 *   that cycle (inventory and flash) gains exactly the predicted gross.
 */
import { join } from 'node:path';
import { BaseError, createPublicClient, decodeFunctionResult, encodeFunctionData, http, parseAbi, type Address, type Hex, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePlan, type ExecutorPlan, type PlanHop } from '../../src/bundle/plan.ts';
import { signExecutorTransaction } from '../../src/bundle/signTransaction.ts';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { buildSwapCall } from '../../src/devnet/traffic/calldata.ts';
import { seededRandom } from '../../src/devnet/traffic/random.ts';
import { resolveRoute } from '../../src/devnet/traffic/route.ts';
import { buildV4SwapCall } from '../../src/devnet/traffic/v4Calldata.ts';
import { v4Currency } from '../../src/devnet/traffic/v4Plan.ts';
import { projectRoot } from '../../src/paths.ts';
import { bootstrapPools, discoverPools } from '../../src/state/bootstrap.ts';
import { MarketState } from '../../src/state/market.ts';
import type { Pool } from '../../src/state/types.ts';
import { mainnetFactories } from '../../src/state/venues.ts';
import { cycleKey, quoteCycle, type Cycle } from '../../src/strategy/cycle.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { rankCycles } from '../../src/strategy/rank.ts';
import { sizeCycle } from '../../src/strategy/sizing.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const casesPerState = Number(process.env.V4_CYCLE_CASES ?? 400);

const v4QuoterAbi = parseAbi([
  'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }',
  'struct QuoteExactSingleParams { PoolKey poolKey; bool zeroForOne; uint128 exactAmount; bytes hookData; }',
  'function quoteExactInputSingle(QuoteExactSingleParams params) returns (uint256 amountOut, uint256 gasEstimate)',
]);
const quoterV2Abi = parseAbi([
  'struct QuoteExactInputSingleParams { address tokenIn; address tokenOut; uint256 amountIn; uint24 fee; uint160 sqrtPriceLimitX96; }',
  'function quoteExactInputSingle(QuoteExactInputSingleParams params) returns (uint256 amountOut, uint160 sqrtPriceX96After, uint32 initializedTicksCrossed, uint256 gasEstimate)',
]);
const v2Abi = parseAbi([
  'function getReserves() view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast)',
  'function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) pure returns (uint256 amountOut)',
]);
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);

let devnet: Devnet;
let batched: PublicClient;
const E18 = 10n ** 18n;
const factories = { ...mainnetFactories, v4: [{ poolManager: mainnetV4.poolManager, venue: 'uniswapV4' }] };

beforeAll(async () => {
  const scenario = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
  devnet = await startTestDevnet({ scenario: { ...scenario, privateFlow: null } });
  batched = createPublicClient({ transport: http(devnet.manifest.rpcUrl, { batch: { batchSize: 100 } }) });
}, 300_000);

afterAll(async () => {
  await devnet?.stop();
});

/** The market at the head, read from the chain as the bot reads it, and its graph (native ETH walked as WETH). */
async function marketAtHead(): Promise<{ market: MarketState; graph: PoolGraph }> {
  const client = devnet.client as unknown as PublicClient;
  const head = await client.getBlock();
  const market = new MarketState();
  market.reset(await bootstrapPools(client, await discoverPools(client, factories, head.number!), head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
  const poisoned = new Set(devnet.manifest.tokens.filter((token) => ['feeOnTransfer', 'honeypot', 'salmonella'].includes(token.kind)).map((token) => token.address.toLowerCase()));
  const graph = new PoolGraph(market.all(), (pool) => poisoned.has(pool.token0.toLowerCase()) || poisoned.has(pool.token1.toLowerCase()), { nativeAs: mainnet.weth });
  return { market, graph };
}

/** Every cycle from WETH through any V4 pool of the market, each once. */
function v4Cycles(market: MarketState, graph: PoolGraph): Cycle[] {
  const cycles = new Map<string, Cycle>();
  for (const pool of market.all()) {
    if (pool.kind !== 'v4') continue;
    for (const cycle of graph.cyclesThrough(pool, mainnet.weth, 100_000)) cycles.set(cycleKey(cycle), cycle);
  }
  return [...cycles.values()];
}

/** What the chain's own quoters say the cycle pays for `amountIn`, hop by hop on the head's state; 0 when a hop cannot fill (V4Quoter reverts). */
async function chainQuote(cycle: Cycle, amountIn: bigint): Promise<bigint> {
  let amount = amountIn;
  for (const hop of cycle.hops) {
    const pool = hop.pool;
    if (amount === 0n) return 0n;
    if (pool.kind === 'v2') {
      const [reserve0, reserve1] = await batched.readContract({ address: pool.address, abi: v2Abi, functionName: 'getReserves' });
      const [reserveIn, reserveOut] = hop.zeroForOne ? [reserve0, reserve1] : [reserve1, reserve0];
      amount = await batched.readContract({ address: mainnet.uniswapV2Router02, abi: v2Abi, functionName: 'getAmountOut', args: [amount, reserveIn, reserveOut] });
    } else if (pool.kind === 'v3') {
      const data = encodeFunctionData({ abi: quoterV2Abi, functionName: 'quoteExactInputSingle', args: [{ tokenIn: hop.tokenIn, tokenOut: hop.tokenOut, amountIn: amount, fee: pool.fee, sqrtPriceLimitX96: 0n }] });
      const result = await batched.call({ to: mainnet.quoterV2, data });
      amount = decodeFunctionResult({ abi: quoterV2Abi, functionName: 'quoteExactInputSingle', data: result.data! })[0];
    } else {
      const data = encodeFunctionData({ abi: v4QuoterAbi, functionName: 'quoteExactInputSingle', args: [{ poolKey: pool.key, zeroForOne: hop.zeroForOne, exactAmount: amount, hookData: '0x' }] });
      try {
        const result = await batched.call({ to: mainnetV4.quoter, data });
        amount = decodeFunctionResult({ abi: v4QuoterAbi, functionName: 'quoteExactInputSingle', data: result.data! })[0];
      } catch (error) {
        if (error instanceof BaseError && /revert/i.test(error.message)) return 0n;
        throw error;
      }
    }
  }
  return amount;
}

const shapeOf = (cycle: Cycle) => cycle.hops.map((hop) => hop.pool.kind).join('');
const isNative = (cycle: Cycle) => cycle.hops.some((hop) => hop.pool.kind === 'v4' && BigInt(hop.pool.token0) === 0n);

/** A dump of ETH into a V4 pool through the UniversalRouter, or of ETH (wrapped) into a V2/V3 pool through its router; mined. */
async function dislocate(move: { pair: [string, string]; fee: number; ether: bigint } | { router: 'sushiswapRouter' | 'swapRouter'; path: string[]; fees?: number[]; ether: bigint }): Promise<void> {
  const trader = devAccount(devnet.manifest.accounts.traders[0]!.index);
  const amountIn = move.ether * E18;
  let call: { to: Address; data: Hex; value: bigint };
  if ('router' in move) {
    const hops = resolveRoute(move.router, move.path, move.fees, devnet.manifest.pools as never, devnet.manifest.tokens);
    call = buildSwapCall({ router: move.router, hops, amountIn, minAmountOut: 0n, recipient: trader.address, deadline: 2n ** 40n, ethIn: true, ethOut: false });
  } else {
    const pool = devnet.manifest.v4.pools.find((candidate) => candidate.pair[0] === move.pair[0] && candidate.pair[1] === move.pair[1] && candidate.key.fee === move.fee && candidate.hook === 'none')!;
    const hop = { pool, currencyIn: v4Currency(devnet.manifest.tokens as never, move.pair[0]), currencyOut: v4Currency(devnet.manifest.tokens as never, move.pair[1]) };
    call = buildV4SwapCall({ v4: { kind: 'exactInSingle', hops: [hop], exactAmount: amountIn, limit: 0n }, recipient: trader.address, deadline: 2n ** 40n });
  }
  const hash = await devnet.client.sendTransaction({ account: trader, to: call.to, data: call.data, value: call.value, gas: 1_000_000n, chain: null });
  await devnet.client.mine({ blocks: 1 });
  expect((await devnet.client.waitForTransactionReceipt({ hash, pollingInterval: 10 })).status).toBe('success');
}

/** The executor plan for a cycle, built here from the cycle (V4 hops by pool key in the devnet's PoolManager; the path names WETH for ETH). */
function planOf(cycle: Cycle, amountIn: bigint, minProfit: bigint, flash: boolean, targetBlock: bigint): Hex {
  const hops: PlanHop[] = cycle.hops.map((hop) => {
    const pool = hop.pool;
    if (pool.kind === 'v4') return { pool: pool.poolManager, tokenOut: hop.tokenOut, protocol: 'v4', zeroForOne: hop.zeroForOne, v4Key: pool.key };
    return { pool: pool.address, ...(pool.factory ? { factory: pool.factory } : {}), tokenOut: hop.tokenOut, protocol: pool.kind, zeroForOne: hop.zeroForOne, ...(pool.kind === 'v2' ? { v2FeeBps: Number(pool.feeBps) } : { v3Fee: pool.fee }) };
  });
  const plan: ExecutorPlan = { flash, targetBlock, amountIn, minProfit, builderPayment: 0n, maxBuilderShareBps: 0, startToken: cycle.startToken, hops };
  return encodePlan(plan, { weth: mainnet.weth, poolManager: mainnetV4.poolManager });
}

describe('cycles through V4 pools against the chain', () => {
  it(`quoteCycle equals the chain's quoters chained hop by hop, on ${casesPerState} random (cycle, input) cases per market state, 3 states (seed from FC_SEED)`, async () => {
    const random = seededRandom(seed);
    const moves = [
      [],
      [{ pair: ['ETH', 'USDC'] as [string, string], fee: 500, ether: 60n }, { router: 'sushiswapRouter' as const, path: ['WETH', 'DAI'], ether: 30n }],
      [{ router: 'swapRouter' as const, path: ['WETH', 'USDC'], fees: [500], ether: 100n }, { pair: ['ETH', 'DAI'] as [string, string], fee: 3000, ether: 30n }],
    ];
    let compared = 0;
    let filled = 0;
    let crossing = 0;
    const shapes = new Set<string>();
    const kinds = { native: 0, erc20: 0 };
    const mismatches: string[] = [];
    for (const [state, dislocations] of moves.entries()) {
      for (const move of dislocations) await dislocate(move);
      const { market, graph } = await marketAtHead();
      const cycles = v4Cycles(market, graph);
      // Native and ERC-20 V4 pools are walked; the market's hook pools (their hooks run before swaps: simulate only) never are.
      const pools = new Set(cycles.flatMap((cycle) => cycle.hops.map((hop) => hop.pool)).filter((pool): pool is Pool & { kind: 'v4' } => pool.kind === 'v4'));
      const hooked = [...market.all()].filter((pool) => pool.kind === 'v4' && pool.simulateOnly);
      expect(hooked.length).toBe(2);
      for (const pool of hooked) expect(pools.has(pool as never)).toBe(false);
      expect(pools.size).toBe([...market.all()].filter((pool) => pool.kind === 'v4' && !pool.simulateOnly).length);
      expect([...pools].some((pool) => BigInt(pool.token0) === 0n) && [...pools].some((pool) => BigInt(pool.token0) !== 0n)).toBe(true);
      const cases = Array.from({ length: casesPerState }, () => {
        const cycle = cycles[Math.floor(random() * cycles.length)]!;
        // log-uniform from 1e-4 to ~60 WETH
        const amountIn = BigInt(Math.floor(10 ** (14 + random() * 5.8)));
        return { cycle, amountIn };
      });
      const results = await Promise.all(cases.map(async ({ cycle, amountIn }) => ({ cycle, amountIn, ours: quoteCycle(market, cycle, amountIn), chain: await chainQuote(cycle, amountIn) })));
      for (const { cycle, amountIn, ours: quote, chain } of results) {
        const ours = quote.amountOut;
        compared++;
        if (ours > 0n) filled++;
        if (quote.ticksCrossed > 0) crossing++;
        shapes.add(shapeOf(cycle));
        kinds[isNative(cycle) ? 'native' : 'erc20']++;
        if (ours !== chain) mismatches.push(`state ${state} ${cycleKey(cycle)} in ${amountIn}: ours ${ours}, chain ${chain}`);
      }
    }
    if (process.env.V4_VERBOSE) console.log({ seed, compared, filled, crossing, shapes: [...shapes].sort(), kinds });
    expect(mismatches).toEqual([]);
    expect(compared).toBe(3 * casesPerState);
    // Most cases fill (an unfillable case counts only if the chain's quoter also refuses it: equal at 0).
    expect(filled).toBeGreaterThan(compared * 0.9);
    // Inputs large enough that hops cross initialized ticks (the V4 pools' narrow positions) are among them.
    expect(crossing).toBeGreaterThan(compared * 0.05);
    for (const shape of ['v2v4', 'v4v2', 'v3v4', 'v4v3', 'v4v4']) expect(shapes, shape).toContain(shape);
    expect([...shapes].some((shape) => shape.length === 6)).toBe(true);
    expect(kinds.native).toBeGreaterThan(0);
    expect(kinds.erc20).toBeGreaterThan(0);
  }, 300_000);

  it('after ETH is dumped into a V4 pool, sizeCycle sizes V4 cycles and the real executor gains exactly the predicted gross (inventory and flash)', async () => {
    await dislocate({ pair: ['ETH', 'USDC'], fee: 3000, ether: 40n });
    await dislocate({ router: 'sushiswapRouter', path: ['WETH', 'USDC'], ether: 20n });
    const { market, graph } = await marketAtHead();
    // The ranking through the moved V4 pool (its fan of three-hop cycles and its two-hop ones) puts cycles through it first, and each sizes to a profit.
    const movedPool = market.get(devnet.manifest.v4.pools.find((pool) => pool.pair[0] === 'ETH' && pool.pair[1] === 'USDC' && pool.key.fee === 3000 && pool.hook === 'none')!.poolId.toLowerCase() as Address)!;
    const ranked = rankCycles({ market }, graph, [movedPool], mainnet.weth, 8, 10n ** 9n);
    expect(ranked.length).toBeGreaterThan(0);
    for (const { cycle } of ranked) {
      expect(cycle.hops.some((hop) => hop.pool === movedPool)).toBe(true);
      expect(sizeCycle(market, cycle)?.profit ?? 0n).toBeGreaterThan(0n);
    }
    const inventory = await devnet.client.readContract({ address: mainnet.weth, abi: erc20, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
    // The best sized cycle of each shape and kind (native or not), within the executor's inventory.
    const chosen = new Map<string, { cycle: Cycle; amountIn: bigint; profit: bigint }>();
    for (const cycle of v4Cycles(market, graph)) {
      const sized = sizeCycle(market, cycle);
      if (!sized || sized.amountIn > inventory) continue;
      const key = `${shapeOf(cycle)}:${isNative(cycle) ? 'native' : 'erc20'}`;
      if ((chosen.get(key)?.profit ?? 0n) < sized.profit) chosen.set(key, { cycle, amountIn: sized.amountIn, profit: sized.profit });
    }
    if (process.env.V4_VERBOSE) console.log([...chosen].map(([key, { amountIn, profit }]) => `${key} in ${amountIn} profit ${profit}`));
    expect(chosen.size).toBeGreaterThanOrEqual(4);
    expect([...chosen.keys()].some((key) => key.endsWith(':native'))).toBe(true);
    const operator = devAccount(devnet.manifest.accounts.searcher.index);
    const client = devnet.client as unknown as PublicClient;
    let executed = 0;
    for (const [key, { cycle, amountIn, profit }] of chosen) {
      expect(profit, key).toBeGreaterThan(0n);
      for (const flash of [false, true]) {
        const snapshot = await devnet.client.snapshot();
        const block = await client.getBlock();
        const before = await devnet.client.readContract({ address: mainnet.weth, abi: erc20, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
        const ethBefore = await client.getBalance({ address: devnet.manifest.executor.address });
        const signed = await signExecutorTransaction({
          account: operator,
          chainId: devnet.manifest.chainId,
          executor: devnet.manifest.executor.address,
          // minProfit = the prediction: the executor reverts if the chain gives a wei less.
          plan: planOf(cycle, amountIn, profit, flash, block.number! + 1n),
          nonce: await client.getTransactionCount({ address: operator.address, blockTag: 'pending' }),
          gas: 3_000_000n,
          maxPriorityFeePerGas: 10n ** 9n,
          maxFeePerGas: (block.baseFeePerGas ?? 0n) * 2n + 10n ** 9n,
        });
        const hash = await client.sendRawTransaction({ serializedTransaction: signed.raw });
        await devnet.client.mine({ blocks: 1 });
        const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
        const after = await devnet.client.readContract({ address: mainnet.weth, abi: erc20, functionName: 'balanceOf', args: [devnet.manifest.executor.address] });
        const eth = await client.getBalance({ address: devnet.manifest.executor.address });
        await devnet.client.revert({ id: snapshot });
        expect(receipt.status, `${key} flash ${flash}`).toBe('success');
        expect(after - before, `${key} flash ${flash}`).toBe(profit);
        expect(eth, `${key}: the executor's ETH is as it was (every unwrap wrapped back)`).toBe(ethBefore);
        executed++;
      }
    }
    expect(executed).toBe(chosen.size * 2);
  }, 300_000);
});
