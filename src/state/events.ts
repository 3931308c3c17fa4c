import { decodeEventLog, keccak256, parseAbi, toHex, type Address, type Hex, type Log } from 'viem';

/** The pool events that change what a swap sees. V2 Swap is ignored: the Sync that follows carries reserves. */
export const poolEventsAbi = parseAbi([
  'event Sync(uint112 reserve0, uint112 reserve1)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
  'event Mint(address sender, address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
  'event Burn(address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
]);

export type PoolEvent =
  | { kind: 'sync'; reserve0: bigint; reserve1: bigint }
  | { kind: 'v3swap'; sqrtPriceX96: bigint; liquidity: bigint; tick: number }
  | { kind: 'v3mint' | 'v3burn'; tickLower: number; tickUpper: number; amount: bigint };

export type PoolLog = { address: Address; event: PoolEvent; blockNumber: bigint; blockHash: Hex; logIndex: number; removed: boolean };

/** Decodes a raw log into a pool event, or undefined for logs that do not move pool state. */
export function decodePoolLog(log: Log): PoolLog | undefined {
  let decoded;
  try {
    decoded = decodeEventLog({ abi: poolEventsAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]], strict: true });
  } catch {
    return undefined;
  }
  let event: PoolEvent;
  switch (decoded.eventName) {
    case 'Sync':
      event = { kind: 'sync', reserve0: decoded.args.reserve0, reserve1: decoded.args.reserve1 };
      break;
    case 'Swap':
      event = { kind: 'v3swap', sqrtPriceX96: decoded.args.sqrtPriceX96, liquidity: decoded.args.liquidity, tick: decoded.args.tick };
      break;
    case 'Mint':
    case 'Burn':
      event = {
        kind: decoded.eventName === 'Mint' ? 'v3mint' : 'v3burn',
        tickLower: decoded.args.tickLower,
        tickUpper: decoded.args.tickUpper,
        amount: decoded.args.amount,
      };
      break;
  }
  return {
    address: log.address,
    event,
    blockNumber: log.blockNumber ?? 0n,
    blockHash: log.blockHash ?? '0x',
    logIndex: log.logIndex ?? 0,
    removed: log.removed ?? false,
  };
}

/** topic0 of every event that changes a pool's state (V2 Sync; V3 Swap, Mint, Burn). */
export const poolStateTopics: readonly Hex[] = ['Sync(uint112,uint112)', 'Swap(address,address,int256,int256,uint160,uint128,int24)', 'Mint(address,address,int24,int24,uint128,uint256,uint256)', 'Burn(address,int24,int24,uint128,uint256,uint256)'].map(
  (signature) => keccak256(toHex(signature)),
);
