import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWalletClient, http, toHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorImmutableReferences } from '../../src/abi/executor.generated.ts';
import { deployExecutor } from '../../src/bundle/deployExecutor.ts';
import { startAnvil, type Anvil } from '../../src/chain/anvil.ts';
import { runDoctor, type Check } from '../../src/cli/doctor/checklist.ts';
import { checkExecutorPoolManager } from '../../src/cli/doctor/executorChecks.ts';
import { mainnetV4 } from '../../src/chain/addresses.ts';
import { loadRunConfig } from '../../src/config/runConfig.ts';
import { accountIndex, devAccount } from '../../src/devnet/accounts.ts';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { devnetExecutorFactories } from '../../src/devnet/executor.ts';
import { writeManifest } from '../../src/devnet/manifest.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestDevnet } from '../helpers/devnet.ts';
import { closedPort, startHashOnlyRelay, startNodeProxy, startReserialisingProxy } from '../helpers/doctorFaults.ts';

/**
 * `searcher doctor` against one real devnet (anvil with the real contracts, the local builder producing a block
 * a second, live traffic in the mempool): a healthy config passes every check through the real CLI, and each
 * check has a broken variant that fails it with its fix. Variants change the config (and, for the executor
 * checks, deploy executors that are wrong in one way each), not the devnet.
 */

let devnet: Devnet;
let stale: Anvil | undefined;
const stops: Array<() => Promise<void>> = [];
const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
const operatorKey = toHex(devAccount(accountIndex.searcher).getHdKey().privateKey!);
const riskToken = 'doctor-test-token-0123456789';
const env = { SEARCHER_PRIVATE_KEY: operatorKey, SEARCHER_RISK_TOKEN: riskToken };
/** What the doctor must never print. */
const secrets = [operatorKey.slice(2), riskToken];

const healthyNames = [
  'config',
  'node',
  'chainId',
  'headAge',
  'latency',
  'websocket',
  'simulation',
  'builder:local',
  'operatorKey',
  'operatorGas',
  'executorCode',
  'ownerOperator',
  'inventory',
  'executorPermissions',
  'executorPoolManager',
  'operatorPool',
  'store',
  'breakers',
  'killSwitch',
  'dashboard',
];

let variant = 0;
/** Writes a config (the devnet manifest's chain, with `chain` overrides) and returns its path. */
function configFile(overrides: { chain?: Record<string, unknown>; [key: string]: unknown } = {}): string {
  const { chain, ...rest } = overrides;
  const file = join(dir, `config-${variant++}.json`);
  writeFileSync(file, JSON.stringify({ chain: chain ? { ...devnet.manifest, ...chain } : { manifest: 'manifest.json' }, ...rest }));
  return file;
}

async function doctor(overrides: Parameters<typeof configFile>[0] = {}, options: { env?: NodeJS.ProcessEnv; dbFile?: string } = {}): Promise<Check[]> {
  const loaded = loadRunConfig(configFile(overrides));
  return runDoctor({ ...loaded, dbFile: options.dbFile ?? join(dir, 'doctor.db'), env: options.env ?? env, pendingWaitMs: 8_000 });
}

function check(checks: Check[], name: string): Check {
  const found = checks.find((entry) => entry.name === name);
  if (!found) throw new Error(`no check named ${name} in ${checks.map((entry) => entry.name).join(', ')}`);
  return found;
}

/** The check failed, with a detail and a fix. */
function expectFailed(checks: Check[], name: string, detail?: RegExp, fix?: RegExp): Check {
  const found = check(checks, name);
  expect(found.ok, `${name}: ${found.detail}`).toBe(false);
  expect(found.fix.length).toBeGreaterThan(0);
  if (detail) expect(found.detail).toMatch(detail);
  if (fix) expect(found.fix).toMatch(fix);
  return found;
}

const wallet = () => createWalletClient({ account: devnet.manifest.accounts.deployer.address, chain: devnet.client.chain, transport: http(devnet.manifest.rpcUrl) });

beforeAll(async () => {
  devnet = await startTestDevnet({ traffic: true, blockTime: 1 });
  writeManifest(join(dir, 'manifest.json'), devnet.manifest);
}, 120_000);

afterAll(async () => {
  for (const stop of stops) await stop().catch(() => {});
  await stale?.stop();
  await devnet?.stop();
});

describe('searcher doctor (CLI) against the devnet', () => {
  it('a healthy config: every check passes, exit 0, a checklist of ✓ lines, no secret printed', async () => {
    const file = configFile();
    const human = await runCli(['doctor', '--config', file, '--db', join(dir, 'cli.db')], env);
    expect(human.code, human.stdout + human.stderr).toBe(0);
    const lines = human.stdout.trim().split('\n');
    for (const name of healthyNames) expect(lines.some((line) => line.startsWith('✓') && line.includes(name)), name).toBe(true);
    expect(human.stdout).not.toContain('✗');
    expect(human.stdout).toMatch(/latency: median \d+(\.\d+)? ms/);

    const json = await runCli(['doctor', '--config', file, '--db', join(dir, 'cli.db'), '--json'], env);
    expect(json.code).toBe(0);
    const { checks } = JSON.parse(json.stdout) as { checks: Check[] };
    expect(checks.map((entry) => entry.name)).toEqual(healthyNames);
    for (const entry of checks) {
      expect(Object.keys(entry)).toEqual(['name', 'ok', 'detail', 'fix']);
      expect(entry.ok, `${entry.name}: ${entry.detail}`).toBe(true);
      expect(entry.fix).toBe('');
    }
    for (const secret of secrets) for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) expect(output).not.toContain(secret);
    // The default config follows no V4 PoolManager: the check passes and says V4 is off.
    expect(checks.find((entry) => entry.name === 'executorPoolManager')!.detail).toMatch(/V4 is off/);
  }, 90_000);

  it("the executor's PoolManager: ✓ when it is the one configured factories.v4 entry; ✗ when another, none, or listed twice", async () => {
    const { v2, v3 } = loadRunConfig(configFile()).config.factories;
    const withV4 = (...managers: Address[]) => ({ factories: { v2, v3, v4: managers.map((poolManager, index) => ({ poolManager, venue: `uniswapV4-${index}` })) } });
    const healthy = await doctor(withV4(mainnetV4.poolManager));
    expect(check(healthy, 'executorPoolManager')).toMatchObject({ ok: true, fix: '' });
    expect(check(healthy, 'executorPoolManager').detail).toContain(mainnetV4.poolManager);
    const { executor } = devnet.manifest;
    const checked = (overrides: ReturnType<typeof withV4>, address = executor.address) => {
      const { config } = loadRunConfig(configFile(overrides));
      return checkExecutorPoolManager(devnet.client as never, address, config);
    };
    const other = devnet.manifest.accounts.traders[1]!.address;
    expectFailed([await checked(withV4(other))], 'executorPoolManager', new RegExp(`swaps in ${mainnetV4.poolManager}, which is not .*factories\\.v4`), /setPoolManager|factories\.v4/);
    expectFailed([await checked(withV4(mainnetV4.poolManager, mainnetV4.poolManager))], 'executorPoolManager', /listed 2 times/, /factories\.v4/);
    // An executor with V4 off while the config follows V4 pools.
    const operator = devnet.manifest.accounts.searcher.address;
    const noV4 = await deployExecutor(wallet() as never, devnet.client as never, { owner: devnet.manifest.accounts.deployer.address, operator, weth: devnet.manifest.contracts.weth, factories: devnetExecutorFactories });
    expectFailed([await checked(withV4(mainnetV4.poolManager), noV4.address)], 'executorPoolManager', /no PoolManager \(V4 off\)/, /setPoolManager/);
  }, 120_000);

  it('a wrong chain id and no kill-switch token: exit 1, both checks ✗ with their fix under them', async () => {
    const file = configFile({ chain: { chainId: 1 } });
    const result = await runCli(['doctor', '--config', file, '--db', join(dir, 'cli.db')], { SEARCHER_PRIVATE_KEY: operatorKey, SEARCHER_RISK_TOKEN: '' });
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    const chainLine = lines.findIndex((line) => line.startsWith('✗') && line.includes('chainId'));
    expect(chainLine).toBeGreaterThanOrEqual(0);
    expect(lines[chainLine]).toMatch(/node says 31337, the config says 1/);
    expect(lines[chainLine + 1]).toMatch(/^\s+fix: .*chainId/);
    const killLine = lines.findIndex((line) => line.startsWith('✗') && line.includes('killSwitch'));
    expect(lines[killLine + 1]).toMatch(/^\s+fix: .*SEARCHER_RISK_TOKEN/);
    expect(result.stdout).toMatch(/^✓ node/m);

    const json = await runCli(['doctor', '--config', file, '--db', join(dir, 'cli.db'), '--json'], { SEARCHER_PRIVATE_KEY: operatorKey, SEARCHER_RISK_TOKEN: '' });
    expect(json.code).toBe(1);
    const { checks } = JSON.parse(json.stdout) as { checks: Check[] };
    expectFailed(checks, 'chainId', /31337/);
    expectFailed(checks, 'killSwitch', /SEARCHER_RISK_TOKEN/);
    expect(check(checks, 'node').ok).toBe(true);
  }, 90_000);

  it('a stale head (a node stuck on an old block): exit 1, headAge ✗', async () => {
    // A bare anvil whose only block is from 2021: a node that stopped following the chain.
    stale = await startAnvil({ port: 0, chainId: 31337, accounts: 1, extraArgs: ['--timestamp', '1620000000'] });
    const file = configFile({ chain: { rpcUrl: stale.rpcUrl, wsUrl: stale.wsUrl } });
    const result = await runCli(['doctor', '--config', file, '--db', join(dir, 'cli.db'), '--json'], env);
    expect(result.code).toBe(1);
    const { checks } = JSON.parse(result.stdout) as { checks: Check[] };
    expectFailed(checks, 'headAge', /head .* is \d+ s old/, /sync/);
    expect(check(checks, 'node').ok).toBe(true);
    expect(check(checks, 'chainId').ok).toBe(true);
  }, 90_000);

  it('usage: no --config, an unknown flag, an invalid config exit 2', async () => {
    expect((await runCli(['doctor'])).code).toBe(2);
    expect((await runCli(['doctor', '--config', configFile(), '--frobnicate'])).code).toBe(2);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ chain: { manifest: 'manifest.json' }, submit: 'yes' }));
    const result = await runCli(['doctor', '--config', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/submit/);
    const help = await runCli(['doctor', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--json/);
  }, 60_000);
});

describe('searcher doctor: each check fails on its broken variant', () => {
  it('the node unreachable: node ✗ and every check that needs it ✗ (not passed)', async () => {
    const port = await closedPort();
    const checks = await doctor({ chain: { rpcUrl: `http://127.0.0.1:${port}` } });
    expectFailed(checks, 'node', /127\.0\.0\.1/, /rpcUrl/);
    for (const name of ['chainId', 'headAge', 'latency', 'simulation', 'operatorGas', 'executorCode', 'inventory']) expectFailed(checks, name, /node/);
  }, 60_000);

  it('the websocket dead, or streaming hashes without bodies: websocket ✗', async () => {
    const port = await closedPort();
    expectFailed(await doctor({ chain: { wsUrl: `ws://127.0.0.1:${port}` } }), 'websocket', /ECONNREFUSED|refused|cannot connect/i, /wsUrl/);
    const relay = await startHashOnlyRelay(devnet.manifest.wsUrl);
    stops.push(relay.stop);
    expectFailed(await doctor({ chain: { wsUrl: relay.url } }), 'websocket', /hash(es)? only|without (its )?bod/i, /bodies/);
  }, 60_000);

  it('no eth_simulateV1 on the node: simulation ✗; the fork backend on the same node: simulation ✓', async () => {
    const proxy = await startNodeProxy(devnet.manifest.rpcUrl, { unsupported: ['eth_simulateV1'] });
    stops.push(proxy.stop);
    const checks = await doctor({ chain: { rpcUrl: proxy.url } });
    expectFailed(checks, 'simulation', /eth_simulateV1/, /fork/);
    expect(check(checks, 'node').ok).toBe(true);
    const fork = await doctor({ chain: { rpcUrl: proxy.url }, simulation: { backend: 'fork' } });
    const simulation = check(fork, 'simulation');
    expect(simulation.ok, simulation.detail).toBe(true);
    expect(simulation.detail).toMatch(/fork/);
  }, 90_000);

  it('a slow node: latency ✗ above the configured bound, and the measured figure is reported', async () => {
    const proxy = await startNodeProxy(devnet.manifest.rpcUrl, { delayMs: 60 });
    stops.push(proxy.stop);
    const checks = await doctor({ chain: { rpcUrl: proxy.url }, risk: { connectivity: { maxSocketLatencyMs: 30 } } });
    const latency = expectFailed(checks, 'latency', /median \d+(\.\d+)? ms/, /closer|node/);
    expect(Number(/median (\d+(\.\d+)?) ms/.exec(latency.detail)![1])).toBeGreaterThanOrEqual(60);
  }, 60_000);

  it('a builder unreachable, and one whose path rewrites the body (the real builder refuses the signature): builder ✗', async () => {
    const port = await closedPort();
    const proxy = await startReserialisingProxy(devnet.manifest.builderUrl);
    stops.push(proxy.stop);
    const checks = await doctor({
      builders: [
        { name: 'local', url: devnet.manifest.builderUrl },
        { name: 'gone', url: `http://127.0.0.1:${port}` },
        { name: 'rewritten', url: proxy.url },
      ],
    });
    expect(check(checks, 'builder:local').ok).toBe(true);
    expectFailed(checks, 'builder:gone', /ECONNREFUSED|connection failed/, /url/);
    expectFailed(checks, 'builder:rewritten', /401|signature/i, /signature/i);
  }, 60_000);

  it('a builder auth key that does not load: every builder ✗ naming the variable, never the value', async () => {
    const bad = '0x1234567890abcdef1234567890abcdef';
    const checks = await doctor({}, { env: { ...env, SEARCHER_FLASHBOTS_AUTH_KEY: bad } });
    expectFailed(checks, 'builder:local', /SEARCHER_FLASHBOTS_AUTH_KEY/, /SEARCHER_FLASHBOTS_AUTH_KEY/);
    for (const entry of checks) expect(entry.detail + entry.fix).not.toContain(bad.slice(2));
    const fresh = check(await doctor(), 'config');
    expect(fresh.detail).toMatch(/builder auth key: fresh per run/);
  }, 60_000);

  it('no operator key, and an operator without ETH for gas: operatorKey ✗, operatorGas ✗', async () => {
    expectFailed(await doctor({}, { env: { SEARCHER_RISK_TOKEN: riskToken } }), 'operatorKey', /SEARCHER_PRIVATE_KEY/, /SEARCHER_PRIVATE_KEY|keystore/);
    const broke = generatePrivateKey();
    // The config names this key's address as the operator (as an operator who deployed with it would).
    const operator = privateKeyToAccount(broke).address;
    const checks = await doctor({ chain: { executor: { address: devnet.manifest.executor.address, operator } } }, { env: { SEARCHER_PRIVATE_KEY: broke, SEARCHER_RISK_TOKEN: riskToken } });
    expect(check(checks, 'operatorKey').ok).toBe(true);
    expectFailed(checks, 'operatorGas', /balance 0 ETH/, /send/i);
    for (const entry of checks) expect(entry.detail + entry.fix).not.toContain(broke.slice(2));
    // A key that is not the operator the config names.
    const mismatch = await doctor({}, { env: { SEARCHER_PRIVATE_KEY: broke, SEARCHER_RISK_TOKEN: riskToken } });
    expectFailed(mismatch, 'operatorKey', new RegExp(`${operator}.*chain\\.executor\\.operator`), /operator/);
  }, 60_000);

  it('the operator pool: the devnet operators ✓ with their balances; a key the executor does not know, or a treasury key that is one of them, ✗ naming the entry, never a key', async () => {
    const poolKeys = devnet.manifest.accounts.operators.slice(0, 2).map((operator) => toHex(devAccount(operator.index).getHdKey().privateKey!));
    const healthy = await doctor({}, { env: { ...env, SEARCHER_OPERATOR_KEYS: poolKeys.join(',') } });
    const pool = check(healthy, 'operatorPool');
    expect(pool.ok, pool.detail).toBe(true);
    expect(pool.detail).toMatch(/^2 extra operator\(s\), each an operator of the executor, holding \d/);
    // None configured: a pass that says what it costs.
    expect(check(await doctor(), 'operatorPool').detail).toMatch(/no extra operators: our bundles for one block share one nonce chain/);

    const stranger = generatePrivateKey();
    const strangerAddress = privateKeyToAccount(stranger).address;
    const unknown = await doctor({}, { env: { ...env, SEARCHER_OPERATOR_KEYS: `${poolKeys[0]},${stranger}` } });
    expectFailed(unknown, 'operatorPool', new RegExp(`${strangerAddress} is not an operator of the executor`), /setOperator/);
    const garbled = await doctor({}, { env: { ...env, SEARCHER_OPERATOR_KEYS: `${poolKeys[0]},0x1234` } });
    expectFailed(garbled, 'operatorPool', /SEARCHER_OPERATOR_KEYS entry 2/);
    const treasury = { minBalanceWei: '1', topUpToWei: '2', maxPerTopUpWei: '1', maxPerDayWei: '1', keyEnv: 'SEARCHER_TREASURY_KEY' };
    const sameAsOperator = await doctor({ treasury }, { env: { ...env, SEARCHER_OPERATOR_KEYS: poolKeys.join(','), SEARCHER_TREASURY_KEY: poolKeys[1]! } });
    expectFailed(sameAsOperator, 'operatorPool', /the treasury key \(SEARCHER_TREASURY_KEY\) is operator/, /account of its own/);
    for (const entry of [...unknown, ...garbled, ...sameAsOperator]) for (const key of [...poolKeys, stranger]) expect(entry.detail + entry.fix).not.toContain(key.slice(2));
  }, 90_000);

  it('executor code: another build or contract ✗; the same build with other immutables ✓', async () => {
    const executor = devnet.manifest.executor.address;
    const code = (await devnet.client.getCode({ address: executor }))!;
    const bytes = Buffer.from(code.slice(2), 'hex');
    // Other immutables (owner, WETH): still this build.
    const otherImmutables = Buffer.from(bytes);
    expect(executorImmutableReferences.length).toBeGreaterThan(0);
    for (const { start, length } of executorImmutableReferences) otherImmutables.fill(0xab, start, start + length);
    // One byte of code changed outside the immutables: a different build.
    const tampered = Buffer.from(bytes);
    const outside = executorImmutableReferences[0]!.start - 1;
    tampered[outside] = tampered[outside]! ^ 0xff;
    const same = '0x00000000000000000000000000000000000d0c01' as Address;
    const changed = '0x00000000000000000000000000000000000d0c02' as Address;
    await devnet.client.setCode({ address: same, bytecode: `0x${otherImmutables.toString('hex')}` as Hex });
    await devnet.client.setCode({ address: changed, bytecode: `0x${tampered.toString('hex')}` as Hex });

    const sameChecks = await doctor({ chain: { executor: { address: same } } });
    expect(check(sameChecks, 'executorCode').ok, check(sameChecks, 'executorCode').detail).toBe(true);
    expectFailed(await doctor({ chain: { executor: { address: changed } } }), 'executorCode', /differs/, /deploy/i);
    expectFailed(await doctor({ chain: { executor: { address: devnet.manifest.contracts.weth } } }), 'executorCode', /differs|length/, /deploy/i);
    expectFailed(await doctor({ chain: { executor: { address: '0x00000000000000000000000000000000000d0c03' } } }), 'executorCode', /no code/, /deploy/i);
  }, 90_000);

  it('owner == operator, an executor without inventory, without our operator, without a factory, below our builder share: each ✗', async () => {
    const { rpcUrl, contracts } = devnet.manifest;
    const operator = devnet.manifest.accounts.searcher.address;
    const sameOwner = await deployExecutor(
      createWalletClient({ account: operator, chain: devnet.client.chain, transport: http(rpcUrl) }) as never,
      devnet.client as never,
      { owner: operator, operator, weth: contracts.weth, factories: devnetExecutorFactories, sameOwner: true },
    );
    const sameChecks = await doctor({ chain: { executor: { address: sameOwner.address } } });
    expectFailed(sameChecks, 'ownerOperator', /owner .* is the operator/, /cold/);
    expect(check(sameChecks, 'executorCode').ok).toBe(true);
    // Nothing funded it.
    expectFailed(sameChecks, 'inventory', /0 WETH/, /WETH/);

    // Owned by the deployer, operated by someone else: our key cannot call execute.
    const trader = devnet.manifest.accounts.traders[0]!.address;
    const notOurs = await deployExecutor(wallet() as never, devnet.client as never, { owner: devnet.manifest.accounts.deployer.address, operator: trader, weth: contracts.weth, factories: devnetExecutorFactories });
    expectFailed(await doctor({ chain: { executor: { address: notOurs.address } } }), 'executorPermissions', /not an operator/, /setOperator/);

    // The config tracks a factory the executor does not know: every plan through its pools would revert.
    const unknownFactory = '0x00000000000000000000000000000000000fac70';
    const extra = await doctor({ factories: { v2: [{ address: unknownFactory, feeBps: 30, venue: 'other' }], v3: [] } });
    expectFailed(extra, 'executorPermissions', /not registered/i, /registerFactory/);
    // A builder share above the owner's cap (the devnet's 9,900 bps): every plan would revert.
    expectFailed(await doctor({ strategy: { builderShareBps: 9_950 } }), 'executorPermissions', /9950 .* above .* 9900/, /setMaxBuilderShareBps|builderShareBps/);
    // An inventory cap above what the executor holds (100 WETH): trades near the cap would revert.
    expectFailed(await doctor({ risk: { exposure: { maxInventoryAmountIn: (1000n * 10n ** 18n).toString() } } }), 'inventory', /holds 100 WETH, below the inventory cap 1000 WETH/, /maxInventoryAmountIn|fund/);
  }, 120_000);

  it('an unwritable store (its folder is a file; a file that is not a database): store ✗', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    expectFailed(await doctor({}, { dbFile: join(file, 'searcher.db') }), 'store', /not-a-folder/, /--db/);
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a sqlite database, not even its header...........................................');
    expectFailed(await doctor({}, { dbFile: garbage }), 'store', /garbage\.db/, /--db/);
  }, 60_000);

  it('insane breaker limits: breakers ✗ naming each', async () => {
    const checks = await doctor({
      risk: {
        gas: { maxSpendPerBlockWei: '0' },
        loss: { maxHourlyLossBps: 500, maxDailyLossBps: 300 },
      },
    });
    const breakers = expectFailed(checks, 'breakers', /gas\.maxSpendPerBlockWei/, /risk\./);
    expect(breakers.detail).toMatch(/maxHourlyLossBps/);
    expectFailed(await doctor({ risk: { loss: { maxDailyLossBps: 10_000 } } }), 'breakers', /maxDailyLossBps .* whole inventory/);
  }, 60_000);

  it('a kill-switch token too short to be safe: killSwitch ✗ (the token itself never printed)', async () => {
    const checks = await doctor({}, { env: { SEARCHER_PRIVATE_KEY: operatorKey, SEARCHER_RISK_TOKEN: 'short' } });
    const kill = expectFailed(checks, 'killSwitch', /16 characters/, /SEARCHER_RISK_TOKEN/);
    expect(kill.detail + kill.fix).not.toMatch(/\bshort\b/);
  }, 60_000);
});
