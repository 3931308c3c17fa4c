import { describe, expect, it } from 'vitest';
import { NonceError, NonceManager } from '../../src/bundle/nonceManager.ts';

/** A chain whose count we control, whose reads can be held open or made to fail. */
function fakeChain(start: number) {
  const chain = {
    count: start,
    reads: 0,
    failNext: 0,
    gate: undefined as Promise<void> | undefined,
    fetchNonce: async () => {
      chain.reads++;
      if (chain.gate) await chain.gate;
      if (chain.failNext > 0) {
        chain.failNext--;
        throw new Error('connection refused (URL: https://node.example/v3/SECRETKEY)');
      }
      return chain.count;
    },
  };
  return chain;
}

describe('NonceManager', () => {
  it('50 concurrent next() calls get exactly n..n+49, with one read', async () => {
    const chain = fakeChain(17);
    const nonces = new NonceManager(chain);
    const got = await Promise.all(Array.from({ length: 50 }, () => nonces.next()));
    expect(got).toEqual(Array.from({ length: 50 }, (_, index) => 17 + index));
    expect(chain.reads).toBe(1);
    expect(nonces.peek()).toBe(67);
  });

  it('after a failure and resync, numbering follows the chain again', async () => {
    const chain = fakeChain(5);
    const nonces = new NonceManager(chain);
    expect(await Promise.all([nonces.next(), nonces.next(), nonces.next()])).toEqual([5, 6, 7]);
    // Nonces 6 and 7 went into bundles that missed; only 5 landed. The chain says 6.
    chain.count = 6;
    expect(await nonces.resync()).toBe(6);
    expect(await Promise.all([nonces.next(), nonces.next()])).toEqual([6, 7]);
    // Some other sender used our nonces (or a "nonce too low"): the chain is ahead.
    chain.count = 30;
    await nonces.resync();
    expect(await nonces.next()).toBe(30);
  });

  it('resync takes effect between calls, never in the middle: calls queued before it keep the old numbering', async () => {
    const chain = fakeChain(100);
    const nonces = new NonceManager(chain);
    await nonces.next(); // 100
    chain.count = 200;
    const before = [nonces.next(), nonces.next()];
    const resync = nonces.resync();
    const after = [nonces.next(), nonces.next()];
    expect(await Promise.all(before)).toEqual([101, 102]);
    expect(await resync).toBe(200);
    expect(await Promise.all(after)).toEqual([200, 201]);
  });

  it('a failed read rejects every waiting caller with one clear error; the next call reads again', async () => {
    const chain = fakeChain(9);
    let open!: () => void;
    chain.gate = new Promise<void>((resolve) => (open = resolve));
    chain.failNext = 1;
    const nonces = new NonceManager(chain);
    const waiting = Array.from({ length: 5 }, () => nonces.next().catch((error: unknown) => error));
    open();
    const errors = await Promise.all(waiting);
    for (const error of errors) {
      expect(error).toBeInstanceOf(NonceError);
      expect((error as NonceError).message).toMatch(/cannot read the operator's nonce/);
    }
    expect(new Set(errors).size).toBe(1); // the same error, not five reads
    expect(chain.reads).toBe(1);
    chain.gate = undefined;
    expect(await nonces.next()).toBe(9);
    expect(await nonces.next()).toBe(10);
    expect(chain.reads).toBe(2);
  });

  it('a failed resync leaves no stale numbering behind', async () => {
    const chain = fakeChain(3);
    const nonces = new NonceManager(chain);
    expect(await nonces.next()).toBe(3);
    chain.failNext = 1;
    await expect(nonces.resync()).rejects.toBeInstanceOf(NonceError);
    expect(nonces.peek()).toBeUndefined();
    chain.count = 4;
    expect(await nonces.next()).toBe(4);
  });

  it('keeps only the short reason: no URL that could carry an API key', async () => {
    const chain = fakeChain(0);
    chain.failNext = 1;
    const failing = new NonceManager({
      fetchNonce: () => Promise.reject(Object.assign(new Error('HTTP request failed.\n\nURL: https://node.example/v3/SECRETKEY'), { shortMessage: 'HTTP request failed.' })),
    });
    const error = (await failing.next().catch((reason: unknown) => reason)) as NonceError;
    expect(error.message).toContain('HTTP request failed.');
    expect(error.message).not.toContain('SECRETKEY');
    const withUser = await new NonceManager({ fetchNonce: () => Promise.reject(new Error('failed: wss://alice:hunter2@node.example:8546/ws')) }).next().catch((reason: unknown) => reason);
    expect((withUser as NonceError).message).toBe(`cannot read the operator's nonce from the node: failed: wss://node.example:8546/…`);
    const plain = await new NonceManager(chain).next().catch((reason: unknown) => reason);
    expect((plain as NonceError).message).toBe(`cannot read the operator's nonce from the node: connection refused (URL: https://node.example/…)`);
  });

  it('refuses an impossible count from the node', async () => {
    const nonces = new NonceManager({ fetchNonce: async () => -1 });
    await expect(nonces.next()).rejects.toThrow(/impossible nonce/);
  });
});
