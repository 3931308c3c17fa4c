/** A transaction as the watcher and `searcher decode` see it. Addresses lower-case, amounts in wei. */
export type RawTx = { hash: string; from: string; to: string | null; value: bigint; input: string };

/**
 * Where a pending transaction (or a hint of one) was seen: the node's public mempool, MEV Blocker's stream of
 * private transactions (full bodies, no signatures), or MEV-Share's stream of hints. A bundle built on it can only
 * go where its target is held: public targets to the builders, private ones back to the relay that showed them.
 */
export type OrderFlowSource = 'public' | 'mevBlocker' | 'mevShare';

export type SwapProtocol = 'uniswap-v2' | 'sushiswap' | 'uniswap-v3' | 'v2-pair' | 'v4';

/** One hop of a Uniswap V4 swap: the pool's key and id (all lower-case hex), the direction and the hook's data. */
export type V4Hop = {
  poolId: string;
  currency0: string;
  currency1: string;
  /** LP fee in hundredths of a bp, or 0x800000 (DYNAMIC_FEE_FLAG) when the hook sets it. */
  fee: number;
  tickSpacing: number;
  hooks: string;
  zeroForOne: boolean;
  hookData: string;
};

/**
 * One swap a transaction will make. For exactIn, amountIn is the specified input and amountOut the minimum
 * out; for exactOut, amountOut is the specified output and amountIn the maximum in. `path` is in travel order
 * (V3 exact-output paths are stored reversed on chain and are turned around here); `fees` has one entry per
 * hop (V3 fee in hundredths of a bp, null for V2 hops).
 */
export type SwapIntent = {
  protocol: SwapProtocol;
  router: string;
  kind: 'exactIn' | 'exactOut';
  tokenIn: string;
  tokenOut: string;
  path: string[];
  fees: Array<number | null>;
  amountIn: bigint;
  amountOut: bigint;
  recipient: string;
  deadline: bigint | null;
  /** V4 only: each hop's pool key and id, in travel order (the path's address(0) is native ETH). */
  pools?: V4Hop[];
  /**
   * V4 only: the plan left this amount open (OPEN_DELTA, or a settle of the router's CONTRACT_BALANCE) and the
   * transaction alone does not fix it. 'in': amountIn is a lower bound (earlier steps' minimum outputs); 'out':
   * amountOut is an upper bound (the debt earlier steps may leave, at their maximum inputs). 0 when nothing bounds it.
   */
  openAmount?: 'in' | 'out';
  /**
   * V4 only: the calldata sets a bound the router checks per hop besides the swap's own limit (a non-zero
   * minHopPriceX36 of the 2.1.1 layout, or maxHopSlippage entry of 2.1.0). The engine does not evaluate it (fail closed).
   */
  v4HopBound?: true;
};

export type RouterFamily = 'v2Router' | 'swapRouter' | 'swapRouter02' | 'universalRouter';

/** A router the decoders recognise, by address. V2 fork routers name their protocol (sushiswap, ...). */
export type KnownRouter = { family: RouterFamily; protocol?: SwapProtocol; version?: UniversalRouterVersion };

/**
 * UniversalRouter releases differ in what a command byte means and in V4_SWAP's parameter layout: '1' has no
 * V4_SWAP (0x10 was another command); '2' is 2.0 or 2.1.0, told apart by the encoding; '2.1.1' adds a price
 * limit to the single-hop swaps. Unset: '2'.
 */
export type UniversalRouterVersion = '1' | '2' | '2.1.1';
