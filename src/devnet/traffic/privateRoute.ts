import { concat, keccak256, numberToHex, pad, type Address, type Hash, type Hex } from 'viem';
import { SearcherError } from '../../errors.ts';
import type { PrivateFlow } from '../scenario/schema.ts';

/** Where a user's swap goes. */
export type SwapRoute = 'public' | 'mevBlocker' | 'mevShare';

/**
 * A private order-flow endpoint the traffic hands a user's signed transaction to, instead of the public mempool
 * (the MEV Blocker relay, the MEV-Share relay). It returns the transaction's hash once it holds the transaction.
 */
export interface PrivateSink {
  readonly name: Exclude<SwapRoute, 'public'>;
  submit(raw: Hex): Promise<Hash>;
}

export class PrivateRouteError extends SearcherError {}

/**
 * A uniform draw in [0, 1) fixed by the scenario's seed, the sender and the nonce: the same swap takes the same
 * route on every run, whatever order the traffic's concurrent sends complete in, and the public flow's own
 * random stream is left untouched.
 */
export function privateRouteDraw(seed: number, sender: Address, nonce: number): number {
  const digest = keccak256(concat([pad(numberToHex(seed >>> 0), { size: 4 }), sender.toLowerCase() as Hex, pad(numberToHex(nonce), { size: 8 })]));
  // 52 bits: exactly representable in a double.
  return Number(BigInt(digest) >> 204n) / 2 ** 52;
}

/** Chooses public / MEV Blocker / MEV-Share for each swap by the scenario's shares. */
export class PrivateRouter {
  constructor(
    private readonly seed: number,
    private readonly flow: PrivateFlow | null | undefined,
    private readonly sinks: Partial<Record<Exclude<SwapRoute, 'public'>, PrivateSink>>,
  ) {
    // Fail closed: a share with no relay behind it would silently turn private users public.
    if (flow && flow.mevBlockerShare > 0 && !sinks.mevBlocker) throw new PrivateRouteError('PRIVATE_ROUTE', 'privateFlow.mevBlockerShare > 0 but no MEV Blocker relay is running');
    if (flow && flow.mevShareShare > 0 && !sinks.mevShare) throw new PrivateRouteError('PRIVATE_ROUTE', 'privateFlow.mevShareShare > 0 but no MEV-Share relay is running');
  }

  route(sender: Address, nonce: number): SwapRoute {
    const flow = this.flow;
    if (!flow || flow.mevBlockerShare + flow.mevShareShare === 0) return 'public';
    const draw = privateRouteDraw(this.seed, sender, nonce);
    if (draw < flow.mevBlockerShare) return 'mevBlocker';
    if (draw < flow.mevBlockerShare + flow.mevShareShare) return 'mevShare';
    return 'public';
  }

  sink(route: SwapRoute): PrivateSink | undefined {
    return route === 'public' ? undefined : this.sinks[route];
  }
}
