import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import { loadAuthAccount } from '../../config/authKey.ts';
import type { ResolvedBuilder, ResolvedChain, RunConfig } from '../../config/runConfig.ts';
import { redactText } from '../../redact.ts';
import { checkBuilder } from './builderCheck.ts';
import { blocked, fail, pass, type Check } from './check.ts';
import { checkExecutorCode, checkExecutorPermissions, checkExecutorPoolManager, checkInventory, checkOperatorGas, checkOwnerOperator, operatorGasNeeded } from './executorChecks.ts';
import { checkOperatorPool } from './poolChecks.ts';
import { checkBreakers, checkDashboard, checkKillSwitch, checkOperatorKey, checkStore } from './localChecks.ts';
import { checkChainId, checkHeadAge, checkLatency, checkNode } from './nodeChecks.ts';
import { checkSimulation } from './simulationCheck.ts';
import { checkWebsocket } from './websocketCheck.ts';

export type { Check } from './check.ts';

export type DoctorParameters = {
  config: RunConfig;
  chain: ResolvedChain;
  builders: ResolvedBuilder[];
  /** The store the bot would use (`--db`). */
  dbFile: string;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the first pending transaction on the websocket (default 15 s). */
  pendingWaitMs?: number;
  /** Wall clock in ms (the head's age is measured against it). */
  now?: () => number;
  /** Each request to the node (default 5 s). */
  requestTimeoutMs?: number;
};

/**
 * Every check `searcher doctor` makes, in a fixed order, all of them always present: a check that needs something
 * that failed (the node, the operator key) fails too, saying so, never passes by default. Contacts only the
 * config's node and builders; sends no transaction and no bundle; creates no store. Details and fixes carry no
 * secret (URLs are redacted, keys and tokens are never read into them).
 */
export async function runDoctor(parameters: DoctorParameters): Promise<Check[]> {
  const { config, chain, builders, dbFile } = parameters;
  const env = parameters.env ?? process.env;
  const now = parameters.now ?? Date.now;
  const timeout = parameters.requestTimeoutMs ?? 5_000;
  const client = createPublicClient({ transport: http(chain.rpcUrl, { retryCount: 0, timeout }) }) as PublicClient;

  // The websocket waits for mempool traffic: it runs beside everything else.
  const websocket = checkWebsocket({ wsUrl: chain.wsUrl, chainId: chain.chainId, pendingWaitMs: parameters.pendingWaitMs ?? 15_000, requestTimeoutMs: timeout });
  // The builders' reputation key, as `searcher run` loads it; one that does not load fails every builder check.
  let auth: ReturnType<typeof loadAuthAccount> | undefined;
  let authProblem = '';
  try {
    auth = loadAuthAccount(config.auth.keyEnv, env);
  } catch (error) {
    authProblem = (error as Error).message; // a SecretError: names the variable, never the key
  }
  const builderChecks = Promise.all(
    builders.map((builder) =>
      auth ? checkBuilder(builder, auth.account) : blocked(`builder:${builder.name}`, `the builder auth key did not load: ${authProblem}`, `set ${config.auth.keyEnv} to a 32-byte hex key, or unset it for a fresh key per run`),
    ),
  );
  const key = await checkOperatorKey(config, chain, env);
  const node = await checkNode(client, chain.rpcUrl);
  const facts = node.facts;
  const nodeDown = 'the node did not answer';
  const nodeFix = 'fix the node first (see "node")';
  const onNode = async (name: string, run: () => Promise<Check> | Check): Promise<Check> => (facts ? run() : blocked(name, nodeDown, nodeFix));
  const onOperator = async (name: string, run: (operator: Address) => Promise<Check>): Promise<Check> => {
    if (!facts) return blocked(name, nodeDown, nodeFix);
    if (!key.operator) return blocked(name, 'no operator key', 'fix "operatorKey" first');
    return run(key.operator);
  };

  const [chainId, latency, simulation, operatorGas, executorCode, ownerOperator, inventory, permissions, poolManager, operatorPool] = await Promise.all([
    onNode('chainId', () => checkChainId(client, chain.chainId)),
    onNode('latency', () => checkLatency(client, config)),
    onNode('simulation', () => checkSimulation(client, chain, config, facts!.head)),
    onOperator('operatorGas', (operator) => checkOperatorGas(client, operator, config, facts!)),
    onNode('executorCode', () => checkExecutorCode(client, chain.executor)),
    onOperator('ownerOperator', (operator) => checkOwnerOperator(client, chain.executor, operator)),
    onNode('inventory', () => checkInventory(client, chain, config)),
    onOperator('executorPermissions', (operator) => checkExecutorPermissions(client, chain, config, operator)),
    onNode('executorPoolManager', () => checkExecutorPoolManager(client, chain.executor, config)),
    onNode('operatorPool', () => checkOperatorPool(client, chain, config, env, key.operator, operatorGasNeeded(config, facts!))),
  ]);
  const headAge = facts ? checkHeadAge(facts, config, now()) : blocked('headAge', nodeDown, nodeFix);

  const checks: Check[] = [
    pass(
      'config',
      `${chain.chainId === 1 ? 'mainnet' : `chain ${chain.chainId}`}, ${builders.length} builder(s), ${config.submit ? 'submit: true (bundles are sent)' : 'submit: false (dry: nothing is sent)'}, simulation ${config.simulation.backend}` +
        (auth?.ephemeral ? `; builder auth key: fresh per run (${config.auth.keyEnv} unset: builders see a new identity each start)` : ''),
    ),
    node.check,
    chainId,
    headAge,
    latency,
    await websocket,
    simulation,
    ...(builders.length > 0 ? await builderChecks : [fail('builders', 'no builder configured', 'list at least one builder in builders[]')]),
    key.check,
    operatorGas,
    executorCode,
    ownerOperator,
    inventory,
    permissions,
    poolManager,
    operatorPool,
    checkStore(dbFile),
    checkBreakers(config),
    checkKillSwitch(config, env),
    checkDashboard(config, env),
  ];
  return checks.map((check) => ({ name: check.name, ok: check.ok, detail: redactText(check.detail), fix: redactText(check.fix) }));
}
