import type { SwapIntent, SwapProtocol } from '../types.ts';

/** Recipient placeholders of SwapRouter02 and UniversalRouter. */
export const MSG_SENDER = '0x0000000000000000000000000000000000000001';
export const ADDRESS_THIS = '0x0000000000000000000000000000000000000002';
export const ZERO = '0x0000000000000000000000000000000000000000';
/** The V4 PoolManager (mainnet and devnet): a V4 swap's output that nobody takes stays there as credit. */
export const V4_POOL_MANAGER = '0x000000000004444c5dc75cb358380d2e3de08a90';

export type DecodeContext = { from: string; router: string; value: bigint; deadline: bigint | null };

/** A recipient as the router will resolve it: MSG_SENDER is the caller, ADDRESS_THIS the router. */
export function mapRecipient(recipient: string, context: DecodeContext): string {
  return recipient === MSG_SENDER ? context.from : recipient === ADDRESS_THIS ? context.router : recipient;
}

export function intent(
  protocol: SwapProtocol,
  context: DecodeContext,
  kind: SwapIntent['kind'],
  path: string[],
  fees: Array<number | null>,
  amountIn: bigint,
  amountOut: bigint,
  recipient: string,
  deadline: bigint | null = context.deadline,
): SwapIntent {
  return {
    protocol,
    router: context.router,
    kind,
    tokenIn: path[0]!,
    tokenOut: path[path.length - 1]!,
    path,
    fees,
    amountIn,
    amountOut,
    recipient: mapRecipient(recipient, context),
    deadline,
  };
}

/** Swaps that leave their output in the router, then an unwrap or sweep sends it on: report the final recipient. */
export function resolveForwardedRecipients(swaps: SwapIntent[], forwardedTo: string | undefined, router: string): void {
  if (!forwardedTo) return;
  for (const swap of swaps) if (swap.recipient === router || swap.recipient === ZERO) swap.recipient = forwardedTo;
}
