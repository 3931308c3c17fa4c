import { parseAbi, type Address, type PublicClient } from 'viem';
import type { ResolvedChain, RunConfig } from '../../config/runConfig.ts';
import { loadOperatorPool } from '../../config/operatorKeys.ts';
import { loadSigner } from '../../config/secrets.ts';
import { eth, fail, pass, reason, type Check } from './check.ts';

const isOperatorAbi = parseAbi(['function isOperator(address) view returns (bool)']);

/**
 * The operator pool as `searcher run` loads it (signer.operatorKeysEnv, signer.operatorKeystores): each key loads,
 * is an operator of the executor, and holds gas money for a bundle (`needed`), or the treasury can top it up
 * (its key loads and is none of the operators). No pool is a pass that says what it costs. Errors name the
 * variable or file and the entry, never a key.
 */
export async function checkOperatorPool(client: PublicClient, chain: ResolvedChain, config: RunConfig, env: NodeJS.ProcessEnv, main: Address | undefined, needed: bigint): Promise<Check> {
  const { operatorKeysEnv, operatorKeystores } = config.signer;
  const fix = `give ${operatorKeysEnv} (comma-separated keys) or signer.operatorKeystores only keys the executor's owner made operators (setOperator), none of them the main operator's`;
  let pool: Array<{ address: Address }>;
  try {
    pool = await loadOperatorPool({ envVar: operatorKeysEnv, ...(main ? { main } : {}), ...(operatorKeystores ? { keystoreFiles: operatorKeystores } : {}), passwordEnvVar: 'SEARCHER_KEYSTORE_PASSWORD', env });
  } catch (error) {
    return fail('operatorPool', (error as Error).message, fix);
  }
  if (pool.length === 0) {
    return pass('operatorPool', `no extra operators: our bundles for one block share one nonce chain, so one that misses fails those after it (${operatorKeysEnv} or signer.operatorKeystores adds some)`);
  }
  let treasury: Address | undefined;
  if (config.treasury?.keyEnv) {
    try {
      treasury = (await loadSigner({ keyEnvVar: config.treasury.keyEnv, passwordEnvVar: 'SEARCHER_KEYSTORE_PASSWORD', env })).address;
    } catch (error) {
      return fail('operatorPool', `the treasury key did not load: ${(error as Error).message}`, `set ${config.treasury.keyEnv} to the treasury's key, or remove treasury.keyEnv (the main operator then funds the pool at start only)`);
    }
    if (pool.some((operator) => operator.address.toLowerCase() === treasury!.toLowerCase())) {
      return fail('operatorPool', `the treasury key (${config.treasury.keyEnv}) is operator ${treasury}`, 'the treasury must be an account of its own: its transfers would take the nonces that operator counts on');
    }
  }
  const problems: string[] = [];
  const balances: bigint[] = [];
  try {
    for (const { address } of pool) {
      const [allowed, balance] = await Promise.all([client.readContract({ address: chain.executor, abi: isOperatorAbi, functionName: 'isOperator', args: [address] }), client.getBalance({ address })]);
      balances.push(balance);
      if (!allowed) problems.push(`${address} is not an operator of the executor ${chain.executor}`);
      else if (balance < needed && !config.treasury) problems.push(`${address} holds ${eth(balance)}, needs ${eth(needed)} for gas (and no treasury tops it up)`);
    }
  } catch (error) {
    return fail('operatorPool', `reading the pool failed: ${reason(error)}`, 'the node must answer eth_call and eth_getBalance');
  }
  if (problems.length > 0) return fail('operatorPool', problems.join('; '), `${fix}; fund each with gas money or configure a treasury`);
  const funding = config.treasury ? `, topped up below ${eth(config.treasury.minBalanceWei)} by ${treasury ? `the treasury ${treasury}` : 'the main operator at start'}` : '';
  return pass('operatorPool', `${pool.length} extra operator(s), each an operator of the executor, holding ${balances.map((balance) => eth(balance)).join(', ')}${funding}`);
}
