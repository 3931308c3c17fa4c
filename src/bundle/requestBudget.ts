/**
 * A builder's documented request rate, kept on our side (a token bucket): up to `perSecond` requests in any second,
 * refilled continuously. A builder over its limit answers 429 or bans the IP for a while, and a ban costs every
 * bundle after it; holding back one send costs one.
 */
export class RequestBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    if (!(perSecond > 0)) throw new RangeError(`a request budget needs a positive rate (got ${perSecond})`);
    this.tokens = Math.max(1, perSecond);
    this.last = now();
  }

  /** Spends one request if the budget has one; false (nothing spent) when it is used up for now. */
  take(): boolean {
    const at = this.now();
    const capacity = Math.max(1, this.perSecond);
    this.tokens = Math.min(capacity, this.tokens + ((at - this.last) / 1000) * this.perSecond);
    this.last = at;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get rate(): number {
    return this.perSecond;
  }
}
