import type { Address, Hex, PublicClient } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { SearcherError } from '../errors.ts';
import type { Logger } from '../log.ts';

export class TreasuryError extends SearcherError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TREASURY', message, options);
  }
}

/** The gas money rules (config `treasury`): all wei. */
export type TreasuryPolicy = {
  /** An operator below this is topped up (or, when that is not possible, stops sending). */
  minBalanceWei: bigint;
  /** A top-up brings it to this... */
  topUpToWei: bigint;
  /** ...but sends at most this at once... */
  maxPerTopUpWei: bigint;
  /** ...and at most this per UTC day, over all operators. */
  maxPerDayWei: bigint;
};

/**
 * What one operator gets (pure): nothing when it holds at least the minimum; else what brings it to the target,
 * within the per top-up cap and what is left of the day's. A top-up that would leave it below the minimum all the
 * same is not sent: the operator is stopped instead (sending unfunded, its bundles would be refused or worse).
 */
export function topUpFor(balance: bigint, policy: TreasuryPolicy, spentToday: bigint): { amount: bigint } | { amount: 0n; stop?: string } {
  if (balance >= policy.minBalanceWei) return { amount: 0n };
  const wanted = policy.topUpToWei - balance;
  const left = policy.maxPerDayWei > spentToday ? policy.maxPerDayWei - spentToday : 0n;
  const amount = [wanted, policy.maxPerTopUpWei, left].reduce((min, value) => (value < min ? value : min));
  if (balance + amount < policy.minBalanceWei) return { amount: 0n, stop: `holds ${balance} wei, below the minimum ${policy.minBalanceWei} wei, and the caps allow a top-up of ${amount} wei only (${spentToday} of ${policy.maxPerDayWei} wei spent today)` };
  return { amount };
}

export type TopUpRecord = { at: number; operator: Address; amountWei: string; txHash?: Hex; status: 'sent' | 'landed' | 'failed' | 'stopped'; detail?: string };
type Persisted = { day: string; spentWei: string; topUps: TopUpRecord[] };

export type TreasuryParameters = {
  client: PublicClient;
  chainId: number;
  /** Pays the top-ups (a plain transfer from it). */
  funder: LocalAccount;
  policy: TreasuryPolicy;
  /** The operators it keeps funded, each with what stops its sending (fail closed). */
  operators: ReadonlyArray<{ account: LocalAccount; stop: (reason: string) => void }>;
  /** Where the day's spend and the top-ups persist (the store's key-value rows). */
  load: () => string | undefined;
  save: (json: string) => void;
  logger: Logger;
  /** The wall clock (ms): the daily cap is per UTC day. */
  now?: () => number;
};

/**
 * Keeps each extra operator's gas money above a minimum from a funding account, within a cap per top-up and per
 * day; every top-up recorded (store and log). A top-up that fails, or that the caps do not allow, stops that
 * operator's sending rather than letting it send unfunded.
 */
export class Treasury {
  private readonly stopped = new Set<string>();

  constructor(private readonly parameters: TreasuryParameters) {}

  /**
   * Checks every operator once and tops up those below the minimum, one after another, each waited for on chain.
   * With `send` false (the funder is the main operator while it trades: a transfer would take a nonce its bundles
   * count on), one below the minimum is stopped instead.
   */
  async topUpAll(options: { send: boolean } = { send: true }): Promise<void> {
    for (const operator of this.parameters.operators) {
      if (this.stopped.has(operator.account.address.toLowerCase())) continue;
      if (!options.send) {
        const balance = await this.parameters.client.getBalance({ address: operator.account.address, blockTag: 'latest' }).catch(() => undefined);
        if (balance === undefined || balance < this.parameters.policy.minBalanceWei) this.stop(operator, balance === undefined ? 'its balance cannot be read' : `holds ${balance} wei, below the minimum ${this.parameters.policy.minBalanceWei} wei; top-ups from the main operator run at start only (set treasury.keyEnv to fund operators while trading)`);
        continue;
      }
      await this.topUp(operator).catch((error: Error) => this.stop(operator, `top-up failed: ${error.message.split('\n')[0]}`));
    }
  }

  /** The top-ups so far (newest last) and today's spend, as stored. */
  record(): Persisted {
    return this.read();
  }

  private async topUp(operator: TreasuryParameters['operators'][number]): Promise<void> {
    const { client, funder, policy, logger, chainId } = this.parameters;
    const balance = await client.getBalance({ address: operator.account.address, blockTag: 'latest' });
    const state = this.read();
    const plan = topUpFor(balance, policy, BigInt(state.spentWei));
    if (plan.amount === 0n) {
      if ('stop' in plan && plan.stop) this.stop(operator, plan.stop);
      return;
    }
    // Counted against the day's cap before it is sent: a top-up whose fate is unknown is spent.
    const record: TopUpRecord = { at: this.now(), operator: operator.account.address, amountWei: String(plan.amount), status: 'sent' };
    this.write({ ...state, spentWei: String(BigInt(state.spentWei) + plan.amount), topUps: [...state.topUps, record].slice(-200) });
    const nonce = await client.getTransactionCount({ address: funder.address, blockTag: 'pending' });
    const fees = await client.estimateFeesPerGas();
    const raw = await funder.signTransaction!({ type: 'eip1559', chainId, to: operator.account.address, value: plan.amount, gas: 21_000n, nonce, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas });
    let hash: Hex;
    try {
      hash = await client.sendRawTransaction({ serializedTransaction: raw });
    } catch (cause) {
      throw new TreasuryError(`the transfer of ${plan.amount} wei from ${funder.address} was refused by the node`, { cause });
    }
    this.update(record, { txHash: hash });
    logger.info({ operator: operator.account.address, amountWei: String(plan.amount), balanceWei: String(balance), txHash: hash }, 'treasury: topping up an operator');
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 120_000 });
    if (receipt.status !== 'success') throw new TreasuryError(`the transfer ${hash} reverted`);
    this.update(record, { status: 'landed' });
  }

  private stop(operator: TreasuryParameters['operators'][number], reason: string): void {
    const address = operator.account.address;
    this.stopped.add(address.toLowerCase());
    const state = this.read();
    const pending = [...state.topUps].reverse().find((entry) => entry.operator === address && entry.status === 'sent');
    if (pending) this.update(pending, { status: 'failed', detail: reason });
    else this.write({ ...state, topUps: [...state.topUps, { at: this.now(), operator: address, amountWei: '0', status: 'stopped' as const, detail: reason }].slice(-200) });
    operator.stop(`treasury: operator ${address} ${reason}`);
    this.parameters.logger.error({ operator: address, reason }, 'treasury: operator stopped (no gas money)');
  }

  private update(record: TopUpRecord, change: Partial<TopUpRecord>): void {
    const state = this.read();
    const topUps = state.topUps.map((entry) => (entry.at === record.at && entry.operator === record.operator && entry.amountWei === record.amountWei ? { ...entry, ...change } : entry));
    this.write({ ...state, topUps });
  }

  private now(): number {
    return (this.parameters.now ?? Date.now)();
  }

  /** The stored state for today (a new UTC day starts from nothing spent). */
  private read(): Persisted {
    const day = new Date(this.now()).toISOString().slice(0, 10);
    const json = this.parameters.load();
    const state = json ? (JSON.parse(json) as Persisted) : undefined;
    if (!state) return { day, spentWei: '0', topUps: [] };
    return state.day === day ? state : { day, spentWei: '0', topUps: state.topUps };
  }

  private write(state: Persisted): void {
    this.parameters.save(JSON.stringify(state));
  }
}
