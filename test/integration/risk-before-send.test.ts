import { keccak256, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonRpcBuilderClient } from '../../src/bundle/builderClient.ts';
import { Dispatcher } from '../../src/bundle/dispatch.ts';
import { BuilderFanout } from '../../src/bundle/fanout.ts';
import { NonceManager } from '../../src/bundle/nonceManager.ts';
import { Submitter, type SubmissionSink } from '../../src/bundle/submitter.ts';
import { createLogger } from '../../src/log.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { parseRiskConfig, type RiskConfigInput } from '../../src/risk/config.ts';
import { gasLimitFor } from '../../src/bundle/dispatch.ts';
import { feesForTargetBlock } from '../../src/bundle/fees.ts';
import { RiskGate } from '../../src/risk/gate.ts';
import { venueOfProtocol } from '../../src/state/venues.ts';
import { backrunCandidates, type Candidate, type EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { FaultyBuilder } from '../helpers/faultyBuilder.ts';
import { syntheticMarket, syntheticVictim, WETH } from '../helpers/syntheticMarket.ts';

const logger = createLogger('test');
const policy = { priorityFeeWei: 10n ** 9n, builderShareBps: 5000n, minNetProfitWei: 0n };
const engineConfig: EngineConfig = { startToken: WETH, venues: venueOfProtocol, policy };
const operator = privateKeyToAccount(generatePrivateKey());
const victimSigner = privateKeyToAccount(generatePrivateKey());

/** A profitable backrun of a synthetic victim, whose signed bytes are real (their hash is the victim's hash). */
async function backrun(): Promise<{ candidate: Candidate; victim: PendingSwaps; raw: Hex }> {
  const { market, tokens } = syntheticMarket(40);
  const graph = new PoolGraph(market.all());
  for (const [i, token] of tokens.entries()) {
    const pending = syntheticVictim(token, 10n ** 19n, i + 1);
    const found = backrunCandidates(market, graph, pending, 10n ** 9n, engineConfig);
    if (!Array.isArray(found)) continue;
    const candidate = found.find((c) => c.netProfitWei > 0n && c.amountIn <= 10n ** 19n);
    if (!candidate) continue;
    const raw = await victimSigner.signTransaction({ chainId: 1, type: 'eip1559', nonce: i, to: pending.tx.to as Hex, value: pending.tx.value as bigint, gas: 300_000n, maxFeePerGas: 10n ** 11n, maxPriorityFeePerGas: 10n ** 9n, data: '0x' });
    return { candidate, victim: { ...pending, tx: { ...pending.tx, hash: keccak256(raw) } } as PendingSwaps, raw };
  }
  throw new Error('the synthetic market has no profitable backrun');
}

const builders: FaultyBuilder[] = [];
afterEach(async () => {
  await Promise.all(builders.splice(0).map((builder) => builder.stop()));
});

/**
 * The real send path: Dispatcher -> Submitter (NonceManager) -> BuilderFanout -> JsonRpcBuilderClient -> a real
 * HTTP JSON-RPC builder that counts what it receives. Only the node's answers (nonce, victim bytes) are local
 * functions, so the test can halt while one of them is in flight.
 */
async function sendPath(options: { onNonce?: (gate: RiskGate) => void | Promise<void>; onRaw?: (gate: RiskGate) => void | Promise<void>; timeoutMs?: number; builder?: FaultyBuilder; risk?: RiskConfigInput; extraBlocks?: number } = {}) {
  const builder = options.builder ?? new FaultyBuilder('ok');
  builders.push(await builder.start());
  const gate = new RiskGate({ config: parseRiskConfig(options.risk ?? {}), logger });
  gate.setEquity(10n ** 21n);
  gate.onHead({ number: 1n });
  gate.onBlind(false);
  const fanout = new BuilderFanout({ logger, builders: [{ timeoutMs: options.timeoutMs ?? 2_000, client: new JsonRpcBuilderClient({ name: 'local', url: builder.url, authSigner: privateKeyToAccount(generatePrivateKey()) }) }] });
  const missed: Parameters<SubmissionSink['missed']>[0][] = [];
  const submitter = new Submitter({
    sender: { send: (bundle, allowed) => fanout.send(bundle, { allowed }), cancel: (uuid) => fanout.cancel(uuid) },
    nonces: new NonceManager({
      fetchNonce: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50)); // a node round trip
        await options.onNonce?.(gate);
        return 7;
      },
    }),
    mode: 'send',
    extraBlocks: options.extraBlocks ?? 0,
    sink: { sent: () => {}, included: () => {}, missed: (event) => missed.push(event) },
    logger,
  });
  const { candidate, victim, raw } = await backrun();
  // The next block's base fee as the head moves (a test raises it between the send and a re-send).
  const baseFee = { next: 10n ** 9n };
  const dispatcher = new Dispatcher({
    submitter,
    risk: gate,
    account: operator,
    chainId: 1,
    executor: '0x00000000000000000000000000000000000e0ec0',
    policy,
    nextBaseFee: () => baseFee.next,
    fetchRaw: async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await options.onRaw?.(gate);
      return raw;
    },
    logger,
  });
  const simulated = { gainWei: candidate.grossProfitWei - candidate.bribeWei, gasUsed: 150_000n };
  const send = async () => {
    const checked = dispatcher.check({ candidate, target: 2n, simulatedGas: 150_000n });
    expect(checked.ok).toBe(true);
    const result = await dispatcher.send({ candidate, victim, target: 2n, simulated }, checked.proposal).catch((error: Error) => ({ sent: false, reason: error.message }));
    await submitter.settled();
    return result;
  };
  const bundlesAtBuilder = () => builder.requests.filter((request) => request.method === 'eth_sendBundle').length;
  return { gate, send, bundlesAtBuilder, builder, missed, submitter, baseFee, simulated };
}

describe('the risk gate is asked right before each network write', () => {
  it('control: with no halt the same path delivers the bundle to the builder', async () => {
    const path = await sendPath();
    const result = await path.send();
    expect(result.sent).toBe(true);
    expect(path.bundlesAtBuilder()).toBe(1);
  });

  it('a halt that lands while the nonce is being fetched stops that bundle: nothing reaches the builder', async () => {
    const path = await sendPath({ onNonce: (gate) => void gate.halt('operator halt mid-nonce', 'test') });
    const result = await path.send();
    expect(path.gate.halted?.reason).toBe('operator halt mid-nonce');
    expect(result.sent).toBe(false);
    expect(result.reason).toMatch(/risk killSwitch: halted .* operator halt mid-nonce/);
    expect(path.bundlesAtBuilder()).toBe(0);
  });

  it('a halt that lands while the victim bytes are fetched stops that bundle', async () => {
    const path = await sendPath({ onRaw: (gate) => void gate.halt('operator halt mid-raw', 'test') });
    const result = await path.send();
    expect(result.sent).toBe(false);
    expect(path.bundlesAtBuilder()).toBe(0);
  });

  it('a fan-out retry asks again: a halt during a lost first attempt means no second request', async () => {
    const builder = new FaultyBuilder('ok').script('hang');
    const path = await sendPath({ builder, timeoutMs: 300 });
    const sending = path.send();
    await builder.waitForRequests(1);
    path.gate.halt('operator halt while the builder hangs', 'test');
    await sending;
    expect(path.bundlesAtBuilder()).toBe(1); // the first attempt only: the retry was not sent
    // The builder may hold that first copy (its answer was lost): it is withdrawn there.
    expect(builder.requests.filter((request) => request.method === 'eth_cancelBundle').length).toBeGreaterThan(0);
  });

  it('a retry is not refused by the spend its own first attempt already counts (a cap that fits exactly one bundle)', async () => {
    const maxGasCostWei = gasLimitFor(150_000n) * feesForTargetBlock({ nextBaseFee: 10n ** 9n, blocksAfterNext: 0, priorityFee: policy.priorityFeeWei }).maxFeePerGas;
    const builder = new FaultyBuilder('ok').script('hang');
    const path = await sendPath({ builder, timeoutMs: 300, risk: { gas: { maxSpendPerBlockWei: String(maxGasCostWei) } } });
    const result = await path.send();
    expect(result.sent).toBe(true);
    expect(path.bundlesAtBuilder()).toBe(2); // the lost first attempt and its retry
    expect(builder.requests.at(-1)!.answered).toBe(true);
  });

  it('a re-send for a later block goes out only while it still nets the minimum at that block\'s gas price', async () => {
    // Control: the base fee holds, the victim is still pending after block 2, so the bundle is re-sent for 3.
    const steady = await sendPath({ extraBlocks: 1 });
    expect((await steady.send()).sent).toBe(true);
    await steady.submitter.onHead({ number: 2n, transactions: [] });
    await steady.submitter.settled();
    expect(steady.bundlesAtBuilder()).toBe(2);

    // The base fee for block 3 jumps so far that the simulated gas eats the whole gain: no re-send.
    const spiking = await sendPath({ extraBlocks: 1 });
    expect((await spiking.send()).sent).toBe(true);
    spiking.baseFee.next = spiking.simulated.gainWei / spiking.simulated.gasUsed + 1n;
    await spiking.submitter.onHead({ number: 2n, transactions: [] });
    await spiking.submitter.settled();
    expect(spiking.bundlesAtBuilder()).toBe(1);
    expect(spiking.missed.map((miss) => miss.detail)).toEqual([expect.stringMatching(/^not re-sent: re-send unprofitable in block 3: net after gas -\d+ wei < 0 wei/)]);
  });
});
