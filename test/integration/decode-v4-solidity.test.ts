import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { createPublicClient, createWalletClient, decodeFunctionResult, encodeFunctionData, http, type Abi, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { decodeActionsRouterParams, decodeCurrencyAddressAndUint, decodeCurrencyAndUint, decodeMultiSwap, decodeSingleSwap } from '../../src/mempool/decoders/v4Params.ts';
import { swapArb, takeArb, v4Actions } from '../helpers/v4Arbitraries.ts';
import { Actions, v4SwapInput } from '../helpers/v4Plans.ts';

// The router's own decoding as the reference: v4-periphery 1.0.3's CalldataDecoder (the library UniversalRouter
// 2.0 decodes V4_SWAP with), compiled (MockCalldataDecoder from the package's foundry-out) and run on anvil.
// On random plans our reading equals the Solidity one; on mutated ones, whatever the Solidity decoder refuses we
// refuse too, and whatever both accept reads the same.

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const plans = Number(process.env.FC_V4_SOLIDITY_RUNS ?? 200);
const require = createRequire(import.meta.url);
const artifact = JSON.parse(readFileSync(require.resolve('@uniswap/v4-periphery/foundry-out/MockCalldataDecoder.sol/MockCalldataDecoder.json'), 'utf8')) as { abi: Abi; bytecode: { object: Hex } };

let anvil: Anvil;
let decoder: Address;
let client: ReturnType<typeof createPublicClient>;

beforeAll(async () => {
  anvil = await startAnvil({ port: 0, chainId: 31337, accounts: 1 });
  client = createPublicClient({ transport: http(anvil.rpcUrl) });
  const [account] = (await client.request({ method: 'eth_accounts' } as never)) as Address[];
  const wallet = createWalletClient({ transport: http(anvil.rpcUrl), account: account! });
  const hash = await wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode.object, chain: null });
  decoder = (await client.waitForTransactionReceipt({ hash })).contractAddress!;
}, 60_000);

afterAll(async () => {
  await anvil?.stop();
});

/** The Solidity decoder's answer, or 'revert' when it refuses the input. */
async function solidity(functionName: string, input: Hex): Promise<unknown> {
  const data = encodeFunctionData({ abi: artifact.abi, functionName, args: [input] } as never);
  try {
    const result = await client.call({ to: decoder, data });
    return decodeFunctionResult({ abi: artifact.abi, functionName, data: result.data! } as never);
  } catch (error) {
    // a mutated length can send the decoder's loop past any gas limit: the router fails just the same
    if (/revert|OutOfGas/i.test(String(error))) return 'revert';
    throw error;
  }
}

/** Ours, in the shape the Solidity decoder returns, or 'revert' when ours refuses. */
function ours(action: number, hex: string): unknown {
  try {
    if (action === Actions.SWAP_EXACT_IN_SINGLE || action === Actions.SWAP_EXACT_OUT_SINGLE) {
      const s = decodeSingleSwap(hex, 'v2');
      const amounts = action === Actions.SWAP_EXACT_IN_SINGLE ? { amountIn: s.amount, amountOutMinimum: s.limit } : { amountOut: s.amount, amountInMaximum: s.limit };
      return { poolKey: s.poolKey, zeroForOne: s.zeroForOne, ...amounts, hookData: `0x${s.hookData}` };
    }
    if (action === Actions.SWAP_EXACT_IN || action === Actions.SWAP_EXACT_OUT) {
      const m = decodeMultiSwap(hex, 'v2');
      const path = m.path.map((k) => ({ ...k, hookData: `0x${k.hookData}` }));
      return action === Actions.SWAP_EXACT_IN ? { currencyIn: m.currency, path, amountIn: m.amount, amountOutMinimum: m.limit } : { currencyOut: m.currency, path, amountOut: m.amount, amountInMaximum: m.limit };
    }
    if (action === Actions.TAKE || action === Actions.TAKE_PORTION) {
      const t = decodeCurrencyAddressAndUint(hex);
      return [t.currency, t.recipient, t.amount];
    }
    const c = decodeCurrencyAndUint(hex);
    return [c.currency, c.amount];
  } catch {
    return 'revert';
  }
}

const functionOf: Record<number, string> = {
  [Actions.SWAP_EXACT_IN_SINGLE]: 'decodeSwapExactInSingleParams',
  [Actions.SWAP_EXACT_OUT_SINGLE]: 'decodeSwapExactOutSingleParams',
  [Actions.SWAP_EXACT_IN]: 'decodeSwapExactInParams',
  [Actions.SWAP_EXACT_OUT]: 'decodeSwapExactOutParams',
  [Actions.SETTLE_ALL]: 'decodeCurrencyAndUint256',
  [Actions.TAKE_ALL]: 'decodeCurrencyAndUint256',
  [Actions.TAKE]: 'decodeCurrencyAddressAndUint256',
  [Actions.TAKE_PORTION]: 'decodeCurrencyAddressAndUint256',
};

/** Addresses lower-case, so the two sides compare on value. */
const normal = (value: unknown): unknown =>
  typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : Array.isArray(value) ? value.map(normal) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)])) : value;

const planSamples = () => fc.sample(fc.array(fc.tuple(swapArb, takeArb), { minLength: 1, maxLength: 3 }).map((pairs) => v4SwapInput(v4Actions(pairs.map((p) => p[0]), pairs.map((p) => p[1]), '2.0'))), { numRuns: plans, seed });

describe('V4_SWAP decoding against v4-periphery 1.0.3 CalldataDecoder on anvil', () => {
  it(`reads every action of random 2.0-layout plans as the Solidity decoder does (${plans} plans, seed ${seed})`, async () => {
    let compared = 0;
    for (const input of planSamples()) {
      const [actionBytes, params] = (await solidity('decodeActionsRouterParams', input)) as [Hex, Hex[]];
      const mine = decodeActionsRouterParams(input.slice(2));
      expect(mine.actions).toEqual(actionBytes.slice(2).match(/../g)!.map((b) => Number.parseInt(b, 16)));
      expect(mine.params.map((p) => `0x${p}`)).toEqual(params);
      for (let i = 0; i < params.length; i++) {
        const action = mine.actions[i]!;
        expect(normal(ours(action, params[i]!.slice(2)))).toEqual(normal(await solidity(functionOf[action]!, params[i]!)));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(plans * 2);
  }, 300_000);

  it(`refuses whatever the Solidity decoder refuses, and agrees where both read (mutated plans and params, seed ${seed})`, async () => {
    const rng = fc.sample(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), { numRuns: plans * 2, seed });
    const inputs = planSamples();
    let bothRefused = 0;
    let bothRead = 0;
    for (let n = 0; n < rng.length; n++) {
      const [at, byte, cut] = rng[n]!;
      const input = inputs[n % inputs.length]!;
      // the V4_SWAP input itself
      const position = 2 + 2 * (at % ((input.length - 2) / 2));
      const mutated = (cut ? input.slice(0, position) : input.slice(0, position) + byte.toString(16).padStart(2, '0') + input.slice(position + 2)) as Hex;
      const reference = await solidity('decodeActionsRouterParams', mutated);
      let mine: ReturnType<typeof decodeActionsRouterParams> | 'revert';
      try {
        mine = decodeActionsRouterParams(mutated.slice(2));
      } catch {
        mine = 'revert';
      }
      if (reference === 'revert') {
        expect(mine).toBe('revert');
        bothRefused++;
      } else if (mine !== 'revert') {
        expect(mine.params.map((p) => `0x${p}`)).toEqual((reference as [Hex, Hex[]])[1]);
        bothRead++;
      }
      // one action's params
      const { actions, params } = decodeActionsRouterParams(input.slice(2));
      const i = at % params.length;
      const hex = params[i]!;
      const p = 2 * (at % Math.max(1, hex.length / 2));
      const changed = cut ? hex.slice(0, p) : hex.slice(0, p) + byte.toString(16).padStart(2, '0') + hex.slice(p + 2);
      const ref = await solidity(functionOf[actions[i]!]!, `0x${changed}`);
      const own = ours(actions[i]!, changed);
      if (ref === 'revert') {
        expect(own).toBe('revert');
        bothRefused++;
      } else if (own !== 'revert') {
        expect(normal(own)).toEqual(normal(ref));
        bothRead++;
      }
    }
    expect(bothRefused).toBeGreaterThan(plans / 10);
    expect(bothRead).toBeGreaterThan(plans / 10);
  }, 300_000);
});
