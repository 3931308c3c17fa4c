import { createPublicClient, encodeFunctionData, http, numberToHex, parseAbi, type Address, type PublicClient } from 'viem';
import type { ResolvedChain, RunConfig } from '../../config/runConfig.ts';
import { ForkSimulator } from '../../sim/fork.ts';
import { eth, fail, pass, reason, type Check } from './check.ts';

const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

/** The executor's WETH balance as the node says at `block`: what every simulation reads before and after a bundle. */
const balanceCall = (chain: ResolvedChain) => ({ to: chain.weth, data: encodeFunctionData({ abi: balanceOfAbi, args: [chain.executor] }) });

async function balanceAt(client: PublicClient, chain: ResolvedChain, block: bigint): Promise<bigint> {
  return client.readContract({ address: chain.weth, abi: balanceOfAbi, functionName: 'balanceOf', args: [chain.executor as Address], blockNumber: block });
}

/**
 * The simulation backend the config chose, run once on something whose answer we know: `eth_simulateV1` (the
 * node's) or an anvil fork of the node (`simulation.backend: "fork"`), each reading the executor's WETH balance at
 * the head; it must equal the node's own eth_call. This is how the engine picks its backend (engine.ts).
 */
export async function checkSimulation(client: PublicClient, chain: ResolvedChain, config: RunConfig, head: bigint): Promise<Check> {
  let expected: bigint;
  try {
    expected = await balanceAt(client, chain, head);
  } catch (error) {
    return fail('simulation', `eth_call of WETH.balanceOf(executor) failed: ${reason(error)}`, 'the node must answer eth_call at its head');
  }
  if (config.simulation.backend === 'fork') {
    let fork: ForkSimulator | undefined;
    try {
      fork = await ForkSimulator.start({ upstreamRpcUrl: chain.rpcUrl, blockNumber: head, chainId: chain.chainId });
      const forkClient = createPublicClient({ transport: http(fork.rpcUrl, { retryCount: 0, timeout: 10_000 }) }) as PublicClient;
      const read = await balanceAt(forkClient, chain, head);
      if (read !== expected) return fail('simulation', `the fork at block ${head} reads the executor's WETH as ${eth(read, 'WETH')}, the node ${eth(expected, 'WETH')}`, 'the fork does not see the node\'s state: check that the node serves historical state for recent blocks');
      return pass('simulation', `fork backend: an anvil fork of the node at block ${head} reads the executor's WETH as the node does (${eth(read, 'WETH')})`);
    } catch (error) {
      return fail('simulation', `fork backend: could not fork the node at block ${head}: ${reason(error)}`, 'the fork backend runs anvil (from npm) against chain.rpcUrl: check that anvil runs here (npx anvil --version) and that the node serves eth_getProof/eth_getStorageAt for recent blocks');
    } finally {
      await fork?.stop().catch(() => {});
    }
  }
  let blocks: Array<{ calls?: Array<{ status?: string; returnData?: string }> }>;
  try {
    blocks = await client.request({
      method: 'eth_simulateV1' as never,
      params: [{ blockStateCalls: [{ blockOverrides: { number: numberToHex(head + 1n) }, calls: [balanceCall(chain)] }], validation: false, traceTransfers: false }, numberToHex(head)] as never,
    });
  } catch (error) {
    return fail('simulation', `eth_simulateV1 failed: ${reason(error)}`, 'use a node with eth_simulateV1 (geth 1.14.9+, reth), or set "simulation": {"backend": "fork"} (the bot then forks the node with anvil)');
  }
  const call = Array.isArray(blocks) ? blocks[0]?.calls?.[0] : undefined;
  if (!call || call.status !== '0x1' || typeof call.returnData !== 'string') {
    return fail('simulation', `eth_simulateV1 answered without a successful call: ${JSON.stringify(blocks).slice(0, 200)}`, 'the node\'s eth_simulateV1 is not usable: use another node or "simulation": {"backend": "fork"}');
  }
  const simulated = BigInt(call.returnData);
  if (simulated !== expected) return fail('simulation', `eth_simulateV1 reads the executor's WETH as ${eth(simulated, 'WETH')}, eth_call as ${eth(expected, 'WETH')}`, 'the node\'s eth_simulateV1 disagrees with its own state: use another node or "simulation": {"backend": "fork"}');
  return pass('simulation', `eth_simulateV1 works: it reads the executor's WETH as eth_call does (${eth(simulated, 'WETH')})`);
}
