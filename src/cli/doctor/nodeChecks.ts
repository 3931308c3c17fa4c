import type { PublicClient } from 'viem';
import type { RunConfig } from '../../config/runConfig.ts';
import { redactUrl } from '../../redact.ts';
import { ceilings } from './ceilings.ts';
import { duration, fail, pass, reason, type Check } from './check.ts';

/** What the node said when it was reached: later checks start from it. */
export type NodeFacts = { head: bigint; timestamp: bigint; baseFeePerGas: bigint };

/** The node answers over HTTP (eth_blockNumber, the latest block); its client version is shown when it says. */
export async function checkNode(client: PublicClient, rpcUrl: string): Promise<{ check: Check; facts?: NodeFacts }> {
  const url = redactUrl(rpcUrl);
  try {
    const block = await client.getBlock({ blockTag: 'latest' });
    const version = await client.request({ method: 'web3_clientVersion' as never }).then(
      (value) => (typeof value === 'string' ? value : 'unknown client'),
      () => 'client version not given',
    );
    return {
      check: pass('node', `${url} answers (${version}), head ${block.number}`),
      facts: { head: block.number, timestamp: block.timestamp, baseFeePerGas: block.baseFeePerGas ?? 0n },
    };
  } catch (error) {
    return { check: fail('node', `${url} does not answer: ${reason(error)}`, 'check chain.rpcUrl (scheme, host, port: 8545 for geth/reth HTTP), that the node runs and its HTTP JSON-RPC is enabled') };
  }
}

export async function checkChainId(client: PublicClient, expected: number): Promise<Check> {
  try {
    const actual = await client.getChainId();
    if (actual === expected) return pass('chainId', `${actual}, as the config says`);
    return fail('chainId', `the node says ${actual}, the config says ${expected}`, `point chain.rpcUrl at a node of chain ${expected}, or set chain.chainId to ${actual} if that is the chain you mean to trade on`);
  } catch (error) {
    return fail('chainId', `eth_chainId failed: ${reason(error)}`, 'the node must answer eth_chainId');
  }
}

/**
 * How old the node's head is, by our clock. Older than the connectivity breaker's silence bound and the bot
 * would stop sending as soon as it started: the node is not following the chain.
 */
export function checkHeadAge(facts: NodeFacts, config: RunConfig, nowMs: number): Check {
  // The config's bound, or the doctor's ceiling when the config allows more (a bound of years passes anything).
  const configured = config.risk.connectivity.maxHeadSilenceMs;
  const boundMs = Math.min(configured, ceilings.maxHeadSilenceMs);
  const ageMs = nowMs - Number(facts.timestamp) * 1000;
  const age = `${Math.round(ageMs / 1000)} s`;
  const bound = configured <= boundMs ? `limit ${duration(boundMs)}: risk.connectivity.maxHeadSilenceMs` : `limit ${duration(boundMs)}: the doctor's ceiling, risk.connectivity.maxHeadSilenceMs allows ${duration(configured)}`;
  if (ageMs > boundMs) {
    return fail('headAge', `head ${facts.head} is ${age} old (${bound})`, 'the node is not following the chain: wait for it to sync, check its peers and its consensus client, or use another node');
  }
  // A head from the future is a clock problem (ours or the node's): block timestamps are whole seconds.
  if (ageMs < -boundMs) {
    return fail('headAge', `head ${facts.head} is ${-Math.round(ageMs / 1000)} s in the future (${bound})`, "this machine's clock or the node's is wrong: run NTP (timedatectl set-ntp true)");
  }
  return pass('headAge', ageMs >= 0 ? `head ${facts.head} is ${age} old (${bound})` : `head ${facts.head} is ${-Math.round(ageMs / 1000)} s ahead of this clock (${bound})`);
}

const latencySamples = 5;

/** Round trips of eth_blockNumber, measured; the median against the bound the connectivity breaker uses. */
export async function checkLatency(client: PublicClient, config: RunConfig): Promise<Check> {
  const configured = config.risk.connectivity.maxSocketLatencyMs;
  const boundMs = Math.min(configured, ceilings.maxSocketLatencyMs);
  const samples: number[] = [];
  try {
    for (let i = 0; i < latencySamples; i++) {
      const started = performance.now();
      await client.request({ method: 'eth_blockNumber' });
      samples.push(performance.now() - started);
    }
  } catch (error) {
    return fail('latency', `eth_blockNumber failed: ${reason(error)}`, 'the node must answer eth_blockNumber');
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  const max = samples[samples.length - 1]!;
  const detail = `median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms over ${latencySamples} eth_blockNumber round trips (bound ${boundMs} ms: ${configured <= boundMs ? 'risk.connectivity.maxSocketLatencyMs' : `the doctor's ceiling, risk.connectivity.maxSocketLatencyMs allows ${configured} ms`})`;
  if (median > boundMs) return fail('latency', detail, 'run the bot close to its node (the same machine or data centre): every block and every bundle waits for these round trips');
  return pass('latency', detail);
}
