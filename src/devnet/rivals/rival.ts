import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { loadRunConfig } from '../../config/runConfig.ts';
import type { Logger } from '../../log.ts';
import { SearcherApp } from '../../searcher.ts';
import { accountIndex, devSigningAccount } from '../accounts.ts';
import type { DevnetClient } from '../client.ts';
import { deployDevnetExecutor } from '../executor.ts';
import type { DevnetManifest } from '../manifest.ts';
import type { BlockReport } from '../builder/builder.ts';
import { devnetCall } from '../truth/devnetCall.ts';
import { nextAdaptiveShare } from './adaptive.ts';
import { DelayProxy } from './delayProxy.ts';
import { HeadsOnlyRelay } from './headsOnlyRelay.ts';
import type { Rival } from './schema.ts';

/** What the manifest says of a rival: addresses only (its keys are devnet keys, derived, never written). */
export type RivalInfo = { name: string; strategy: Rival['strategy']; latencyMs: number; operator: Address; authSigner: Address; executor: Address };

/** A rival's keys: devnet accounts of its own (not the bot's), by its position in the list. */
export function rivalAccounts(position: number): { operator: PrivateKeyAccount; auth: PrivateKeyAccount } {
  return { operator: devSigningAccount(accountIndex.firstRival + 2 * position), auth: devSigningAccount(accountIndex.firstRival + 2 * position + 1) };
}

/**
 * Deploys each rival's executor (owner: the devnet's deployer; operator: the rival's own account, given gas money)
 * with the same WETH inventory as the bot's. Needs the devnet still mining on demand (before the builder takes over).
 */
export async function deployRivalExecutors(client: DevnetClient, owner: Address, rivals: readonly Rival[], inventoryWei: bigint): Promise<RivalInfo[]> {
  const infos: RivalInfo[] = [];
  for (const [position, rival] of rivals.entries()) {
    const { operator, auth } = rivalAccounts(position);
    await client.setBalance({ address: operator.address, value: 100n * 10n ** 18n });
    const executor = await deployDevnetExecutor(client, owner, operator.address, inventoryWei);
    infos.push({ name: rival.name, strategy: rival.strategy, latencyMs: rival.latencyMs, operator: operator.address, authSigner: auth.address, executor: executor.address });
  }
  return infos;
}

export type RunningRival = { name: string; app: SearcherApp; shareBps: () => number; stop(): Promise<void> };

/**
 * One rival searcher: the bot's own parts (SearcherApp: the same search, exact simulation, signing, builders and
 * relays) with the rival's keys, its executor, its builder share, a store of its own and no dashboard. It hears the
 * node and the private streams `latencyMs` late (a delaying proxy in front of each); a block-state arbitrageur
 * hears only heads (no pending transactions, no private flow).
 */
/** `logger`: the process's logger without a component (the app names its parts; each line also names the rival). */
export async function startRival(input: { rival: Rival; position: number; info: RivalInfo; manifest: DevnetManifest; logger: Logger }): Promise<RunningRival> {
  const { rival, info, manifest } = input;
  const dir = mkdtempSync(join(tmpdir(), `searcher-rival-${rival.name}-`));
  const closers: Array<{ stop(): Promise<void> }> = [];
  const delayed = async (url: string) => {
    if (rival.latencyMs === 0) return url;
    const proxy = await DelayProxy.start(url, rival.latencyMs);
    closers.push(proxy);
    return proxy.url;
  };
  try {
    let wsUrl = manifest.wsUrl;
    if (rival.strategy === 'blockArb') {
      const relay = await HeadsOnlyRelay.start(wsUrl);
      closers.push(relay);
      wsUrl = relay.url;
    }
    const { mevBlocker, mevShare, rivals: _rivals, ...rest } = manifest;
    const chain = {
      ...rest,
      wsUrl: await delayed(wsUrl),
      executor: { address: info.executor, owner: manifest.accounts.deployer.address, operator: info.operator, inventoryWei: manifest.executor.inventoryWei },
      ...(rival.strategy === 'backrun' ? { mevBlocker: { rpcUrl: mevBlocker.rpcUrl, wsUrl: await delayed(mevBlocker.wsUrl) } } : {}),
      ...(rival.strategy === 'backrun' && mevShare ? { mevShare: { apiUrl: mevShare.apiUrl, streamUrl: await delayed(mevShare.streamUrl) } } : {}),
    };
    let shareBps = rival.bidShareBps ?? rival.policy!.startBps;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ chain, strategy: { builderShareBps: shareBps } }));
    const { config, chain: resolved, builders } = loadRunConfig(join(dir, 'config.json'));
    const { operator, auth } = rivalAccounts(input.position);
    const logger = input.logger.child({ rival: rival.name });
    const policy = rival.policy;
    let app: SearcherApp | undefined;
    app = await SearcherApp.start({
      config,
      chain: resolved,
      builders,
      dbFile: join(dir, 'rival.db'),
      instance: rival.name,
      dryRun: false,
      signer: operator,
      laneSigners: [],
      authAccount: auth,
      dashboard: false,
      logger,
      ...(policy
        ? {
            // What the builder reported of its own bundles in each block it saw: won, or outbid (as getBundleStatsV2 tells any loser).
            onBlock: (summary) => {
              void devnetCall<BlockReport>(manifest.builderUrl, 'builder_blockReport', [`0x${summary.number.toString(16)}`])
                .then((report) => {
                  const mine = (entry: { senders: Address[] }) => entry.senders.some((sender) => sender.toLowerCase() === info.operator.toLowerCase());
                  const outcome = { won: report.included.filter(mine).length, outbid: report.excluded.filter((entry) => entry.reason === 'outbid' && mine(entry)).length };
                  const next = nextAdaptiveShare(policy, shareBps, outcome);
                  if (next !== shareBps && app) {
                    setBuilderShare(app, next);
                    logger.debug({ from: shareBps, to: next, ...outcome }, 'rival: adaptive share moved');
                    shareBps = next;
                  }
                })
                .catch(() => {});
            },
          }
        : {}),
    });
    const running = app;
    // Checked now, not at the first move (a failure there would only be logged): the rival refuses to start instead.
    if (policy) setBuilderShare(running, shareBps);
    return {
      name: rival.name,
      app: running,
      shareBps: () => shareBps,
      stop: async () => {
        await running.stop().catch(() => {});
        for (const closer of closers) await closer.stop().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const closer of closers) await closer.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

type SharePolicy = { builderShareBps: bigint };

/**
 * Moves a running app's fixed builder share: the engine's policy (search, sizing, decisions, blind backruns) and the
 * dispatcher's (plans it signs) are plain objects read per decision. The bot offers no setter for this (its own
 * bidding is another matter), so the rival reaches them, and fails loudly if their shape has changed.
 */
function setBuilderShare(app: SearcherApp, bps: number): void {
  const engine = app.engine as unknown as { engineConfig?: { policy?: SharePolicy }; parameters?: { dispatcher?: { parameters?: { policy?: SharePolicy } } } };
  const policies = [engine.engineConfig?.policy, engine.parameters?.dispatcher?.parameters?.policy];
  if (policies.some((policy) => typeof policy?.builderShareBps !== 'bigint')) throw new Error('adaptive rival: the app no longer exposes its builder-share policy where the rival expects it');
  for (const policy of policies) policy!.builderShareBps = BigInt(bps);
  // The bidding policy prices every opportunity (strategy.bidding, fixed for a rival): its share moves too.
  const bidding = app.engine.bidding;
  if (!bidding) throw new Error('adaptive rival: the app has no bidding policy to move');
  bidding.setFixedShareBps(bps);
}
