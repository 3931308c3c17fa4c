import type { Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { BuilderFanout } from '../../src/bundle/fanout.ts';
import { BuilderError, type BuilderClient, type BuilderErrorKind, type BundleRequest } from '../../src/bundle/types.ts';
import { createLogger } from '../../src/log.ts';

const hash = `0x${'ab'.repeat(32)}` as Hex;
const bundle: BundleRequest = { txs: ['0x02'], blockNumber: 100n };
/** These tests are about the builders; the risk layer says yes (its refusals are tested in risk-before-send). */
const allowed = () => ({ ok: true as const });

type Step = 'ok' | BuilderErrorKind | 'ignore-abort' | 'throw-plain';

/** A BuilderClient that plays a script, one step per call; it records the calls it got. */
class ScriptedClient implements BuilderClient {
  readonly calls: Array<{ method: 'send' | 'cancel'; block?: bigint }> = [];
  constructor(
    readonly name: string,
    private readonly steps: Step[],
    private readonly fallback: Step = 'ok',
  ) {}

  async sendBundle(request: BundleRequest, signal: AbortSignal): Promise<{ bundleHash: Hex }> {
    this.calls.push({ method: 'send', block: request.blockNumber });
    await this.play(signal);
    return { bundleHash: hash };
  }

  async cancelBundle(_uuid: string, signal: AbortSignal): Promise<void> {
    this.calls.push({ method: 'cancel' });
    await this.play(signal);
  }

  private async play(_signal: AbortSignal): Promise<void> {
    const step = this.steps.shift() ?? this.fallback;
    if (step === 'ok') return;
    if (step === 'ignore-abort') return new Promise<void>(() => undefined); // a client with a bug: never settles
    if (step === 'throw-plain') throw new TypeError('boom');
    throw new BuilderError({ builder: this.name, kind: step, message: `scripted ${step}` });
  }
}

function fanoutOf(clients: ScriptedClient[], timeoutMs = 25, now?: () => number) {
  return new BuilderFanout({ builders: clients.map((client) => ({ client, timeoutMs })), logger: createLogger('test'), ...(now ? { now } : {}) });
}

describe('BuilderFanout', () => {
  it('enforces each deadline itself, even against a client that ignores its AbortSignal', async () => {
    const stuck = new ScriptedClient('stuck', ['ignore-abort', 'ignore-abort']);
    const fine = new ScriptedClient('fine', []);
    const results = await fanoutOf([stuck, fine]).send(bundle, { allowed });
    expect(results).toMatchObject([
      { builder: 'stuck', ok: false, attempts: 2, error: { kind: 'timeout' } },
      { builder: 'fine', ok: true, attempts: 1, bundleHash: hash },
    ]);
  });

  it('retries lost responses (timeout, network) once per builder per block; answers never', async () => {
    for (const kind of ['timeout', 'network'] as const) {
      const client = new ScriptedClient('b', [], kind);
      const fanout = fanoutOf([client]);
      expect((await fanout.send(bundle, { allowed }))[0]).toMatchObject({ ok: false, attempts: 2 });
      expect((await fanout.send(bundle, { allowed }))[0]).toMatchObject({ ok: false, attempts: 1 });
      expect((await fanout.send({ ...bundle, blockNumber: 101n }, { allowed }))[0]).toMatchObject({ ok: false, attempts: 2 });
      expect(client.calls.map((call) => call.block)).toEqual([100n, 100n, 100n, 101n, 101n]);
      expect(fanout.stats().b).toMatchObject({ sent: 3, retries: 2, errors: { [kind]: 5 }, timeouts: kind === 'timeout' ? 5 : 0 });
    }
    for (const kind of ['http', 'rate-limited', 'malformed', 'rpc'] as const) {
      const client = new ScriptedClient('b', [kind]);
      const fanout = fanoutOf([client]);
      expect((await fanout.send(bundle, { allowed }))[0]).toMatchObject({ ok: false, attempts: 1, error: { kind } });
      expect(client.calls).toHaveLength(1);
      expect(fanout.stats().b).toMatchObject({ retries: 0, refused: kind === 'rpc' ? 1 : 0, errors: { [kind]: 1 } });
    }
  });

  it('a retry that gets an answer is a success', async () => {
    const client = new ScriptedClient('b', ['network']);
    const fanout = fanoutOf([client]);
    expect((await fanout.send(bundle, { allowed }))[0]).toMatchObject({ ok: true, attempts: 2, bundleHash: hash });
    expect(fanout.stats().b).toMatchObject({ sent: 1, accepted: 1, retries: 1, errors: { network: 1 } });
    expect(fanout.stats().b!.latency.count).toBe(1); // the lost response is no latency sample
  });

  it('measures latency with the injected clock', async () => {
    let clock = 1_000;
    const now = () => (clock += 7);
    const fanout = fanoutOf([new ScriptedClient('b', [])], 25, now);
    const [result] = await fanout.send(bundle, { allowed });
    // send start, attempt start, attempt end, result: 4 reads, 7 ms apart.
    expect(result!.latencyMs).toBe(21);
    expect(fanout.stats().b!.latency.quantile(0.5)).toBe(7_000); // microseconds
  });

  it('classifies a client that throws something other than a BuilderError', async () => {
    const [result] = await fanoutOf([new ScriptedClient('b', ['throw-plain'])]).send(bundle, { allowed });
    expect(result).toMatchObject({ ok: false, attempts: 1, error: { kind: 'malformed', message: expect.stringContaining('boom') } });
  });

  it('a throwing onResult callback does not change anyone\'s result', async () => {
    const results = await fanoutOf([new ScriptedClient('a', []), new ScriptedClient('b', ['http'])]).send(bundle, {
      allowed,
      onResult: () => {
        throw new Error('listener bug');
      },
    });
    expect(results.map((result) => result.ok)).toEqual([true, false]);
  });

  it('cancel goes everywhere, retries a lost response once, not an answer', async () => {
    const lost = new ScriptedClient('lost', ['timeout']);
    const refusing = new ScriptedClient('refusing', ['rpc']);
    const fanout = fanoutOf([lost, refusing]);
    const results = await fanout.cancel('0f4b4e2c-7d1a-4c1e-9a37-3c9f2d5a8b61');
    expect(results).toMatchObject([
      { builder: 'lost', ok: true, attempts: 2 },
      { builder: 'refusing', ok: false, attempts: 1, error: { kind: 'rpc' } },
    ]);
    expect(lost.calls.map((call) => call.method)).toEqual(['cancel', 'cancel']);
    expect(fanout.stats().lost).toMatchObject({ sent: 0, retries: 1, timeouts: 1 });
  });

  it('refuses ambiguous configuration and unknown builders', () => {
    expect(() => fanoutOf([new ScriptedClient('x', []), new ScriptedClient('x', [])])).toThrow(/two builders are named x/);
    expect(() => fanoutOf([new ScriptedClient('x', [])], 0)).toThrow(/timeoutMs must be positive/);
    expect(() => fanoutOf([new ScriptedClient('x', [])]).markIncluded('y')).toThrow(/unknown builder y/);
  });

  it("holds back requests beyond a builder's documented rate (its dialect), sends again once the second has refilled, and leaves the other builders alone", async () => {
    let clock = 0;
    const limited = new ScriptedClient('titan', []);
    const free = new ScriptedClient('free', []);
    const fanout = new BuilderFanout({ builders: [{ client: limited, timeoutMs: 25, maxRequestsPerSecond: 2 }, { client: free, timeoutMs: 25 }], logger: createLogger('test'), now: () => clock });
    const first = await fanout.send(bundle, { allowed });
    const second = await fanout.send(bundle, { allowed });
    const third = await fanout.send(bundle, { allowed });
    expect([first[0]!.ok, second[0]!.ok]).toEqual([true, true]);
    expect(third[0]).toMatchObject({ builder: 'titan', ok: false, attempts: 0, error: { kind: 'held', message: 'held back: titan takes at most 2 requests/s' } });
    expect(third[1]).toMatchObject({ builder: 'free', ok: true });
    expect(limited.calls).toHaveLength(2);
    expect(fanout.stats().titan).toMatchObject({ sent: 2, held: 1 });
    clock += 500; // half a second: one request's worth
    expect((await fanout.send(bundle, { allowed }))[0]).toMatchObject({ ok: true });
    expect((await fanout.send(bundle, { allowed }))[0]).toMatchObject({ ok: false, error: { kind: 'held' } });
    expect(limited.calls).toHaveLength(3);
    expect(free.calls).toHaveLength(5);
  });
});

