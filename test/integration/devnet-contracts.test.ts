import {
  encodeAbiParameters,
  encodePacked,
  getCreate2Address,
  keccak256,
  parseAbi,
  parseEventLogs,
  type Address,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoterV2Abi, v2RouterAbi } from '../../src/abi/routers.ts';
import { getTickAtSqrtRatio } from '../../src/amm/v3/tickMath.ts';
import { initCodeHashes, mainnet, mainnetTokens, mainnetV4 } from '../../src/chain/addresses.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { defaultScenarioPath, loadScenario } from '../../src/devnet/scenario/load.ts';
import type { RouterKind } from '../../src/devnet/scenario/schema.ts';
import { buildSwapCall, encodeV3Path, v2Path } from '../../src/devnet/traffic/calldata.ts';
import { isV3, resolveRoute, type Hop } from '../../src/devnet/traffic/route.ts';
import { decimalToRational, parseUnitsExact } from '../../src/units/decimal.ts';
import { sendSignedAndMine, startTestDevnet } from '../helpers/devnet.ts';

const scenario = loadScenario(defaultScenarioPath());
const abi = parseAbi([
  'function factory() view returns (address)',
  'function WETH() view returns (address)',
  'function WETH9() view returns (address)',
  'function getPair(address, address) view returns (address)',
  'function getPool(address, address, uint24) view returns (address)',
  'function feeAmountTickSpacing(uint24) view returns (int24)',
  'function getReserves() view returns (uint112, uint112, uint32)',
  'function token0() view returns (address)',
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool)',
  'function liquidity() view returns (uint128)',
  'function balanceOf(address) view returns (uint256)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function transfer(address, uint256) returns (bool)',
  'function approve(address, uint256) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 amount)',
]);

let devnet: Devnet;
beforeAll(async () => {
  devnet = await startTestDevnet();
});
afterAll(async () => {
  await devnet?.stop();
});

const read = (address: Address, functionName: string, args: readonly unknown[] = []) =>
  devnet.client.readContract({ address, abi, functionName: functionName as never, args: args as never }) as Promise<any>;
const token = (symbol: string) => devnet.manifest.tokens.find((t) => t.symbol === symbol)!;
const trader = (i: number) => devAccount(devnet.manifest.accounts.traders[i]!.index);

describe('contracts at mainnet addresses', () => {
  it('routers and quoter point at the mainnet factories and WETH', async () => {
    expect(await read(mainnet.uniswapV2Router02, 'factory')).toBe(mainnet.uniswapV2Factory);
    expect(await read(mainnet.uniswapV2Router02, 'WETH')).toBe(mainnet.weth);
    expect(await read(mainnet.sushiswapRouter, 'factory')).toBe(mainnet.sushiswapFactory);
    expect(await read(mainnet.sushiswapRouter, 'WETH')).toBe(mainnet.weth);
    for (const address of [mainnet.swapRouter, mainnet.swapRouter02, mainnet.quoterV2, mainnet.nonfungiblePositionManager]) {
      expect(await read(address, 'factory')).toBe(mainnet.uniswapV3Factory);
      expect(await read(address, 'WETH9')).toBe(mainnet.weth);
    }
    const fees = await Promise.all([100, 500, 3000, 10000].map((fee) => read(mainnet.uniswapV3Factory, 'feeAmountTickSpacing', [fee])));
    expect(fees).toEqual([1, 10, 60, 200]);
    expect(await devnet.client.getCode({ address: mainnet.universalRouter })).toMatch(/^0x[0-9a-f]{1000,}/);
  });

  it('Uniswap V4 lives at its mainnet addresses (the manifest lists it) and the UniversalRouter points at its PoolManager', async () => {
    const v4Abi = parseAbi(['function poolManager() view returns (address)', 'function owner() view returns (address)', 'function permit2() view returns (address)']);
    const v4Read = (address: Address, functionName: 'poolManager' | 'owner' | 'permit2') => devnet.client.readContract({ address, abi: v4Abi, functionName });
    expect(devnet.manifest.v4.contracts).toEqual(mainnetV4);
    expect(devnet.manifest.v4.pools).toEqual([]);
    expect(await v4Read(mainnetV4.poolManager, 'owner')).toBe(devnet.manifest.accounts.deployer.address);
    for (const address of [mainnetV4.stateView, mainnetV4.quoter, mainnetV4.positionManager, mainnet.universalRouter]) {
      expect(await v4Read(address, 'poolManager')).toBe(mainnetV4.poolManager);
    }
    expect(await v4Read(mainnetV4.positionManager, 'permit2')).toBe(mainnet.permit2);
    expect(await devnet.client.getCode({ address: mainnet.permit2 })).toMatch(/^0x[0-9a-f]{1000,}/);
  });

  it('majors live at their mainnet token addresses', async () => {
    for (const [symbol, address] of Object.entries(mainnetTokens)) {
      expect(token(symbol).address).toBe(address);
      expect(await read(address, 'symbol')).toBe(symbol);
    }
    expect(await read(mainnetTokens.USDC!, 'decimals')).toBe(6);
  });

  it('factories create pools at their mainnet CREATE2 addresses', async () => {
    expect(devnet.manifest.pools.length).toBe(scenario.pools.length);
    expect(new Set(devnet.manifest.pools.map((pool) => pool.dex))).toEqual(new Set(['uniswapV2', 'sushiswap', 'uniswapV3']));
    for (const pool of devnet.manifest.pools) {
      if (isV3(pool as never)) {
        const salt = keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'uint24' }], [pool.token0, pool.token1, pool.fee!]));
        expect(pool.address).toBe(getCreate2Address({ from: mainnet.uniswapV3Factory, salt, bytecodeHash: initCodeHashes.uniswapV3Pool }));
        expect(await read(mainnet.uniswapV3Factory, 'getPool', [pool.token1, pool.token0, pool.fee])).toBe(pool.address);
      } else {
        const factory = pool.dex === 'sushiswap' ? mainnet.sushiswapFactory : mainnet.uniswapV2Factory;
        const salt = keccak256(encodePacked(['address', 'address'], [pool.token0, pool.token1]));
        expect(pool.address).toBe(getCreate2Address({ from: factory, salt, bytecodeHash: initCodeHashes.uniswapV2Pair }));
        expect(await read(factory, 'getPair', [pool.token1, pool.token0])).toBe(pool.address);
      }
      expect(BigInt(pool.token0) < BigInt(pool.token1)).toBe(true);
    }
  });
});

describe('the searcher executor', () => {
  it('is deployed, owned by the deployer, operated by the searcher account and holds its WETH inventory', async () => {
    const { executor, accounts } = devnet.manifest;
    const { executorAbi } = await import('../../src/abi/executor.generated.ts');
    expect(await devnet.client.readContract({ address: executor.address, abi: executorAbi, functionName: 'owner' })).toBe(accounts.deployer.address);
    expect(await devnet.client.readContract({ address: executor.address, abi: executorAbi, functionName: 'isOperator', args: [accounts.searcher.address] })).toBe(true);
    expect(await read(mainnet.weth, 'balanceOf', [executor.address])).toBe(BigInt(executor.inventoryWei));
    expect(BigInt(executor.inventoryWei)).toBe(100n * 10n ** 18n);
  });
});

describe('scenario pools', () => {
  it('V2 reserves equal the scenario', async () => {
    let checked = 0;
    for (const [index, pool] of scenario.pools.entries()) {
      if (pool.dex === 'uniswapV3') continue;
      checked++;
      const placed = devnet.manifest.pools[index]!;
      const [a, b] = [token(pool.pair[0]), token(pool.pair[1])];
      const expected = [parseUnitsExact(pool.reserves[0], a.decimals), parseUnitsExact(pool.reserves[1], b.decimals)];
      const [r0, r1] = await read(placed.address, 'getReserves');
      expect(placed.token0 === a.address ? [r0, r1] : [r1, r0]).toEqual(expected);
    }
    expect(checked).toBe(scenario.pools.filter((pool) => pool.dex !== 'uniswapV3').length);
    expect(checked).toBeGreaterThan(0);
  });

  it('V3 price is the scenario price, exactly as Q64.96, and the tick agrees with TickMath', async () => {
    let checked = 0;
    for (const [index, pool] of scenario.pools.entries()) {
      if (pool.dex !== 'uniswapV3') continue;
      const placed = devnet.manifest.pools[index]!;
      const [a, b] = [token(pool.pair[0]), token(pool.pair[1])];
      const [sqrtPriceX96, tick] = (await read(placed.address, 'slot0')) as [bigint, number];
      // raw price = token1 base units per token0 base unit, from the scenario's "1 a = price b"
      const { numerator, denominator } = decimalToRational(pool.price);
      const aIsToken0 = (await read(placed.address, 'token0')) === a.address;
      const [num, den] = aIsToken0
        ? [numerator * 10n ** BigInt(b.decimals), denominator * 10n ** BigInt(a.decimals)]
        : [denominator * 10n ** BigInt(a.decimals), numerator * 10n ** BigInt(b.decimals)];
      const square = sqrtPriceX96 * sqrtPriceX96;
      expect(square * den <= num << 192n).toBe(true);
      expect((sqrtPriceX96 + 1n) * (sqrtPriceX96 + 1n) * den > num << 192n).toBe(true);
      expect(tick).toBe(getTickAtSqrtRatio(sqrtPriceX96));
      expect(await read(placed.address, 'liquidity')).toBeGreaterThan(0n);
      checked++;
    }
    expect(checked).toBe(scenario.pools.filter((pool) => pool.dex === 'uniswapV3').length);
    expect(checked).toBeGreaterThan(0);
  });
});

type SwapCase = { router: RouterKind; path: string[]; fees?: number[]; amount: string; ethIn?: boolean; ethOut?: boolean };

const swapCases: SwapCase[] = [
  { router: 'uniswapV2Router02', path: ['USDC', 'WETH'], amount: '25000', ethOut: true },
  { router: 'uniswapV2Router02', path: ['USDC', 'WETH', 'DAI'], amount: '10000' },
  { router: 'sushiswapRouter', path: ['WETH', 'DAI'], amount: '3', ethIn: true },
  { router: 'swapRouter', path: ['WETH', 'USDC'], fees: [3000], amount: '5', ethIn: true },
  { router: 'swapRouter', path: ['WBTC', 'WETH', 'USDC'], fees: [3000, 500], amount: '0.5' },
  { router: 'swapRouter', path: ['USDC', 'WETH'], fees: [500], amount: '9000', ethOut: true },
  { router: 'swapRouter02', path: ['DAI', 'WETH'], amount: '20000' },
  { router: 'swapRouter02', path: ['USDC', 'USDT'], fees: [100], amount: '50000' },
  { router: 'swapRouter02', path: ['WETH', 'WBTC'], fees: [3000], amount: '2', ethIn: true },
  { router: 'universalRouter', path: ['WETH', 'USDT'], amount: '4', ethIn: true },
  { router: 'universalRouter', path: ['WETH', 'USDC'], fees: [500], amount: '6', ethIn: true },
];

async function routerQuote(hops: Hop[], amountIn: bigint): Promise<bigint> {
  if (isV3(hops[0]!.pool)) {
    const { result } = await devnet.client.simulateContract({ address: mainnet.quoterV2, abi: quoterV2Abi, functionName: 'quoteExactInput', args: [encodeV3Path(hops), amountIn] });
    return result[0];
  }
  const router = hops[0]!.pool.dex === 'sushiswap' ? mainnet.sushiswapRouter : mainnet.uniswapV2Router02;
  const amounts = await devnet.client.readContract({ address: router, abi: v2RouterAbi, functionName: 'getAmountsOut', args: [amountIn, v2Path(hops)] });
  return amounts[amounts.length - 1]!;
}

describe('a swap through every router', () => {
  it.each(swapCases)('$router $path.0 -> $path.1 ($amount): the pool moves as the router quoted', async (swap) => {
    const user = trader(1);
    const hops = resolveRoute(swap.router, swap.path, swap.fees, devnet.manifest.pools as never, devnet.manifest.tokens);
    const first = hops[0]!;
    const last = hops[hops.length - 1]!;
    const amountIn = parseUnitsExact(swap.amount, first.tokenIn.decimals);
    const quote = await routerQuote(hops, amountIn);
    const outBalance = (): Promise<bigint> => (swap.ethOut ? devnet.client.getBalance({ address: user.address }) : read(last.tokenOut.address, 'balanceOf', [user.address]));
    const before = {
      out: await outBalance(),
      firstPoolIn: await read(first.tokenIn.address, 'balanceOf', [first.pool.address]),
      lastPoolOut: await read(last.tokenOut.address, 'balanceOf', [last.pool.address]),
    };

    const call = buildSwapCall({ router: swap.router, hops, amountIn, minAmountOut: quote, recipient: user.address, deadline: 2n ** 40n, ethIn: !!swap.ethIn, ethOut: !!swap.ethOut });
    const receipt = await sendSignedAndMine(devnet, user, call);
    expect(receipt.status).toBe('success');

    const gasPaid = swap.ethOut ? receipt.gasUsed * receipt.effectiveGasPrice : 0n;
    expect((await outBalance()) - before.out + gasPaid).toBe(quote);
    expect((await read(first.tokenIn.address, 'balanceOf', [first.pool.address])) - before.firstPoolIn).toBe(amountIn);
    expect(before.lastPoolOut - (await read(last.tokenOut.address, 'balanceOf', [last.pool.address]))).toBe(quote);
  });
});

describe('special tokens misbehave as designed', () => {
  const buyWithEth = async (symbol: string, eth: string) => {
    const user = trader(2);
    const hops = resolveRoute('uniswapV2Router02', ['WETH', symbol], undefined, devnet.manifest.pools as never, devnet.manifest.tokens);
    const amountIn = parseUnitsExact(eth, 18);
    const quote = await routerQuote(hops, amountIn);
    const before: bigint = await read(token(symbol).address, 'balanceOf', [user.address]);
    const receipt = await sendSignedAndMine(devnet, user, buildSwapCall({ router: 'uniswapV2Router02', hops, amountIn, minAmountOut: 0n, recipient: user.address, deadline: 2n ** 40n, ethIn: true, ethOut: false }));
    const received: bigint = (await read(token(symbol).address, 'balanceOf', [user.address])) - before;
    return { user, hops, quote, received, receipt };
  };

  it('USDT-like: transfer returns no data and approve refuses non-zero to non-zero', async () => {
    const user = trader(3);
    const usdt = token('USDT').address;
    const result = await devnet.client.call({ account: user.address, to: usdt, data: '0xa9059cbb' + encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [trader(4).address, 1n]).slice(2) as `0x${string}` });
    expect(result.data ?? '0x').toBe('0x');
    await expect(
      devnet.client.simulateContract({ account: user.address, address: usdt, abi, functionName: 'approve', args: [mainnet.swapRouter, 5n] }),
    ).rejects.toThrow(/ApproveFromNonZero|reverted/);
  });

  it('fee-on-transfer: a buy credits the quote minus exactly the fee', async () => {
    const { quote, received, receipt } = await buyWithEth('FOT', '1');
    expect(receipt.status).toBe('success');
    expect(received).toBe(quote - (quote * 200n) / 10_000n);
  });

  it('honeypot: buys succeed, sells revert', async () => {
    const { user, quote, received } = await buyWithEth('HONEY', '0.5');
    expect(received).toBe(quote);
    const sell = resolveRoute('uniswapV2Router02', ['HONEY', 'WETH'], undefined, devnet.manifest.pools as never, devnet.manifest.tokens);
    const call = buildSwapCall({ router: 'uniswapV2Router02', hops: sell, amountIn: received, minAmountOut: 0n, recipient: user.address, deadline: 2n ** 40n, ethIn: false, ethOut: true });
    const receipt = await sendSignedAndMine(devnet, user, call);
    expect(receipt.status).toBe('reverted');
    expect(await read(token('HONEY').address, 'balanceOf', [user.address])).toBe(received);
  });

  it('salmonella: the Transfer event says the full amount, the balance gets a tenth', async () => {
    const { user, quote, received, receipt } = await buyWithEth('SALMON', '0.5');
    const transfers = parseEventLogs({ abi, eventName: 'Transfer', logs: receipt.logs }).filter(
      (log) => log.address.toLowerCase() === token('SALMON').address.toLowerCase() && log.args.to === user.address,
    );
    expect(transfers.map((log) => log.args.amount)).toEqual([quote]);
    expect(received).toBe((quote * 1000n) / 10_000n);
  });
});
