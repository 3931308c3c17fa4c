import { keccak256 } from 'viem';
import { signExecutorTransaction } from '../../src/bundle/signTransaction.ts';
import { nextBaseFee } from '../../src/chain/baseFee.ts';
import { devAccount } from '../../src/devnet/accounts.ts';
import { mainnet } from '../../src/chain/addresses.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { buildSwapCall } from '../../src/devnet/traffic/calldata.ts';
import { resolveRoute } from '../../src/devnet/traffic/route.ts';
import { decodeTransaction, mainnetRouters } from '../../src/mempool/decode.ts';
import type { PendingSwaps } from '../../src/mempool/watcher.ts';
import { bootstrapPools, discoverPools } from '../../src/state/bootstrap.ts';
import { MarketState } from '../../src/state/market.ts';
import { backrunCandidates, type Candidate, type EngineConfig } from '../../src/strategy/candidates.ts';
import { PoolGraph } from '../../src/strategy/graph.ts';
import { planFor } from '../../src/bundle/toPlan.ts';
import { mainnetFactories, venueOfProtocol } from '../../src/state/venues.ts';


export function engineConfig(builderShareBps = 5000n): EngineConfig {
  return {
    startToken: mainnet.weth,
    venues: venueOfProtocol,
    policy: { priorityFeeWei: 10n ** 9n, builderShareBps, minNetProfitWei: 0n },
  };
}

const poisonedKinds = ['feeOnTransfer', 'honeypot', 'salmonella'];

/** The market as the bot sees it now, and a graph without the scenario's poisoned tokens. */
export async function loadMarket(devnet: Devnet) {
  const poisoned = new Set(devnet.manifest.tokens.filter((token) => poisonedKinds.includes(token.kind)).map((token) => token.address.toLowerCase()));
  const head = await devnet.client.getBlock();
  const discovered = await discoverPools(devnet.client as never, mainnetFactories, head.number!);
  const market = new MarketState();
  market.reset(await bootstrapPools(devnet.client as never, discovered, head.number!), { number: head.number!, hash: head.hash!, parentHash: head.parentHash });
  const graph = new PoolGraph(market.all(), (pool) => poisoned.has(pool.token0.toLowerCase()) || poisoned.has(pool.token1.toLowerCase()));
  return { market, graph, head };
}

export type VictimOrder = { router: Parameters<typeof resolveRoute>[0]; path: string[]; fees?: number[]; amount: bigint; trader?: number };

/** A trader's signed swap (ETH in), sent to the public mempool unless `send` is false, decoded as the watcher would. */
export async function signVictim(devnet: Devnet, order: VictimOrder, send = true, nonceOffset = 0) {
  const trader = devAccount(devnet.manifest.accounts.traders[order.trader ?? 3]!.index);
  const hops = resolveRoute(order.router, order.path, order.fees, devnet.manifest.pools as never, devnet.manifest.tokens);
  const call = buildSwapCall({ router: order.router, hops, amountIn: order.amount, minAmountOut: 0n, recipient: trader.address, deadline: 2n ** 40n, ethIn: true, ethOut: false });
  const block = await devnet.client.getBlock({ blockTag: 'pending' });
  // `nonceOffset`: a transaction after the sender's earlier ones the node has not seen (sent privately).
  const nonce = (await devnet.client.getTransactionCount({ address: trader.address, blockTag: 'pending' })) + nonceOffset;
  const fields = { maxPriorityFeePerGas: 2n * 10n ** 9n, maxFeePerGas: block.baseFeePerGas! * 2n + 2n * 10n ** 9n };
  const raw = await trader.signTransaction({ chainId: devnet.manifest.chainId, type: 'eip1559', nonce, to: call.to, data: call.data, value: call.value, gas: 600_000n, ...fields });
  const hash = send ? await devnet.client.sendRawTransaction({ serializedTransaction: raw }) : keccak256(raw);
  const decoded = decodeTransaction({ hash, from: trader.address.toLowerCase(), to: call.to.toLowerCase(), value: call.value, input: call.data }, { routers: mainnetRouters });
  if ('error' in decoded) throw new Error(decoded.error);
  const pending: PendingSwaps = {
    tx: { hash, from: trader.address.toLowerCase(), to: call.to.toLowerCase(), value: call.value, input: call.data, nonce: BigInt(nonce), maxFeePerGas: fields.maxFeePerGas },
    swaps: decoded.swaps,
    firstSeenMs: 0,
    decodedMs: 0,
  };
  return { raw, hash, pending };
}

/** Our executor transaction for a candidate, signed by the devnet's searcher (the executor's operator). */
export async function signBackrun(devnet: Devnet, candidate: Candidate, target: bigint, options: { builderShareBps?: bigint; nonce?: number; operatorIndex?: number } = {}) {
  const { policy } = engineConfig(options.builderShareBps);
  // The searcher account, or another of the executor's operators (the devnet registers a few).
  const searcher = devAccount(options.operatorIndex ?? devnet.manifest.accounts.searcher.index);
  const head = await devnet.client.getBlock({ blockTag: 'pending' });
  const { raw, hash } = await signExecutorTransaction({
    account: searcher,
    chainId: devnet.manifest.chainId,
    executor: devnet.manifest.executor.address,
    plan: planFor(candidate, target, policy),
    nonce: options.nonce ?? (await devnet.client.getTransactionCount({ address: searcher.address, blockTag: 'latest' })),
    gas: 1_000_000n,
    maxPriorityFeePerGas: policy.priorityFeeWei,
    maxFeePerGas: head.baseFeePerGas! * 2n + policy.priorityFeeWei,
  });
  return { raw, hash };
}

/** A profitable backrun of a fresh victim: the victim's raw bytes and the best candidate for the next block. */
export async function prepareBackrun(devnet: Devnet, order: VictimOrder, options: { sendVictim?: boolean; builderShareBps?: bigint } = {}) {
  return backrunOf(devnet, await signVictim(devnet, order, options.sendVictim ?? true), options);
}

/** The best backrun of a signed victim on the head's state, for the next block. */
export async function backrunOf(devnet: Devnet, victim: Awaited<ReturnType<typeof signVictim>>, options: { builderShareBps?: bigint } = {}) {
  const { market, graph, head } = await loadMarket(devnet);
  const baseFee = nextBaseFee(head.baseFeePerGas!, head.gasUsed, head.gasLimit);
  /** The best candidate when the builder gets this share of the profit. */
  const candidateWith = (builderShareBps: bigint) => {
    const result = backrunCandidates(market, graph, victim.pending, baseFee, engineConfig(builderShareBps));
    if (!Array.isArray(result)) throw new Error(`no backrun: ${result.reason}`);
    return result[0]!;
  };
  return { victim, candidate: candidateWith(options.builderShareBps ?? 5000n), candidateWith, target: head.number! + 1n };
}
