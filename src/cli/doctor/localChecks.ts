import { randomBytes } from 'node:crypto';
import { existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Address } from 'viem';
import type { ResolvedChain, RunConfig } from '../../config/runConfig.ts';
import { loadSigner } from '../../config/secrets.ts';
import { minTokenLength } from '../../risk/killSwitch.ts';
import { ceilings } from './ceilings.ts';
import { duration, eth, fail, pass, reason, type Check } from './check.ts';

/**
 * The operator key, loaded as `searcher run` loads it (SEARCHER_PRIVATE_KEY or a keystore with
 * SEARCHER_KEYSTORE_PASSWORD). Only its address is shown.
 */
export async function checkOperatorKey(config: RunConfig, chain: ResolvedChain, env: NodeJS.ProcessEnv): Promise<{ check: Check; operator?: Address }> {
  const { keyEnv, keystore } = config.signer;
  const fix = `set ${keyEnv} in the bot's environment (or signer.keystore with SEARCHER_KEYSTORE_PASSWORD); never on the command line`;
  if (!env[keyEnv] && !keystore) return { check: fail('operatorKey', `no operator key: ${keyEnv} is not set and the config names no signer.keystore`, fix) };
  try {
    const account = await loadSigner({ keyEnvVar: keyEnv, ...(keystore ? { keystoreFile: keystore } : {}), passwordEnvVar: 'SEARCHER_KEYSTORE_PASSWORD', env });
    const source = keystore ? `keystore ${keystore}` : keyEnv;
    if (chain.operator && chain.operator.toLowerCase() !== account.address.toLowerCase()) {
      return { check: fail('operatorKey', `the key in ${source} is ${account.address}, the config's chain.executor.operator is ${chain.operator}`, `use the operator's key, or fix chain.executor.operator`), operator: account.address };
    }
    return { check: pass('operatorKey', `operator ${account.address} (from ${source})`), operator: account.address };
  } catch (error) {
    // SecretError messages name the variable or file, never the key.
    return { check: fail('operatorKey', (error as Error).message, fix) };
  }
}

const storeFix = 'give --db a SQLite file this user can write, in a folder that exists or can be created (searcher halt, resume and report must use the same file)';

/**
 * The store can be written: an existing one takes a write lock (BEGIN IMMEDIATE, rolled back: nothing changes),
 * a new one's folder takes a file (created and removed). The doctor creates no store.
 */
export function checkStore(dbFile: string): Check {
  if (existsSync(dbFile)) {
    if (statSync(dbFile).isDirectory()) return fail('store', `${dbFile} is a folder, not a database file`, storeFix);
    let db: Database.Database | undefined;
    try {
      db = new Database(dbFile, { fileMustExist: true, timeout: 2_000 });
      db.pragma('schema_version');
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
      return pass('store', `${dbFile} is writable (existing store)`);
    } catch (error) {
      return fail('store', `${dbFile}: ${reason(error)}`, storeFix);
    } finally {
      db?.close();
    }
  }
  let folder = dirname(dbFile);
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  if (!statSync(folder).isDirectory()) return fail('store', `${dbFile} cannot be created: ${folder} is not a folder`, storeFix);
  const probe = join(folder, `.searcher-doctor-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
    return pass('store', `${dbFile} does not exist yet; ${folder} is writable, the bot creates it`);
  } catch (error) {
    return fail('store', `${dbFile} cannot be created in ${folder}: ${reason(error)}`, storeFix);
  }
}

/** Limits past the doctor's absolute ceilings (./ceilings.ts): a breaker that can never trip. Pure. */
function ceilingProblems(config: RunConfig): string[] {
  const { gas, loss, exposure, failures, connectivity, killSwitch } = config.risk;
  const problems: string[] = [];
  const bps = (value: number) => `${value} bps (${value / 100}%)`;
  if (loss.maxDailyLossBps > ceilings.maxDailyLossBps) problems.push(`risk.loss.maxDailyLossBps is ${bps(loss.maxDailyLossBps)}: above the ceiling of ${bps(ceilings.maxDailyLossBps)} of equity a day`);
  if (loss.maxHourlyLossBps > ceilings.maxHourlyLossBps) problems.push(`risk.loss.maxHourlyLossBps is ${bps(loss.maxHourlyLossBps)}: above the ceiling of ${bps(ceilings.maxHourlyLossBps)} of equity an hour`);
  if (failures.maxConsecutive > ceilings.maxConsecutiveFailures) problems.push(`risk.failures.maxConsecutive is ${failures.maxConsecutive}: above the ceiling of ${ceilings.maxConsecutiveFailures} failed bundles in a row`);
  if (failures.cooldownMs < ceilings.minFailureCooldownMs) problems.push(`risk.failures.cooldownMs is ${duration(failures.cooldownMs)}: below the floor of ${duration(ceilings.minFailureCooldownMs)}, no pause at all`);
  if (gas.maxSpendPerBlockWei > ceilings.maxSpendPerBlockWei) problems.push(`risk.gas.maxSpendPerBlockWei is ${eth(gas.maxSpendPerBlockWei)}: above the ceiling of ${eth(ceilings.maxSpendPerBlockWei)} of gas a block`);
  const inventoryCeiling = exposure.maxInventoryAmountIn * ceilings.gasPerBlockPerInventoryCap;
  if (gas.maxSpendPerBlockWei > inventoryCeiling) problems.push(`risk.gas.maxSpendPerBlockWei is ${eth(gas.maxSpendPerBlockWei)}: above risk.exposure.maxInventoryAmountIn (${eth(inventoryCeiling, 'WETH')}), more gas in a block than a trade may risk`);
  if (connectivity.maxHeadSilenceMs > ceilings.maxHeadSilenceMs) problems.push(`risk.connectivity.maxHeadSilenceMs is ${duration(connectivity.maxHeadSilenceMs)}: above the ceiling of ${duration(ceilings.maxHeadSilenceMs)} without a new head`);
  if (connectivity.maxHeadLatencyMs > ceilings.maxHeadLatencyMs) problems.push(`risk.connectivity.maxHeadLatencyMs is ${duration(connectivity.maxHeadLatencyMs)}: above the ceiling of ${duration(ceilings.maxHeadLatencyMs)} (a slot)`);
  if (connectivity.maxSocketLatencyMs > ceilings.maxSocketLatencyMs) problems.push(`risk.connectivity.maxSocketLatencyMs is ${duration(connectivity.maxSocketLatencyMs)}: above the ceiling of ${duration(ceilings.maxSocketLatencyMs)} a round trip`);
  if (killSwitch.pollMs > ceilings.maxKillSwitchPollMs) problems.push(`risk.killSwitch.pollMs is ${duration(killSwitch.pollMs)}: a halt from another shell would wait that long (ceiling ${duration(ceilings.maxKillSwitchPollMs)})`);
  return problems;
}

/** Breaker limits that would not protect anything, or would stop every bundle. Pure. */
export function breakerProblems(config: RunConfig): string[] {
  const { gas, loss, exposure, failures } = config.risk;
  const problems: string[] = [];
  if (gas.maxGasPerBundle === 0n) problems.push('risk.gas.maxGasPerBundle is 0: no bundle fits');
  if (gas.maxSpendPerBlockWei === 0n) problems.push('risk.gas.maxSpendPerBlockWei is 0: no bundle can be paid for');
  if (gas.maxSpendPerWindowWei === 0n) problems.push('risk.gas.maxSpendPerWindowWei is 0: no bundle can be paid for');
  if (gas.maxSpendPerBlockWei > gas.maxSpendPerWindowWei) problems.push(`risk.gas.maxSpendPerBlockWei (${gas.maxSpendPerBlockWei}) is above risk.gas.maxSpendPerWindowWei (${gas.maxSpendPerWindowWei})`);
  if (loss.maxHourlyLossBps > loss.maxDailyLossBps) problems.push(`risk.loss.maxHourlyLossBps (${loss.maxHourlyLossBps}) is above risk.loss.maxDailyLossBps (${loss.maxDailyLossBps})`);
  if (loss.maxDailyLossBps >= 10_000) problems.push(`risk.loss.maxDailyLossBps (${loss.maxDailyLossBps}) lets a day lose the whole inventory: the loss cap must be below it`);
  if (exposure.maxInventoryAmountIn === 0n) problems.push('risk.exposure.maxInventoryAmountIn is 0: no trade can take inventory');
  if (config.strategy.flash && exposure.maxFlashAmount === 0n) problems.push('strategy.flash is on but risk.exposure.maxFlashAmount is 0');
  problems.push(...ceilingProblems(config));
  return problems;
}

export function checkBreakers(config: RunConfig): Check {
  const problems = breakerProblems(config);
  const { loss, gas, exposure, failures } = config.risk;
  if (problems.length > 0) return fail('breakers', problems.join('; '), 'fix these risk.* limits in the config (README: Safety model, breakers table; the doctor\'s ceilings: src/cli/doctor/ceilings.ts); omit a field to take its default');
  return pass(
    'breakers',
    `loss caps ${loss.maxHourlyLossBps}/${loss.maxDailyLossBps} bps of equity per hour/day; gas ${eth(gas.maxSpendPerBlockWei)} per block, ${eth(gas.maxSpendPerWindowWei)} per ${duration(gas.windowMs)}; inventory cap ${eth(exposure.maxInventoryAmountIn, 'WETH')}; ${failures.maxConsecutive} failures in a row pause ${duration(failures.cooldownMs)}; kill switch read every ${duration(config.risk.killSwitch.pollMs)}`,
  );
}

/** The HTTP kill switch's token: without it POST /api/halt is off (searcher halt still works). Never printed. */
export function checkKillSwitch(config: RunConfig, env: NodeJS.ProcessEnv): Check {
  const name = config.risk.killSwitch.tokenEnv;
  const token = env[name];
  const fix = `set ${name} in the bot's environment to a random token of at least ${minTokenLength} characters (for example: openssl rand -hex 24)`;
  // A bearer token is typed into curl and sent in headers: a variable that holds a key or the keystore password must not be it.
  const secretVariables = [config.signer.keyEnv, config.auth.keyEnv, 'SEARCHER_KEYSTORE_PASSWORD'];
  if (secretVariables.includes(name)) {
    return fail('killSwitch', `risk.killSwitch.tokenEnv is ${name}, which holds a key or the keystore password: that secret would be the HTTP kill switch's bearer token`, `give the token its own variable (risk.killSwitch.tokenEnv, default SEARCHER_RISK_TOKEN) with a random value of at least ${minTokenLength} characters`);
  }
  if (!token) return fail('killSwitch', `${name} is not set: POST /api/halt and the dashboard's halt button are off`, fix);
  if (token.length < minTokenLength) return fail('killSwitch', `${name} has fewer than ${minTokenLength} characters: the bot refuses it and the HTTP kill switch is off`, fix);
  return pass('killSwitch', `${name} is set (${token.length} characters): POST /api/halt works`);
}

/** 127.0.0.0/8, ::1 and localhost: only this machine reaches the dashboard (an operator uses ssh -L). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * The dashboard (P&L, positions, breaker state, the halt and resume API) on an address beyond loopback is
 * reachable from the network. With no kill-switch token its halt API is off too; either way the doctor says so.
 */
export function checkDashboard(config: RunConfig, env: NodeJS.ProcessEnv): Check {
  const { host, port } = config.dashboard;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (isLoopbackHost(host)) return pass('dashboard', `on ${where}: this machine only (reach it with ssh -L ${port}:${where})`);
  const token = env[config.risk.killSwitch.tokenEnv];
  if (!token || token.length < minTokenLength) {
    return fail(
      'dashboard',
      `on ${where}: exposed to the network, and ${config.risk.killSwitch.tokenEnv} is not set (or too short), so its halt API is off`,
      `bind it to loopback ("dashboard": {"host": "127.0.0.1"}) and use ssh -L; if it must be reachable, set ${config.risk.killSwitch.tokenEnv} and put it behind a firewall or an authenticating proxy`,
    );
  }
  return pass('dashboard', `on ${where}: exposed to the network (anyone who reaches it reads P&L and positions; halt and resume need ${config.risk.killSwitch.tokenEnv})`);
}
