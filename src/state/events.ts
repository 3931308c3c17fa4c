import { decodeEventLog, keccak256, parseAbi, toHex, type Address, type Hex, type Log } from 'viem';

/** The pool events that change what a swap sees. V2 Swap is ignored: the Sync that follows carries reserves. */
export const poolEventsAbi = parseAbi([
  'event Sync(uint112 reserve0, uint112 reserve1)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
  'event Mint(address sender, address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
  'event Burn(address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
]);

/** The PoolManager's events that change what a V4 swap sees (Donate only moves fee growth). */
export const v4PoolEventsAbi = parseAbi([
  'event Swap(bytes32 indexed id, address indexed sender, int128 amount0, int128 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint24 fee)',
  'event ModifyLiquidity(bytes32 indexed id, address indexed sender, int24 tickLower, int24 tickUpper, int256 liquidityDelta, bytes32 salt)',
  'event ProtocolFeeUpdated(bytes32 indexed id, uint24 protocolFee)',
]);

export type PoolEvent =
  | { kind: 'sync'; reserve0: bigint; reserve1: bigint }
  | { kind: 'v3swap'; sqrtPriceX96: bigint; liquidity: bigint; tick: number }
  | { kind: 'v3mint' | 'v3burn'; tickLower: number; tickUpper: number; amount: bigint }
  | { kind: 'v4swap'; sqrtPriceX96: bigint; liquidity: bigint; tick: number }
  | { kind: 'v4modify'; tickLower: number; tickUpper: number; liquidityDelta: bigint }
  | { kind: 'v4protocolFee'; protocolFee: number }
  /** Not a log: slot0's lpFee read at the block (a dynamic-fee hook sets it with no event), journaled like one. */
  | { kind: 'v4fee'; lpFee: number };

/** `address`: the pool the event moves (for V4, its pool id: the PoolManager emits for every pool). */
export type PoolLog = { address: Address; event: PoolEvent; blockNumber: bigint; blockHash: Hex; logIndex: number; removed: boolean };

const v4Topics = new Set(
  ['Swap(bytes32,address,int128,int128,uint160,uint128,int24,uint24)', 'ModifyLiquidity(bytes32,address,int24,int24,int256,bytes32)', 'ProtocolFeeUpdated(bytes32,uint24)'].map((signature) =>
    keccak256(toHex(signature)),
  ),
);

/** The pool a state log moves: its emitter, or for a PoolManager event the pool id in topic1 (lowercase). */
export function stateLogKey(log: Pick<Log, 'address' | 'topics'>): string {
  const topic0 = log.topics[0];
  return topic0 !== undefined && v4Topics.has(topic0) && log.topics[1] ? log.topics[1].toLowerCase() : log.address.toLowerCase();
}

function decodeV4Log(log: Log): PoolLog | undefined {
  let decoded;
  try {
    decoded = decodeEventLog({ abi: v4PoolEventsAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]], strict: true });
  } catch {
    return undefined;
  }
  let event: PoolEvent;
  switch (decoded.eventName) {
    case 'Swap':
      event = { kind: 'v4swap', sqrtPriceX96: decoded.args.sqrtPriceX96, liquidity: decoded.args.liquidity, tick: decoded.args.tick };
      break;
    case 'ModifyLiquidity':
      event = { kind: 'v4modify', tickLower: decoded.args.tickLower, tickUpper: decoded.args.tickUpper, liquidityDelta: decoded.args.liquidityDelta };
      break;
    case 'ProtocolFeeUpdated':
      event = { kind: 'v4protocolFee', protocolFee: decoded.args.protocolFee };
      break;
  }
  return {
    address: decoded.args.id.toLowerCase() as Hex,
    event,
    blockNumber: log.blockNumber ?? 0n,
    blockHash: log.blockHash ?? '0x',
    logIndex: log.logIndex ?? 0,
    removed: log.removed ?? false,
  };
}

/**
 * Decodes a raw log into a pool event, or undefined for logs that do not move pool state. A V4 event counts only
 * from a PoolManager in `v4Managers` (lowercase): anyone can emit a log shaped like one, naming any pool id.
 */
export function decodePoolLog(log: Log, v4Managers?: ReadonlySet<string>): PoolLog | undefined {
  if (log.topics[0] !== undefined && v4Topics.has(log.topics[0])) return v4Managers?.has(log.address.toLowerCase()) ? decodeV4Log(log) : undefined;
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

/** topic0 of every event that changes a pool's state (V2 Sync; V3 Swap, Mint, Burn; V4 Swap, ModifyLiquidity, ProtocolFeeUpdated). */
export const poolStateTopics: readonly Hex[] = [
  ...['Sync(uint112,uint112)', 'Swap(address,address,int256,int256,uint160,uint128,int24)', 'Mint(address,address,int24,int24,uint128,uint256,uint256)', 'Burn(address,int24,int24,uint128,uint256,uint256)'].map((signature) =>
    keccak256(toHex(signature)),
  ),
  ...v4Topics,
];
