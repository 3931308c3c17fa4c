import { maxUint256, parseAbi, type Address } from 'viem';
import { MAX_TICK, MIN_TICK, getTickAtSqrtRatio } from '../../amm/v3/tickMath.ts';
import { encodeSqrtRatioX96 } from '../../amm/v3/sqrtPrice.ts';
import { decimalToRational, parseUnitsExact } from '../../units/decimal.ts';
import { mainnet, v3FeeTickSpacing } from '../../chain/addresses.ts';
import { callAndConfirm, type DevnetClient } from '../client.ts';
import type { ScenarioPool } from '../scenario/schema.ts';
import { erc20Abi, tokenBySymbol, type DevnetToken } from '../tokens.ts';

export type DevnetPool = {
  index: number;
  dex: ScenarioPool['dex'];
  address: Address;
  /** Symbols in the scenario's order. */
  pair: [string, string];
  token0: Address;
  token1: Address;
  /** V3 only. */
  fee?: number;
  tickSpacing?: number;
};

const v2RouterAbi = parseAbi([
  'function addLiquidity(address tokenA, address tokenB, uint256 amountADesired, uint256 amountBDesired, uint256 amountAMin, uint256 amountBMin, address to, uint256 deadline) returns (uint256, uint256, uint256)',
]);
const v2FactoryAbi = parseAbi(['function getPair(address, address) view returns (address)']);
const v3FactoryAbi = parseAbi(['function getPool(address, address, uint24) view returns (address)']);
const positionManagerAbi = parseAbi([
  'function createAndInitializePoolIfNecessary(address token0, address token1, uint24 fee, uint160 sqrtPriceX96) payable returns (address pool)',
  'struct MintParams { address token0; address token1; uint24 fee; int24 tickLower; int24 tickUpper; uint256 amount0Desired; uint256 amount1Desired; uint256 amount0Min; uint256 amount1Min; address recipient; uint256 deadline; }',
  'function mint(MintParams params) payable returns (uint256 tokenId, uint128 liquidity, uint256 amount0, uint256 amount1)',
]);

export const farDeadline = 2n ** 48n;

export const routerOfDex = {
  uniswapV2: { router: mainnet.uniswapV2Router02, factory: mainnet.uniswapV2Factory },
  sushiswap: { router: mainnet.sushiswapRouter, factory: mainnet.sushiswapFactory },
} as const;

/** Sorts two tokens the way pools do (by address). */
export function sortTokens(a: DevnetToken, b: DevnetToken): [DevnetToken, DevnetToken] {
  return BigInt(a.address) < BigInt(b.address) ? [a, b] : [b, a];
}

/**
 * sqrtPriceX96 for "1 `base` = `price` `quote`" in human units, whichever of the two is token0.
 * raw price = token1 base units per token0 base unit.
 */
export function sqrtPriceX96ForPrice(base: DevnetToken, quote: DevnetToken, price: string): bigint {
  const { numerator, denominator } = decimalToRational(price);
  const [token0] = sortTokens(base, quote);
  return token0 === base
    ? encodeSqrtRatioX96(numerator * 10n ** BigInt(quote.decimals), denominator * 10n ** BigInt(base.decimals))
    : encodeSqrtRatioX96(denominator * 10n ** BigInt(base.decimals), numerator * 10n ** BigInt(quote.decimals));
}

/** Tick range of a scenario position, on the pool's tick spacing (lower rounded down, upper up). */
export function positionTicks(
  range: Extract<ScenarioPool, { dex: 'uniswapV3' }>['positions'][number]['range'],
  base: DevnetToken,
  quote: DevnetToken,
  tickSpacing: number,
): [number, number] {
  if (range === 'full') {
    return [Math.ceil(MIN_TICK / tickSpacing) * tickSpacing, Math.floor(MAX_TICK / tickSpacing) * tickSpacing];
  }
  const a = getTickAtSqrtRatio(sqrtPriceX96ForPrice(base, quote, range.priceLower));
  const b = getTickAtSqrtRatio(sqrtPriceX96ForPrice(base, quote, range.priceUpper));
  const [low, high] = a < b ? [a, b] : [b, a];
  return [Math.floor(low / tickSpacing) * tickSpacing, Math.ceil(high / tickSpacing) * tickSpacing];
}

/** Creates every pool of the scenario through the real factories and periphery, with the deployer's liquidity. */
export async function createPools(
  client: DevnetClient,
  deployer: Address,
  pools: readonly ScenarioPool[],
  tokens: readonly DevnetToken[],
): Promise<DevnetPool[]> {
  await fundDeployer(client, deployer, pools, tokens);
  const created: DevnetPool[] = [];
  for (const [index, pool] of pools.entries()) {
    const [a, b] = [tokenBySymbol(tokens, pool.pair[0]), tokenBySymbol(tokens, pool.pair[1])];
    const [token0, token1] = sortTokens(a, b);
    const label = `pool ${index} (${pool.dex} ${pool.pair.join('/')})`;
    let address: Address;
    let v3: { fee: number; tickSpacing: number } | undefined;
    if (pool.dex === 'uniswapV3') {
      const tickSpacing = pool.fee === 100 ? 1 : v3FeeTickSpacing[pool.fee]!;
      v3 = { fee: pool.fee, tickSpacing };
      await callAndConfirm(client, {
        from: deployer,
        to: mainnet.nonfungiblePositionManager,
        abi: positionManagerAbi,
        functionName: 'createAndInitializePoolIfNecessary',
        args: [token0.address, token1.address, pool.fee, sqrtPriceX96ForPrice(a, b, pool.price)],
        label: `${label}: create`,
      });
      for (const [p, position] of pool.positions.entries()) {
        const [tickLower, tickUpper] = positionTicks(position.range, a, b, tickSpacing);
        const amountA = parseUnitsExact(position.amounts[0], a.decimals);
        const amountB = parseUnitsExact(position.amounts[1], b.decimals);
        const [amount0, amount1] = token0 === a ? [amountA, amountB] : [amountB, amountA];
        await callAndConfirm(client, {
          from: deployer,
          to: mainnet.nonfungiblePositionManager,
          abi: positionManagerAbi,
          functionName: 'mint',
          args: [
            {
              token0: token0.address,
              token1: token1.address,
              fee: pool.fee,
              tickLower,
              tickUpper,
              amount0Desired: amount0,
              amount1Desired: amount1,
              amount0Min: 0n,
              amount1Min: 0n,
              recipient: deployer,
              deadline: farDeadline,
            },
          ],
          label: `${label}: position ${p}`,
        });
      }
      address = await client.readContract({
        address: mainnet.uniswapV3Factory,
        abi: v3FactoryAbi,
        functionName: 'getPool',
        args: [token0.address, token1.address, pool.fee],
      });
    } else {
      const { router, factory } = routerOfDex[pool.dex];
      const amountA = parseUnitsExact(pool.reserves[0], a.decimals);
      const amountB = parseUnitsExact(pool.reserves[1], b.decimals);
      await callAndConfirm(client, {
        from: deployer,
        to: router,
        abi: v2RouterAbi,
        functionName: 'addLiquidity',
        args: [a.address, b.address, amountA, amountB, amountA, amountB, deployer, farDeadline],
        label: `${label}: add liquidity`,
      });
      address = await client.readContract({ address: factory, abi: v2FactoryAbi, functionName: 'getPair', args: [a.address, b.address] });
    }
    for (const token of [a, b]) {
      if (token.kind !== 'honeypot') continue;
      await callAndConfirm(client, {
        from: deployer,
        to: token.address,
        abi: erc20Abi,
        functionName: 'setPool',
        args: [address, true],
        label: `${label}: let the pool sell ${token.symbol}`,
      });
    }
    created.push({ index, dex: pool.dex, address, pair: [a.symbol, b.symbol], token0: token0.address, token1: token1.address, ...v3 });
  }
  return created;
}

/** Mints (or wraps) exactly what the pools need and approves the routers and position manager to take it. */
async function fundDeployer(
  client: DevnetClient,
  deployer: Address,
  pools: readonly ScenarioPool[],
  tokens: readonly DevnetToken[],
): Promise<void> {
  const needed = new Map<string, bigint>();
  const add = (symbol: string, amount: string) => {
    const token = tokenBySymbol(tokens, symbol);
    needed.set(symbol, (needed.get(symbol) ?? 0n) + parseUnitsExact(amount, token.decimals));
  };
  for (const pool of pools) {
    if (pool.dex === 'uniswapV3') {
      for (const position of pool.positions) {
        add(pool.pair[0], position.amounts[0]);
        add(pool.pair[1], position.amounts[1]);
      }
    } else {
      add(pool.pair[0], pool.reserves[0]);
      add(pool.pair[1], pool.reserves[1]);
    }
  }
  const wethNeeded = needed.get('WETH') ?? 0n;
  await client.setBalance({ address: deployer, value: wethNeeded + 10n ** 21n });
  if (wethNeeded > 0n) {
    await callAndConfirm(client, { from: deployer, to: mainnet.weth, abi: erc20Abi, functionName: 'deposit', value: wethNeeded, label: 'wrap WETH for pools' });
  }
  const spenders = [mainnet.uniswapV2Router02, mainnet.sushiswapRouter, mainnet.nonfungiblePositionManager];
  for (const [symbol, amount] of needed) {
    const token = tokenBySymbol(tokens, symbol);
    if (symbol !== 'WETH') {
      await callAndConfirm(client, { from: deployer, to: token.address, abi: erc20Abi, functionName: 'mint', args: [deployer, amount], label: `mint ${symbol} for pools` });
    }
    for (const spender of spenders) {
      await callAndConfirm(client, { from: deployer, to: token.address, abi: erc20Abi, functionName: 'approve', args: [spender, maxUint256], label: `approve ${symbol}` });
    }
  }
}
