/**
 * SimulateV1Simulator against a real anvil when its caller's prefix array grows while the request is in flight.
 *
 * The engine passes its live list of our earlier transactions for the block (PriorSends.txs) as the prefix; a bundle
 * sent before its simulation appends its transactions there (a victim's and ours: two) once its own simulation is
 * done, which may be while a victim's eth_simulateV1 is in flight. The simulator then counted the grown prefix against
 * the answer to the request it had sent: "eth_simulateV1 returned N-2 results for N calls" (seen in the V4 demo), and
 * would have sliced the results at the wrong place. The results must be those of the request as sent: the prefix as
 * it was when called.
 *
 * Graded by WETH9 itself: a deposit emits Deposit(sender, amount) and balanceOf follows deposits and transfers.
 */
import { encodeAbiParameters, encodeFunctionData, pad, parseAbi, toEventSelector, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleTx } from '../../src/bundle/bundleTx.ts';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { uniswapArtifact } from '../../src/devnet/artifacts.ts';
import { createDevnetClient, sendAndConfirm, type DevnetClient } from '../../src/devnet/client.ts';
import { SimulateV1Simulator } from '../../src/sim/simulateV1.ts';

const wethAbi = parseAbi(['function deposit() payable', 'function transfer(address to, uint256 amount) returns (bool)']);
const depositTopic = toEventSelector('Deposit(address,uint256)');
const E18 = 10n ** 18n;
const executor = '0x00000000000000000000000000000000000e0e0e' as Address;

let anvil: Anvil;
let client: DevnetClient;
let accounts: Address[];
let weth: Address;

const deposit = (from: Address, value: bigint): BundleTx => ({ from, to: weth, data: encodeFunctionData({ abi: wethAbi, functionName: 'deposit' }), value, gas: 100_000n });
const transfer = (from: Address, to: Address, amount: bigint): BundleTx => ({ from, to: weth, data: encodeFunctionData({ abi: wethAbi, functionName: 'transfer', args: [to, amount] }), value: 0n, gas: 100_000n });

beforeAll(async () => {
  anvil = await startAnvil({ port: 0, chainId: 31337, accounts: 3 });
  client = createDevnetClient(anvil.rpcUrl, 31337);
  await client.setAutomine(true);
  accounts = (await client.getAddresses()) as Address[];
  const artifact = uniswapArtifact('WETH9');
  weth = (await sendAndConfirm(client, { from: accounts[0]!, data: artifact.bytecode, label: 'WETH9' })).contractAddress!;
}, 60_000);

afterAll(async () => {
  await anvil?.stop();
});

/** What the head's successor looks like to the simulator. */
async function next(): Promise<{ targetBlock: bigint; timestamp: bigint }> {
  const head = await client.getBlock({ blockTag: 'latest' });
  return { targetBlock: head.number + 1n, timestamp: head.timestamp + 1n };
}

describe('eth_simulateV1 results match the request as sent, whatever the caller appends to its prefix meanwhile', () => {
  it('simulateLogs: the victim\'s own result, after the prefix it was called with', async () => {
    const [first, second, victim] = accounts as [Address, Address, Address];
    const simulator = new SimulateV1Simulator(client as never);
    const prefix: BundleTx[] = [deposit(first, 2n * E18)];
    const pending = simulator.simulateLogs({ txs: [deposit(victim, 3n * E18)], prefix, ...(await next()) });
    // A bundle of ours verified while the request is in flight: its two transactions join the block's prefix.
    prefix.push(deposit(second, 5n * E18), transfer(second, executor, E18));
    const [result, ...rest] = await pending;

    expect(rest).toEqual([]);
    expect(result!.ok).toBe(true);
    expect(result!.logs).toHaveLength(1);
    expect(result!.logs[0]!.address.toLowerCase()).toBe(weth.toLowerCase());
    expect(result!.logs[0]!.topics).toEqual([depositTopic, pad(victim.toLowerCase() as Address)]);
    expect(result!.logs[0]!.data).toBe(encodeAbiParameters([{ type: 'uint256' }], [3n * E18]));
  });

  it('simulate: the executor\'s gain over the bundle alone, after the prefix it was called with', async () => {
    const [first, second, victim] = accounts as [Address, Address, Address];
    const simulator = new SimulateV1Simulator(client as never);
    const prefix: BundleTx[] = [deposit(first, 2n * E18), transfer(first, executor, 2n * E18)];
    // The bundle: a victim's deposit, then "ours" hands the executor 3 WETH (gain measured around the bundle only).
    const pending = simulator.simulate({ txs: [deposit(victim, 3n * E18), transfer(victim, executor, 3n * E18)], prefix, executor, startToken: weth, ...(await next()) });
    prefix.push(deposit(second, 5n * E18), transfer(second, executor, 5n * E18));
    const simulation = await pending;

    expect(simulation).toMatchObject({ ok: true, victimsOk: true, gain: 3n * E18 });
    expect(simulation.gasUsed).toBeGreaterThan(21_000n);
    // Each victim's gas, as the chain charges it: the victim's deposit mined for real (the prefix touches none of
    // its storage) uses what the simulation said.
    expect(simulation.victimsGasUsed).toHaveLength(1);
    const mined = await client.waitForTransactionReceipt({ hash: await client.sendTransaction({ account: victim, chain: null, ...deposit(victim, 3n * E18) }) });
    expect(simulation.victimsGasUsed![0]).toBe(mined.gasUsed);
  });
});
