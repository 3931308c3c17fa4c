/** A transaction as the watcher and `searcher decode` see it. Addresses lower-case, amounts in wei. */
export type RawTx = { hash: string; from: string; to: string | null; value: bigint; input: string };

/**
 * Where a pending transaction (or a hint of one) was seen: the node's public mempool, MEV Blocker's stream of
 * private transactions (full bodies, no signatures), or MEV-Share's stream of hints. A bundle built on it can only
 * go where its target is held: public targets to the builders, private ones back to the relay that showed them.
 */
export type OrderFlowSource = 'public' | 'mevBlocker' | 'mevShare';

export type SwapProtocol = 'uniswap-v2' | 'sushiswap' | 'uniswap-v3' | 'v2-pair';

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
};

export type RouterFamily = 'v2Router' | 'swapRouter' | 'swapRouter02' | 'universalRouter';

/** A router the decoders recognise, by address. V2 fork routers name their protocol (sushiswap, ...). */
export type KnownRouter = { family: RouterFamily; protocol?: SwapProtocol };
