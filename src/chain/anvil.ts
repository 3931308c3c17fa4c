import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { childEnvironment } from './childEnv.ts';
import { SearcherError } from '../errors.ts';

export type StartAnvilParameters = {
  /** TCP port; 0 lets the OS pick a free one (what tests use). */
  port: number;
  host?: string;
  chainId: number;
  /** How many funded dev accounts anvil derives from its default mnemonic. */
  accounts: number;
  /** Extra CLI flags, e.g. `--fork-url`. Never a secret: every local user can read a command line. */
  extraArgs?: readonly string[];
  /** How long stop() waits after SIGTERM before SIGKILL (default 3 s; longer when anvil dumps its state on exit). */
  stopGraceMs?: number;
};

export type Anvil = {
  rpcUrl: string;
  wsUrl: string;
  port: number;
  pid: number;
  /** Stops anvil and waits for it to exit (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
};

export class AnvilNotFoundError extends SearcherError {
  constructor(cause?: unknown, path?: string) {
    super(
      'ANVIL_NOT_FOUND',
      path
        ? `anvil binary not found at ${path} (SEARCHER_ANVIL): fix the path, or unset it to use the npm anvil`
        : 'anvil binary not found: run `npm install` (it installs @foundry-rs/anvil)',
      { cause },
    );
  }
}

export class PortInUseError extends SearcherError {
  constructor(host: string, port: number) {
    super('PORT_IN_USE', `port ${port} on ${host} is in use: stop what listens there, or pass --port 0 for a free port`);
  }
}

export class AnvilStartError extends SearcherError {}

const require = createRequire(import.meta.url);

/** Path of the anvil binary: $SEARCHER_ANVIL if set, else the one the `@foundry-rs/anvil` npm package installed. */
export function anvilBinaryPath(): string {
  const override = process.env.SEARCHER_ANVIL;
  if (override) {
    if (!existsSync(override)) throw new AnvilNotFoundError(undefined, override);
    return override;
  }
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  let path: string;
  try {
    path = join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', 'anvil');
  } catch (cause) {
    throw new AnvilNotFoundError(cause);
  }
  if (!existsSync(path)) throw new AnvilNotFoundError();
  return path;
}

async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A process that exits for any reason takes its anvils with it: nothing keeps running behind a user's back. */
function killChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

/** Starts anvil and resolves once it listens; rejects with a clear error if it cannot. */
export async function startAnvil(parameters: StartAnvilParameters): Promise<Anvil> {
  const host = parameters.host ?? '127.0.0.1';
  const binary = anvilBinaryPath();
  await assertPortFree(host, parameters.port);
  const args = [
    '--host', host,
    '--port', String(parameters.port),
    '--chain-id', String(parameters.chainId),
    '--accounts', String(parameters.accounts),
    ...(parameters.extraArgs ?? []),
  ];
  // anvil runs under a small sh guard: it dies with its parent however the parent dies (the guard's stdin is a
  // pipe from this process; when that closes, even after a SIGKILL, the guard kills anvil), and a SIGTERM to
  // the guard stops anvil. The guard exits when anvil does, so start-up failures surface at once.
  // anvil keeps block states it pages out of memory in $HOME/.foundry/anvil/tmp and removes them only on a clean
  // exit: killed (a test run torn down, a parent that died), it left ~130 MB per devnet behind, tens of GB over a
  // day. Each anvil gets a home of its own under the temp folder, which the guard removes once anvil is gone.
  const home = mkdtempSync(join(tmpdir(), 'searcher-anvil-'));
  const guard = [
    'exec 3<&0', // background jobs get /dev/null as stdin: keep the pipe on fd 3 for the watcher
    '"$0" "$@" & pid=$!',
    '( cat <&3 >/dev/null; kill $pid 2>/dev/null ) & watcher=$!',
    'cleanup() { rm -rf "$ANVIL_TMP_HOME"; }',
    "trap 'kill $pid $watcher 2>/dev/null; wait $pid; cleanup; exit 0' TERM INT HUP",
    'wait $pid; status=$?',
    'kill $watcher 2>/dev/null',
    'cleanup',
    'exit $status',
  ].join('\n');
  // No secrets in the child: it gets an allowlisted environment, never the bot's keys or passwords.
  const child = spawn('sh', ['-c', guard, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...childEnvironment(), HOME: home, ANVIL_TMP_HOME: home } });
  liveChildren.add(child);
  killChildrenOnExit();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => {
    liveChildren.delete(child);
    // The guard removes it; this covers a guard that was itself killed.
    rmSync(home, { recursive: true, force: true });
  });

  // anvil logs every request; keep only the tail, for error messages, and keep the pipes drained.
  const tail: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) tail.push(line);
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  child.stderr.on('data', remember);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new AnvilStartError('ANVIL_START', `anvil did not start listening within 30 s:\n${tail.slice(-5).join('\n')}`));
    }, 30_000);
    timer.unref();
    child.once('exit', () => clearTimeout(timer));
    let buffered = '';
    const onData = (chunk: Buffer) => {
      remember(chunk);
      buffered += chunk.toString('utf8');
      const match = /Listening on [^\s:]+:(\d+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.once('error', (error) => reject(new AnvilStartError('ANVIL_START', `anvil failed to start: ${error.message}`, { cause: error })));
    child.once('exit', (code) => {
      const reason = tail.join('\n').includes('Address already in use')
        ? new PortInUseError(host, parameters.port)
        : new AnvilStartError('ANVIL_START', `anvil exited with code ${code} before listening:\n${tail.slice(-5).join('\n')}`);
      reject(reason);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), parameters.stopGraceMs ?? 3000);
      await exited;
      clearTimeout(timer);
      child.stdin.destroy();
    })();
    return stopping;
  };

  return { rpcUrl: `http://${host}:${port}`, wsUrl: `ws://${host}:${port}`, port, pid: child.pid!, stop };
}
