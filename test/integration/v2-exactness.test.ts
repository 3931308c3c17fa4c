import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { encodeAbiParameters, parseAbi, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2RouterAbi } from '../../src/abi/routers.ts';
import { getAmountIn, getAmountOut, PairOverflowError } from '../../src/amm/v2.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import { callAndConfirm, sendAndConfirm } from '../../src/devnet/client.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { readPools } from '../../src/state/reader.ts';
import type { V2Pair } from '../../src/state/types.ts';
import { deployForge } from '../helpers/contracts.ts';
import { startTestDevnet } from '../helpers/devnet.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const runs = Number(process.env.FC_RUNS ?? 2000);
const factoryAbi = parseAbi(['function createPair(address, address) returns (address)', 'function getPair(address, address) view returns (address)']);
const pairAbi = parseAbi(['function mint(address) returns (uint256)']);
const tokenAbi = parseAbi(['function mint(address, uint256)']);

let devnet: Devnet;
let probe: { address: Address; abi: any };
let pairs: V2Pair[] = [];
/** Per pair: the factory's fee and the Router02 that quotes it (PancakeSwap has none on the devnet). */
const venues: Array<{ feeBps: bigint; router?: Address }> = [];

/** PancakeSwap's V2 (a real fork charging 0.2%), deployed from its npm artifact: the second fee level. */
async function deployPancakeFactory(deployer: Address): Promise<Address> {
  const require = createRequire(import.meta.url);
  const artifact = JSON.parse(readFileSync(require.resolve('@pancakeswap-libs/pancake-swap-core/build/PancakeFactory.json'), 'utf8'));
  const data = `0x${artifact.bytecode}${encodeAbiParameters([{ type: 'address' }], [deployer]).slice(2)}` as Hex;
  return (await sendAndConfirm(devnet.client, { from: deployer, data, label: 'deploy PancakeFactory' })).contractAddress!;
}

beforeAll(async () => {
  devnet = await startTestDevnet();
  await devnet.client.setAutomine(true);
  const deployer = devnet.manifest.accounts.deployer.address;
  probe = await deployForge(devnet.client, deployer, 'V2Probe.sol', 'V2Probe');
  const pancake = await deployPancakeFactory(deployer);
  const reserves = fc.sample(fc.tuple(fc.bigInt({ min: 1000n, max: 10n ** 30n }), fc.bigInt({ min: 1000n, max: 10n ** 30n })), { numRuns: 9, seed });
  const addresses: Address[] = [];
  for (const [i, [r0, r1]] of reserves.entries()) {
    const tokens: Address[] = [];
    for (const name of ['A', 'B']) {
      const token = await deployForge(devnet.client, deployer, 'StandardToken.sol', 'StandardToken', [`P${i}${name}`, `P${i}${name}`, 18, deployer]);
      await callAndConfirm(devnet.client, { from: deployer, to: token.address, abi: tokenAbi, functionName: 'mint', args: [probe.address, 10n ** 60n], label: 'mint' });
      tokens.push(token.address);
    }
    const venue = [
      { factory: mainnet.uniswapV2Factory, feeBps: 30n, router: mainnet.uniswapV2Router02 },
      { factory: mainnet.sushiswapFactory, feeBps: 30n, router: mainnet.sushiswapRouter },
      { factory: pancake, feeBps: 20n },
    ][i % 3]!;
    venues.push({ feeBps: venue.feeBps, router: venue.router });
    const factory = venue.factory;
    await callAndConfirm(devnet.client, { from: deployer, to: factory, abi: factoryAbi, functionName: 'createPair', args: [tokens[0]!, tokens[1]!], label: 'createPair' });
    const pair = await devnet.client.readContract({ address: factory, abi: factoryAbi, functionName: 'getPair', args: [tokens[0]!, tokens[1]!] });
    await callAndConfirm(devnet.client, { from: deployer, to: tokens[0]!, abi: tokenAbi, functionName: 'mint', args: [pair, r0], label: 'fund pair' });
    await callAndConfirm(devnet.client, { from: deployer, to: tokens[1]!, abi: tokenAbi, functionName: 'mint', args: [pair, r1], label: 'fund pair' });
    await callAndConfirm(devnet.client, { from: deployer, to: pair, abi: pairAbi, functionName: 'mint', args: [deployer], label: 'mint liquidity' });
    addresses.push(pair);
  }
  const fees = new Map(addresses.map((pair, i) => [pair, venues[i]!.feeBps]));
  pairs = (await readPools(devnet.client as never, { v2: addresses, v2FeeBps: (pair) => fees.get(pair)! })).v2;
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

describe('V2 math equals the real pair', () => {
  // Exact in: our output is exactly where the pair's K check draws the line. Exact out: the pair pays for our
  // input, which equals Router02's getAmountsIn (UniswapV2Library may ask one unit more than the minimum).
  // Fee levels: 30 bps (Uniswap, SushiSwap) and 20 bps (PancakeSwap's fork, its own bytecode).
  it(`getAmountOut is the most the pair pays; getAmountIn is the router's and suffices; ${runs} cases (seed ${seed})`, async () => {
    console.log(`v2 exactness: fast-check seed ${seed} (FC_SEED=${seed} reproduces)`);
    let checked = 0;
    let overflows = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: pairs.length - 1 }),
        fc.boolean(),
        fc.boolean(),
        fc.bigInt({ min: 1n, max: 10n ** 32n }).chain((max) => fc.bigInt({ min: 1n, max })),
        async (index, zeroForOne, exactIn, magnitude) => {
          const pair = pairs[index]!;
          const [reserveIn, reserveOut] = zeroForOne ? [pair.reserve0, pair.reserve1] : [pair.reserve1, pair.reserve0];
          const tokenIn = zeroForOne ? pair.token0 : pair.token1;
          let amountIn: bigint;
          let amountOut: bigint;
          if (exactIn) {
            amountIn = magnitude;
            amountOut = getAmountOut(amountIn, reserveIn, reserveOut, pair.feeBps);
            if (amountOut === 0n) return; // nothing to pay out: the pair refuses any swap of 0 (IOA)
          } else {
            amountOut = magnitude % reserveOut;
            if (amountOut === 0n) return;
            try {
              amountIn = getAmountIn(amountOut, reserveIn, reserveOut, pair.feeBps);
            } catch (error) {
              if (!(error instanceof PairOverflowError)) throw error;
              // We say the pair cannot take the input it would need (uint112 reserves): the pair must refuse it.
              const needed = (reserveIn * amountOut * 10_000n) / ((reserveOut - amountOut) * (10_000n - pair.feeBps)) + 1n;
              const { result } = await devnet.client.simulateContract({ address: probe.address, abi: probe.abi, functionName: 'pays', args: [pair.address, tokenIn, needed, amountOut, zeroForOne] });
              expect(result).toBe(false);
              overflows++;
              return;
            }
          }
          const { result } = await devnet.client.simulateContract({
            address: probe.address,
            abi: probe.abi,
            functionName: exactIn ? 'isMaxOutput' : 'pays',
            args: [pair.address, tokenIn, amountIn, amountOut, zeroForOne],
          });
          expect(result).toBe(true);
          const router = venues[index]!.router;
          if (!exactIn && router) {
            const tokenOut = zeroForOne ? pair.token1 : pair.token0;
            const [routerIn] = await devnet.client.readContract({ address: router, abi: v2RouterAbi, functionName: 'getAmountsIn', args: [amountOut, [tokenIn, tokenOut]] });
            expect(amountIn).toBe(routerIn);
          }
          checked++;
        },
      ),
      { numRuns: runs, seed },
    );
    console.log(`v2 exactness: ${checked} cases equal to the pair's own line (Uniswap and SushiSwap at 30 bps, PancakeSwap at 20 bps); ${overflows} refused for uint112 overflow, as the pair does`);
    expect(checked).toBeGreaterThan(runs * 0.7);
  }, 300_000);
});
