/**
 * Builds a scenario's V4 pools in the real PoolManager: hooks placed at flag-carrying addresses, the pool
 * initialized at its price, then each position added through v4-core's PoolModifyLiquidityTest router (it
 * settles what the PoolManager asks: tokens by transferFrom, native ETH by value, the excess refunded).
 */
import { encodeDeployData, maxUint256, parseAbi, zeroAddress, type Address, type Hex } from 'viem';
import { mainnet, mainnetV4 } from '../../chain/addresses.ts';
import { DYNAMIC_FEE_FLAG, NATIVE_CURRENCY, v4PoolId, type V4PoolKey } from '../../amm/v4/poolKey.ts';
import { getAmount0Delta, getAmount1Delta } from '../../amm/v3/sqrtPriceMath.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio } from '../../amm/v3/tickMath.ts';
import { callAndConfirm, sendAndConfirm, type DevnetClient } from '../client.ts';
import { PlacementError } from '../place.ts';
import { positionTicks, sqrtPriceX96ForPrice } from '../seed/pools.ts';
import type { ScenarioV4Pool } from '../scenario/v4Schema.ts';
import { erc20Abi, tokenBySymbol, type DevnetToken } from '../tokens.ts';
import { v4Artifact } from './artifacts.ts';
import { placeHook } from './hooks.ts';

/** A V4 pool as the manifest lists it. */
export type DevnetV4Pool = {
  index: number;
  poolId: Hex;
  key: V4PoolKey;
  /** Symbols in the scenario's order ("ETH" = native). */
  pair: [string, string];
  hook: ScenarioV4Pool['hook'];
  sqrtPriceX96: string;
  positions: Array<{ tickLower: number; tickUpper: number; liquidity: string }>;
};

export const v4PoolManagerAbi = parseAbi([
  'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }',
  'function initialize(PoolKey key, uint160 sqrtPriceX96) returns (int24 tick)',
  'event Initialize(bytes32 indexed id, address indexed currency0, address indexed currency1, uint24 fee, int24 tickSpacing, address hooks, uint160 sqrtPriceX96, int24 tick)',
]);
const modifyLiquidityAbi = parseAbi([
  'struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }',
  'struct ModifyLiquidityParams { int24 tickLower; int24 tickUpper; int256 liquidityDelta; bytes32 salt; }',
  'function modifyLiquidity(PoolKey key, ModifyLiquidityParams params, bytes hookData) payable returns (int256 delta)',
]);

const nativeEth: DevnetToken = { symbol: 'ETH', name: 'Ether', address: zeroAddress, decimals: 18, kind: 'weth' };
const currencyOf = (tokens: readonly DevnetToken[], symbol: string) => (symbol === 'ETH' ? nativeEth : tokenBySymbol(tokens, symbol));

/** What Pool.modifyLiquidity charges for adding `liquidity` in [lower, upper) at this price (rounded up, as it does). */
export function amountsForLiquidity(sqrtPriceX96: bigint, tickLower: number, tickUpper: number, liquidity: bigint): [bigint, bigint] {
  const tick = getTickAtSqrtRatio(sqrtPriceX96);
  const [lower, upper] = [getSqrtRatioAtTick(tickLower), getSqrtRatioAtTick(tickUpper)];
  if (tick < tickLower) return [getAmount0Delta(lower, upper, liquidity, true), 0n];
  if (tick < tickUpper) return [getAmount0Delta(sqrtPriceX96, upper, liquidity, true), getAmount1Delta(lower, sqrtPriceX96, liquidity, true)];
  return [0n, getAmount1Delta(lower, upper, liquidity, true)];
}

/** Deploys v4-core's liquidity router (an ordinary address: only the devnet's setup uses it). */
export async function deployLiquidityRouter(client: DevnetClient, deployer: Address): Promise<Address> {
  const artifact = v4Artifact('@uniswap/v4-core/out', 'PoolModifyLiquidityTest');
  const receipt = await sendAndConfirm(client, {
    from: deployer,
    data: encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args: [mainnetV4.poolManager] }),
    label: 'deploy PoolModifyLiquidityTest',
  });
  if (!receipt.contractAddress) throw new PlacementError('PLACEMENT', 'deploy PoolModifyLiquidityTest: no contract address');
  return receipt.contractAddress;
}

export async function createV4Pools(
  client: DevnetClient,
  deployer: Address,
  pools: readonly ScenarioV4Pool[],
  tokens: readonly DevnetToken[],
): Promise<{ pools: DevnetV4Pool[]; liquidityRouter: Address }> {
  const liquidityRouter = await deployLiquidityRouter(client, deployer);
  const approved = new Set<Address>();
  const created: DevnetV4Pool[] = [];
  for (const [index, pool] of pools.entries()) {
    const [a, b] = [currencyOf(tokens, pool.pair[0]), currencyOf(tokens, pool.pair[1])];
    const [c0, c1] = BigInt(a.address) < BigInt(b.address) ? [a, b] : [b, a];
    const label = `V4 pool ${index} (${pool.pair.join('/')} ${pool.fee}/${pool.tickSpacing} ${pool.hook})`;
    let hooks: Address = zeroAddress;
    if (pool.hook === 'dynamicFee') hooks = (await placeHook(client, deployer, 'dynamicFee', index, BigInt(pool.fee))).address;
    if (pool.hook === 'deltaReturning') hooks = (await placeHook(client, deployer, 'deltaReturning', index, BigInt(pool.afterSwapDelta ?? '1000'))).address;
    const key: V4PoolKey = { currency0: c0.address, currency1: c1.address, fee: pool.hook === 'dynamicFee' ? DYNAMIC_FEE_FLAG : pool.fee, tickSpacing: pool.tickSpacing, hooks };
    const sqrtPriceX96 = sqrtPriceX96ForPrice(a, b, pool.price);
    await callAndConfirm(client, { from: deployer, to: mainnetV4.poolManager, abi: v4PoolManagerAbi, functionName: 'initialize', args: [key, sqrtPriceX96], label: `${label}: initialize` });
    const positions: DevnetV4Pool['positions'] = [];
    for (const [p, position] of pool.positions.entries()) {
      const [tickLower, tickUpper] = positionTicks(position.range, a, b, pool.tickSpacing);
      const liquidity = BigInt(position.liquidity);
      const [amount0, amount1] = amountsForLiquidity(sqrtPriceX96, tickLower, tickUpper, liquidity);
      for (const [currency, amount] of [[c0, amount0], [c1, amount1]] as const) {
        if (currency.address === NATIVE_CURRENCY || amount === 0n) continue;
        if (currency.address === mainnet.weth) {
          await client.setBalance({ address: deployer, value: (await client.getBalance({ address: deployer })) + amount });
          await callAndConfirm(client, { from: deployer, to: mainnet.weth, abi: erc20Abi, functionName: 'deposit', value: amount, label: `${label}: wrap WETH` });
        } else {
          await callAndConfirm(client, { from: deployer, to: currency.address, abi: erc20Abi, functionName: 'mint', args: [deployer, amount], label: `${label}: mint ${currency.symbol}` });
        }
        if (!approved.has(currency.address)) {
          await callAndConfirm(client, { from: deployer, to: currency.address, abi: erc20Abi, functionName: 'approve', args: [liquidityRouter, maxUint256], label: `approve ${currency.symbol} for V4 liquidity` });
          approved.add(currency.address);
        }
      }
      const value = c0.address === NATIVE_CURRENCY ? amount0 : 0n;
      if (value > 0n) await client.setBalance({ address: deployer, value: (await client.getBalance({ address: deployer })) + value });
      await callAndConfirm(client, {
        from: deployer,
        to: liquidityRouter,
        abi: modifyLiquidityAbi,
        functionName: 'modifyLiquidity',
        args: [key, { tickLower, tickUpper, liquidityDelta: liquidity, salt: `0x${p.toString(16).padStart(64, '0')}` }, '0x'],
        value,
        label: `${label}: position ${p}`,
      });
      positions.push({ tickLower, tickUpper, liquidity: position.liquidity });
    }
    created.push({ index, poolId: v4PoolId(key), key, pair: [pool.pair[0], pool.pair[1]], hook: pool.hook, sqrtPriceX96: String(sqrtPriceX96), positions });
  }
  return { pools: created, liquidityRouter };
}
