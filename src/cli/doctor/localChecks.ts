import { randomBytes } from 'node:crypto';
import { existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Address } from 'viem';
import type { ResolvedChain, RunConfig } from '../../config/runConfig.ts';
import { loadSigner } from '../../config/secrets.ts';
import { minTokenLength } from '../../risk/killSwitch.ts';
import { eth, fail, pass, reason, type Check } from './check.ts';

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
  if (failures.maxConsecutive > 100) problems.push(`risk.failures.maxConsecutive (${failures.maxConsecutive}) lets over 100 failed bundles in a row through`);
  return problems;
}

export function checkBreakers(config: RunConfig): Check {
  const problems = breakerProblems(config);
  const { loss, gas, exposure, failures } = config.risk;
  if (problems.length > 0) return fail('breakers', problems.join('; '), 'fix these risk.* limits in the config (README: Safety model, breakers table); omit a field to take its default');
  return pass(
    'breakers',
    `loss caps ${loss.maxHourlyLossBps}/${loss.maxDailyLossBps} bps of equity per hour/day; gas ${eth(gas.maxSpendPerBlockWei)} per block, ${eth(gas.maxSpendPerWindowWei)} per ${gas.windowMs / 3_600_000} h; inventory cap ${eth(exposure.maxInventoryAmountIn, 'WETH')}; ${failures.maxConsecutive} failures in a row pause ${failures.cooldownMs / 60_000} min`,
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
