import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address, Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccount } from '../../src/devnet/accounts.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { createDevnetClient } from '../../src/devnet/client.ts';
import { createLogger } from '../../src/log.ts';
import type { ReceiptReader } from '../../src/monitor/accounting.ts';
import { Ledger } from '../../src/monitor/ledger.ts';
import { Store, StoreError } from '../../src/monitor/store.ts';
import { parseRiskConfig } from '../../src/risk/config.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import { parseSnapshot } from '../../src/risk/snapshot.ts';
import type { BundleProposal } from '../../src/risk/types.ts';

const chainId = 31_337;
const executor: Address = '0x00000000000000000000000000000000000e0ec0';
const dir = mkdtempSync(join(tmpdir(), 'ledger-loss-'));
const logger = createLogger('test');
let anvil: Anvil;
let client: ReturnType<typeof createDevnetClient>;

beforeAll(async () => {
  anvil = await startAnvil({ port: 0, chainId, accounts: 2 });
  client = createDevnetClient(anvil.rpcUrl, chainId);
  // An "executor" that always reverts: our transaction lands and burns its gas, the loss a bad bundle makes.
  await client.setCode({ address: executor, bytecode: '0x60006000fd' });
});
afterAll(async () => {
  await anvil?.stop();
});

/** Our transaction, landed and reverted on the real chain; the loss is measured as the sender's balance change. */
async function landedLoss(): Promise<{ hash: Hash; lossWei: bigint; block: { number: bigint; hash: Hash; timestamp: bigint; baseFeePerGas: bigint } }> {
  const account = devAccount(1);
  const before = await client.getBalance({ address: account.address });
  const hash = await client.sendTransaction({ account, to: executor, data: '0x01', gas: 100_000n, maxPriorityFeePerGas: 40_000_000_000n, maxFeePerGas: 100_000_000_000n, chain: null });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  expect(receipt.status).toBe('reverted');
  const after = await client.getBalance({ address: account.address });
  const block = await client.getBlock({ blockNumber: receipt.blockNumber });
  return { hash, lossWei: before - after, block: { number: block.number, hash: block.hash, timestamp: block.timestamp, baseFeePerGas: block.baseFeePerGas ?? 0n } };
}

const proposal = (overrides: Partial<BundleProposal> = {}): BundleProposal => ({ targetBlock: 2n, gasLimit: 100_000n, maxGasCostWei: 100_000n * 100_000_000_000n, pools: [], startToken: mainnet.weth, amountIn: 10n ** 18n, flash: false, ...overrides });

function lossCurrent(gate: RiskGate, limit: 'perHour' | 'perDay'): bigint {
  const status = gate.status().breakers.find((breaker) => breaker.breaker === 'loss' && breaker.limit === limit);
  expect(status).toBeDefined();
  return BigInt(status!.current);
}

describe('losses always reach the loss breaker', () => {
  it('a store that throws on write does not hide a landed loss: the gate counts it and the loss breaker trips', async () => {
    const { hash, lossWei, block } = await landedLoss();
    expect(lossWei).toBeGreaterThan(0n);
    const store = Store.open(join(dir, 'full.db'));
    store.recordInclusion = () => {
      throw new StoreError('STORE', 'cannot record the inclusion: database or disk is full');
    };
    const gate = new RiskGate({ config: parseRiskConfig(), logger });
    gate.setEquity(lossWei * 50n); // hourly cap 1% of equity = half the loss
    gate.onHead({ number: block.number });
    gate.onBundleSent('bundle-1', proposal({ targetBlock: block.number }));
    const ledger = new Ledger({ store, risk: gate, client: client as unknown as ReceiptReader, executor, startToken: mainnet.weth, logger });
    ledger.included({ uuid: 'bundle-1', key: 'k', block: block.number, ourHash: hash });
    await ledger.settled();
    expect(lossCurrent(gate, 'perHour')).toBe(lossWei); // to the wei, as the chain measured it
    expect(gate.halted).toMatchObject({ breaker: 'loss' });
    expect(gate.check(proposal({ targetBlock: block.number + 1n }))).toMatchObject({ ok: false, breaker: 'loss', reason: expect.stringMatching(/^halted since/) });
    store.close();
  });

  it('a receipt that cannot be read counts at its worst case (max gas + amount in) until it is read; then the real loss replaces it', async () => {
    const { hash, lossWei, block } = await landedLoss();
    const store = Store.open(join(dir, 'receipt.db'));
    store.recordBundle({ id: 'bundle-2', targetBlock: block.number, ourTxHash: hash, txHashes: [hash], predictedNetWei: 1n });
    const gate = new RiskGate({ config: parseRiskConfig(), logger });
    const sent = proposal({ targetBlock: block.number, maxGasCostWei: 10n ** 16n, amountIn: 2n * 10n ** 18n });
    gate.setEquity(100n * 10n ** 18n); // hourly cap 1 ETH: the worst case (2.01 ETH) is above it, the real loss far below
    gate.onHead({ number: block.number });
    gate.onBundleSent('bundle-2', sent);
    let nodeDown = true;
    const flaky: ReceiptReader = {
      getTransactionReceipt: async (args) => {
        if (nodeDown) throw new Error('upstream request timed out');
        return (client as unknown as ReceiptReader).getTransactionReceipt(args);
      },
    };
    const ledger = new Ledger({ store, risk: gate, client: flaky, executor, startToken: mainnet.weth, logger });
    ledger.included({ uuid: 'bundle-2', key: 'k2', block: block.number, ourHash: hash });
    await ledger.settled();
    expect(lossCurrent(gate, 'perHour')).toBe(sent.maxGasCostWei + sent.amountIn);
    const next = proposal({ targetBlock: block.number + 1n });
    expect(gate.check(next)).toMatchObject({ ok: false, breaker: 'loss', reason: expect.stringContaining('at their worst case') });
    expect(gate.halted).toBeUndefined(); // a bound, not a realised loss: no latch
    // A restart in between keeps counting it (the saved snapshot, through its schema).
    const restarted = new RiskGate({ config: parseRiskConfig(), logger, restore: { snapshot: parseSnapshot(JSON.stringify(gate.snapshot())) } });
    restarted.onHead({ number: block.number });
    expect(lossCurrent(restarted, 'perHour')).toBe(sent.maxGasCostWei + sent.amountIn);
    expect(restarted.check(next)).toMatchObject({ ok: false, breaker: 'loss', reason: expect.stringContaining('at their worst case') });

    // The restarted bot's ledger reads the receipt itself (the first run's retry list lived in memory only).
    const afterRestart = new Ledger({ store, risk: restarted, client: client as unknown as ReceiptReader, executor, startToken: mainnet.weth, logger });
    afterRestart.onHead(block);
    await afterRestart.settled();
    expect(lossCurrent(restarted, 'perHour')).toBe(lossWei);
    expect(restarted.check(next)).toMatchObject({ ok: true });
    expect(restarted.unresolvedBundles()).toEqual([]);

    nodeDown = false;
    ledger.onHead(block); // the next head retries the receipt
    await ledger.settled();
    expect(lossCurrent(gate, 'perHour')).toBe(lossWei);
    expect(gate.check(next)).toMatchObject({ ok: true });
    expect(store.totals().netWei).toBe(-lossWei);
    store.close();
  });

  it('a bundle whose outstanding time ran out still counts at its worst case when its receipt then cannot be read', async () => {
    const clock = { now: 1_000_000 };
    const gate = new RiskGate({ config: parseRiskConfig({ gas: { outstandingTimeoutMs: 1_000 } }), logger, now: () => clock.now });
    const sent = proposal({ maxGasCostWei: 10n ** 16n, amountIn: 2n * 10n ** 18n });
    gate.setEquity(100n * 10n ** 18n);
    gate.onHead({ number: 2n });
    gate.onBundleSent('late', sent);
    clock.now += 5_000;
    gate.onHead({ number: 12n }); // the gas breaker gives up on it: assumed paid at its maximum gas
    const unreadable: ReceiptReader = { getTransactionReceipt: async () => { throw new Error('upstream request timed out'); } };
    const ledger = new Ledger({ store: Store.open(join(dir, 'late.db')), risk: gate, client: unreadable, executor, startToken: mainnet.weth, logger });
    ledger.included({ uuid: 'late', key: 'k', block: 12n, ourHash: `0x${'ab'.repeat(32)}` });
    await ledger.settled();
    expect(lossCurrent(gate, 'perHour')).toBe(sent.maxGasCostWei + sent.amountIn);
    expect(gate.check(proposal({ targetBlock: 13n }))).toMatchObject({ ok: false, breaker: 'loss' });
  });
});

describe('a bundle whose state a hint-only transaction may move after it was sent', () => {
  it('is no longer compared with its simulation, whether the mark comes before or after the engine reports it; others still are', async () => {
    const store = Store.open(join(dir, 'uncompared.db'));
    const gate = new RiskGate({ config: parseRiskConfig(), logger });
    const landed: Array<{ uuid: string; uncompared?: string; simulatedNetWei: bigint | null }> = [];
    const ledger = new Ledger({ store, risk: gate, client: client as unknown as ReceiptReader, executor, startToken: mainnet.weth, logger, onLanded: (bundle) => landed.push(bundle) });
    const cases = [
      { uuid: 'marked-before', mark: 'before' },
      { uuid: 'marked-after', mark: 'after' },
      { uuid: 'not-marked', mark: 'none' },
    ] as const;
    for (const { uuid, mark } of cases) {
      const { hash, block } = await landedLoss();
      gate.onHead({ number: block.number });
      gate.onBundleSent(uuid, proposal({ targetBlock: block.number }));
      const report = {
        block: block.number,
        victim: null,
        path: [],
        amountIn: 10n ** 18n,
        grossProfitWei: 10n ** 15n,
        gasCostWei: 10n ** 14n,
        bribeWei: 0n,
        netProfitWei: 9n * 10n ** 14n,
        simulatedNetProfitWei: 9n * 10n ** 14n,
        simulatedGainWei: 10n ** 15n,
        decision: 'send' as const,
        reason: 'sent',
        bundle: { uuid, ourTxHash: hash },
        firstSeenMs: 0,
        latencyUs: { decode: 0, search: 0, simulate: 0, send: 0, total: 0 },
      };
      if (mark === 'before') ledger.markUncompared(uuid, block.number, 'a hint-only transaction trades its pools');
      ledger.onCandidate(report);
      await new Promise((resolve) => setImmediate(resolve)); // the ledger records candidates on the next tick
      if (mark === 'after') ledger.markUncompared(uuid, block.number, 'a hint-only transaction trades its pools');
      ledger.included({ uuid, key: uuid, block: block.number, ourHash: hash });
      await ledger.settled();
    }
    expect(landed.map((bundle) => [bundle.uuid, bundle.uncompared])).toEqual([
      ['marked-before', 'a hint-only transaction trades its pools'],
      ['marked-after', 'a hint-only transaction trades its pools'],
      ['not-marked', undefined],
    ]);
    // The simulation is still recorded (the store shows the difference); only the comparison is waived.
    expect(landed.every((bundle) => bundle.simulatedNetWei === 9n * 10n ** 14n)).toBe(true);
    store.close();
  });
});
