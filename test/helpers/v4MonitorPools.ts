import { getAddress, zeroAddress, type Address, type Hash, type Hex } from 'viem';
import { mainnet, mainnetTokens, mainnetV4 } from '../../src/chain/addresses.ts';
import { DYNAMIC_FEE_FLAG, hookFlags, v4PoolId, type V4PoolKey } from '../../src/amm/v4/poolKey.ts';
import type { CandidateReport } from '../../src/monitor/candidateReport.ts';
import type { V2Pair, V3Pool, V4Pool } from '../../src/state/types.ts';

/**
 * Pools of the three protocols as the market holds them (the real types), for the monitor's V4 tests: scenarios/v4.json's
 * ETH/USDC pools (native ETH as currency0, fee 3000 on tick spacing 60; the dynamic-fee hook pool, also on 60) with ids
 * from v4-core's own hashing (v4PoolId), beside a V2 WETH/USDC pair and a V3 WETH/USDC 0.05% pool.
 */

const usdc = mainnetTokens.USDC!;
/** A hook address whose low bits grant beforeSwap and afterInitialize (what a dynamic-fee hook asks for). */
export const dynamicHook = getAddress(`0x${'11'.repeat(18)}${(hookFlags.beforeSwap | hookFlags.afterInitialize).toString(16).padStart(4, '0')}`);

const state = { sqrtPriceX96: 4339505179874779489431521n, tick: -196257, liquidity: 10n ** 18n, ticks: [], liquidityNet: [], liquidityGross: [], lpFee: 3000, protocolFee: 0 };

function v4Pool(key: V4PoolKey, simulateOnly: boolean): V4Pool {
  const id = v4PoolId(key);
  return { kind: 'v4', address: id, poolId: id, key, poolManager: mainnetV4.poolManager, token0: key.currency0, token1: key.currency1, simulateOnly, venue: 'uniswapV4', ...state, fee: key.fee, tickSpacing: key.tickSpacing };
}

export const v4EthUsdc = v4Pool({ currency0: zeroAddress, currency1: usdc, fee: 3000, tickSpacing: 60, hooks: zeroAddress }, false);
export const v4DynamicEthUsdc = v4Pool({ currency0: zeroAddress, currency1: usdc, fee: DYNAMIC_FEE_FLAG, tickSpacing: 60, hooks: dynamicHook }, true);

export const v2WethUsdc: V2Pair = {
  kind: 'v2',
  address: getAddress('0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc'),
  token0: usdc,
  token1: mainnet.weth,
  reserve0: 6_000_000n * 10n ** 6n,
  reserve1: 2_000n * 10n ** 18n,
  feeBps: 30n,
  venue: 'uniswapV2',
  factory: mainnet.uniswapV2Factory,
};

export const v3WethUsdc: V3Pool = {
  kind: 'v3',
  address: getAddress('0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640'),
  token0: usdc,
  token1: mainnet.weth,
  venue: 'uniswapV3',
  factory: mainnet.uniswapV3Factory,
  ...state,
  fee: 500,
  tickSpacing: 10,
};

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hash;

/** A candidate the engine reports (decision.ts's shape): its path is its pools' market keys, a V4 pool's id among them. */
export function candidate(uuid: string | null, n: number, path: ReadonlyArray<{ address: Address | Hex }>, netWei: bigint): CandidateReport {
  return {
    block: BigInt(100 + n),
    victim: hash(n),
    path: path.map((pool) => pool.address),
    amountIn: 10n ** 18n,
    grossProfitWei: netWei * 2n,
    gasCostWei: netWei / 2n,
    bribeWei: netWei / 2n,
    netProfitWei: netWei,
    simulatedNetProfitWei: netWei,
    simulatedGainWei: netWei + netWei / 2n,
    decision: uuid ? 'send' : 'reject',
    reason: uuid ? 'simulated gain equals the prediction' : 'below the minimum profit',
    ...(uuid ? { bundle: { uuid, ourTxHash: hash(1000 + n) }, bidShareBps: 5000 } : {}),
    firstSeenMs: 0,
    latencyUs: { decode: 10, search: 20, simulate: 30, send: 40, total: 100 },
  };
}
