/**
 * The devnet's user traffic through the UniversalRouter's V4_SWAP on the v4 scenario: swaps of every kind (exact
 * in/out, single and multi hop, native ETH in and out, V4 next to a V2/V3 command in one execute) land and move
 * exactly the PoolManager pools they name; their calldata decodes with the router's own compiled ABI.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { decodeAbiParameters, decodeFunctionData, parseAbi, parseEventLogs, type Abi, type Hex, type TransactionReceipt } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4PoolId } from '../../src/amm/v4/poolKey.ts';
import { mainnet, mainnetV4 } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import type { SentSwap } from '../../src/devnet/traffic/sender.ts';
import { projectRoot } from '../../src/paths.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const require = createRequire(import.meta.url);
/** The router's own ABI, from the compiled artifact the devnet deploys (not our hand-written subset). */
const routerAbi = (JSON.parse(readFileSync(require.resolve('@uniswap/universal-router/artifacts/contracts/UniversalRouter.sol/UniversalRouter.json'), 'utf8')) as { abi: Abi }).abi;

const poolManagerEvents = parseAbi([
  'event Swap(bytes32 indexed id, address indexed sender, int128 amount0, int128 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint24 fee)',
]);
const v2v3Events = parseAbi([
  'event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
]);

// Written here from v4-periphery's IV4Router / PathKey and the router 2.1 layout (maxHopSlippage in the multi-hop
// structs), independently of the traffic's encoder.
const poolKey = { type: 'tuple', components: [{ type: 'address', name: 'currency0' }, { type: 'address', name: 'currency1' }, { type: 'uint24', name: 'fee' }, { type: 'int24', name: 'tickSpacing' }, { type: 'address', name: 'hooks' }] } as const;
const pathKey = { type: 'tuple[]', components: [{ type: 'address', name: 'intermediateCurrency' }, { type: 'uint24', name: 'fee' }, { type: 'int24', name: 'tickSpacing' }, { type: 'address', name: 'hooks' }, { type: 'bytes', name: 'hookData' }] } as const;
const single = [{ type: 'tuple', components: [{ ...poolKey, name: 'poolKey' }, { type: 'bool', name: 'zeroForOne' }, { type: 'uint128', name: 'amount' }, { type: 'uint128', name: 'limit' }, { type: 'bytes', name: 'hookData' }] }] as const;
const multi = [{ type: 'tuple', components: [{ type: 'address', name: 'currency' }, { ...pathKey, name: 'path' }, { type: 'uint256[]', name: 'maxHopSlippage' }, { type: 'uint128', name: 'amount' }, { type: 'uint128', name: 'limit' }] }] as const;
const action = { SWAP_EXACT_IN_SINGLE: 0x06, SWAP_EXACT_IN: 0x07, SWAP_EXACT_OUT_SINGLE: 0x08, SWAP_EXACT_OUT: 0x09, SETTLE_ALL: 0x0c, TAKE_ALL: 0x0f } as const;

/** The pool ids a V4_SWAP input names, in path order (input to output), and its action bytes. */
function decodeV4Plan(input: Hex): { actions: number[]; poolIds: Hex[] } {
  const [actionBytes, params] = decodeAbiParameters([{ type: 'bytes' }, { type: 'bytes[]' }], input);
  const actions = [...Buffer.from(actionBytes.slice(2), 'hex')];
  const poolIds: Hex[] = [];
  for (const [i, code] of actions.entries()) {
    if (code === action.SWAP_EXACT_IN_SINGLE || code === action.SWAP_EXACT_OUT_SINGLE) {
      poolIds.push(v4PoolId(decodeAbiParameters(single, params[i]!)[0].poolKey));
    } else if (code === action.SWAP_EXACT_IN || code === action.SWAP_EXACT_OUT) {
      const [{ currency, path }] = decodeAbiParameters(multi, params[i]!);
      // Exact in: each PathKey names the hop's output; exact out: its input, and the path still runs input to output.
      const exactIn = code === action.SWAP_EXACT_IN;
      const sides = exactIn ? [currency, ...path.map((key) => key.intermediateCurrency)] : [...path.map((key) => key.intermediateCurrency), currency];
      path.forEach((key, hop) => {
        const [a, b] = [sides[hop]!, sides[hop + 1]!];
        const [currency0, currency1] = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
        poolIds.push(v4PoolId({ currency0, currency1, fee: key.fee, tickSpacing: key.tickSpacing, hooks: key.hooks }));
      });
    }
  }
  return { actions, poolIds };
}

const blocks = 10;
let devnet: Devnet;
const sent: SentSwap[] = [];
let landed: Array<{ swap: SentSwap; receipt: TransactionReceipt }> = [];

beforeAll(async () => {
  const base = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
  const scenario = { ...base, privateFlow: null, traffic: { ...base.traffic, random: { ...base.traffic.random!, v4SwapsPerBlock: 4 } } };
  devnet = await startTestDevnet({ scenario, traffic: true, onSwapSent: (swap) => sent.push(swap) });
  const handled = async () => {
    const head = await devnet.client.getBlockNumber({ cacheTime: 0 });
    while (devnet.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  for (let block = 0; block < blocks; block++) {
    await handled();
    await devnet.client.mine({ blocks: 1 });
  }
  await handled();
  const mined = sent.filter((swap) => swap.v4 && swap.block <= BigInt(devnet.manifest.startBlock) + BigInt(blocks));
  landed = await Promise.all(mined.map(async (swap) => ({ swap, receipt: await devnet.client.getTransactionReceipt({ hash: swap.hash }) })));
}, 300_000);

afterAll(async () => {
  await devnet?.stop();
});

describe('V4 traffic through the UniversalRouter', () => {
  it('sends V4 swaps of every kind, and they land', () => {
    const kinds = (predicate: (swap: SentSwap) => boolean) => landed.filter(({ swap }) => predicate(swap)).length;
    const counts = {
      exactInSingle: kinds((swap) => swap.v4!.kind === 'exactInSingle'),
      exactIn: kinds((swap) => swap.v4!.kind === 'exactIn'),
      exactOutSingle: kinds((swap) => swap.v4!.kind === 'exactOutSingle'),
      exactOut: kinds((swap) => swap.v4!.kind === 'exactOut'),
      ethIn: kinds((swap) => swap.v4!.ethIn),
      ethOut: kinds((swap) => swap.v4!.ethOut),
      mixed: kinds((swap) => swap.protocol === 'mixed'),
      // Paid in tokens: the router pulls them through Permit2.
      tokenIn: kinds((swap) => !swap.v4!.ethIn),
      // Hook pools too: V4Quoter's eth_call runs the hooks, so the slippage bound holds there as well.
      hookPool: kinds((swap) => swap.v4!.poolIds.some((id) => devnet.manifest.v4!.pools.some((pool) => pool.poolId === id && pool.hook !== 'none'))),
    };
    for (const [kind, count] of Object.entries(counts)) expect(count, kind).toBeGreaterThan(0);
    for (const { swap, receipt } of landed) {
      expect(receipt.to).toBe(mainnet.universalRouter.toLowerCase());
      expect(receipt.blockNumber).toBe(swap.block);
      expect(swap.order.router).toBe('universalRouter');
    }
    const succeeded = landed.filter(({ receipt }) => receipt.status === 'success').length;
    expect(succeeded / landed.length).toBeGreaterThan(0.9);
    // The V2/V3 flow goes on beside it.
    expect(sent.filter((swap) => !swap.v4).length).toBeGreaterThan(0);
  });

  it('moves exactly the PoolManager pools each swap names, by the amounts it fixes', () => {
    const ok = landed.filter(({ receipt }) => receipt.status === 'success');
    expect(ok.length).toBeGreaterThan(0);
    const hookless = new Set(devnet.manifest.v4!.pools.filter((pool) => pool.hook === 'none').map((pool) => pool.poolId));
    let amountsChecked = 0;
    for (const { swap, receipt } of ok) {
      const v4 = swap.v4!;
      const events = parseEventLogs({ abi: poolManagerEvents, logs: receipt.logs.filter((log) => log.address.toLowerCase() === mainnetV4.poolManager.toLowerCase()) });
      const ids = events.map((event) => event.args.id);
      // Exact-out multi hop swaps run from the last hop back to the first.
      expect(v4.kind === 'exactOut' ? [...ids].reverse() : ids, swap.hash).toEqual(v4.poolIds);
      expect(v4.poolIds.length).toBe(v4.kind === 'exactIn' || v4.kind === 'exactOut' ? 2 : 1);
      const classic = parseEventLogs({ abi: v2v3Events, logs: receipt.logs }).map((event) => event.address.toLowerCase());
      expect(classic, swap.hash).toEqual((v4.alongside?.pools ?? []).map((pool) => pool.toLowerCase()));
      // The amount the swap fixes, as the PoolManager saw it (hook pools move it by their own delta).
      const first = events.find((event) => event.args.id === v4.poolIds[0])!;
      const last = events.find((event) => event.args.id === v4.poolIds.at(-1))!;
      const signed = (event: typeof first, currency: string) => {
        const pool = devnet.manifest.v4!.pools.find((candidate) => candidate.poolId === event.args.id)!;
        return BigInt(pool.key.currency0) === BigInt(currency) ? event.args.amount0 : event.args.amount1;
      };
      if (v4.kind.startsWith('exactIn') && hookless.has(v4.poolIds[0]!)) {
        expect(signed(first, v4.currencyIn)).toBe(-v4.exactAmount);
        amountsChecked++;
      }
      if (v4.kind.startsWith('exactOut') && hookless.has(v4.poolIds.at(-1)!)) {
        expect(signed(last, v4.currencyOut)).toBe(v4.exactAmount);
        amountsChecked++;
      }
    }
    expect(amountsChecked).toBeGreaterThan(0);
  });

  it('encodes calldata that the router ABI decodes to a V4 plan naming those pools', async () => {
    expect(landed.length).toBeGreaterThan(0);
    for (const { swap } of landed) {
      const tx = await devnet.client.getTransaction({ hash: swap.hash });
      const decoded = decodeFunctionData({ abi: routerAbi, data: tx.input });
      expect(decoded.functionName).toBe('execute');
      const [commands, inputs] = decoded.args as [Hex, Hex[], bigint];
      const codes = [...Buffer.from(commands.slice(2), 'hex')].map((code) => code & 0x3f);
      const v4Index = codes.indexOf(0x10);
      expect(v4Index, swap.hash).toBeGreaterThanOrEqual(0);
      expect(codes.filter((code) => code === 0x10)).toHaveLength(1);
      if (swap.protocol === 'mixed') expect(codes.some((code) => code === 0x00 || code === 0x08)).toBe(true);
      const plan = decodeV4Plan(inputs[v4Index]!);
      expect(plan.poolIds).toEqual(swap.v4!.poolIds);
      expect(plan.actions.slice(-2)).toEqual([action.SETTLE_ALL, action.TAKE_ALL]);
      expect(tx.value).toBe(swap.v4!.ethIn ? (swap.v4!.kind.startsWith('exactIn') ? swap.v4!.exactAmount : swap.v4!.limit) + (swap.v4!.alongside?.amountIn ?? 0n) : 0n);
    }
  });
});

describe('V4 traffic with the v4 scenario as shipped (private flow on)', () => {
  it('sends V4 swaps through the private relays as well, and they land', async () => {
    const privateSent: SentSwap[] = [];
    const shipped = await startTestDevnet({ scenario: loadScenario(join(projectRoot(), 'scenarios', 'v4.json')), traffic: true, onSwapSent: (swap) => privateSent.push(swap) });
    try {
      for (let block = 0; block < 8; block++) {
        const head = await shipped.client.getBlockNumber({ cacheTime: 0 });
        while (shipped.traffic!.handledHead < head) await new Promise((resolve) => setTimeout(resolve, 10));
        // The builder seals the block: private transactions reach the chain only through it.
        await shipped.builder.buildBlock();
      }
      const v4 = privateSent.filter((swap) => swap.v4 && swap.block <= BigInt(shipped.manifest.startBlock) + 7n);
      expect(v4.filter((swap) => swap.route !== 'public').length).toBeGreaterThan(0);
      const receipts = await Promise.all(v4.map((swap) => shipped.client.getTransactionReceipt({ hash: swap.hash })));
      expect(receipts.filter((receipt) => receipt.status === 'success').length / receipts.length).toBeGreaterThan(0.9);
      expect(shipped.traffic!.stats.failed).toBe(0);
    } finally {
      await shipped.stop();
    }
  }, 300_000);
});
