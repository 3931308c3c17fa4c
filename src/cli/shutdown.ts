/**
 * How `searcher run` and `searcher demo` stop. SIGTERM (systemctl stop, docker stop, kill) and SIGINT (Ctrl-C)
 * ask for a graceful stop: the caller sends nothing more, cancels its outstanding bundles at the builders, writes
 * the store, closes its connections and exits 0. A second signal while that runs (a builder that does not answer,
 * an operator who will not wait) exits at once with 1: the stop was not finished, and the exit code says so.
 *
 * The handlers stay installed until the process exits (they do not keep it alive), so a second signal is never
 * met by Node's default (dying by the signal, with no exit code and no word of what was left undone).
 */
export type StopSignalsParameters = {
  /** Where the two messages go (default: stderr). */
  write?: (line: string) => void;
  /** How the second signal ends the process (default: process.exit). */
  exit?: (code: number) => void;
};

export function stopSignals(parameters: StopSignalsParameters = {}): Promise<NodeJS.Signals> {
  const write = parameters.write ?? ((line: string) => void process.stderr.write(line));
  const exit = parameters.exit ?? ((code: number) => process.exit(code));
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    const handler = (signal: NodeJS.Signals) => {
      if (first === undefined) {
        first = signal;
        write(`searcher: ${signal}: stopping (nothing more is sent; outstanding bundles are cancelled at the builders, the store is written); ${signal === 'SIGINT' ? 'Ctrl-C' : 'send it'} again to exit at once\n`);
        resolve(signal);
        return;
      }
      write(`searcher: second ${signal}: exiting now, without finishing the stop (bundles may still be outstanding at the builders)\n`);
      exit(1);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
