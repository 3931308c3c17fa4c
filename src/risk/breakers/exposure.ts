import { exposureCaps, type RiskConfig } from '../config.ts';
import type { BreakerStatus, BundleProposal, Refusal } from '../types.ts';
import { refuse, type Breaker } from './breaker.ts';

/** Exposure: the largest input one plan may take from inventory, and the largest flash borrow. */
export class ExposureBreaker implements Breaker {
  readonly name = 'exposure';
  private last = { inventory: 0n, flash: 0n };

  constructor(private readonly config: RiskConfig) {}

  check(proposal: BundleProposal): Refusal | undefined {
    const caps = exposureCaps(this.config, proposal.startToken);
    const cap = proposal.flash ? caps.maxFlashAmount : caps.maxInventoryAmountIn;
    this.last[proposal.flash ? 'flash' : 'inventory'] = proposal.amountIn;
    if (proposal.amountIn <= cap) return undefined;
    return refuse('exposure', `${proposal.flash ? 'flash amount' : 'inventory amountIn'} ${proposal.amountIn} of ${proposal.startToken} is above the cap ${cap}`);
  }

  tick(): void {}

  status(): BreakerStatus[] {
    return [
      { breaker: 'exposure', limit: 'inventoryAmountIn', state: 'ok', threshold: String(this.config.exposure.maxInventoryAmountIn), current: String(this.last.inventory) },
      { breaker: 'exposure', limit: 'flashAmount', state: 'ok', threshold: String(this.config.exposure.maxFlashAmount), current: String(this.last.flash) },
    ];
  }
}
