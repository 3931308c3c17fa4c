/**
 * How `searcher run` and `searcher demo` stop. SIGTERM (systemctl stop, docker stop, kill), SIGINT (Ctrl-C) and
 * SIGHUP (the terminal or ssh session went away) ask for a graceful stop: the caller sends nothing more, cancels its outstanding bundles at the builders, writes
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
  /**
   * True once the caller's bot has stopped (bundles cancelled, store written) and only other work is left (the
   * demo's grading, the devnet's teardown): a signal then exits at once with 1, saying nothing is outstanding.
   */
  stopped?: () => boolean;
};

export function stopSignals(parameters: StopSignalsParameters = {}): Promise<NodeJS.Signals> {
  const write = parameters.write ?? ((line: string) => void process.stderr.write(line));
  const exit = parameters.exit ?? ((code: number) => process.exit(code));
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    const handler = (signal: NodeJS.Signals) => {
      if (parameters.stopped?.()) {
        write(`searcher: ${signal}: exiting now; the bot had already stopped (no bundle outstanding, the store written)\n`);
        exit(1);
        return;
      }
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
    // The terminal went away (an ssh session dropped, the terminal window closed): Node's default for SIGHUP is
    // to die on the spot, with bundles outstanding at the builders.
    process.on('SIGHUP', handler);
  });
}

/**
 * Output that nobody reads any more must not stop the bot: when the reader of stdout or stderr goes away (a pipe
 * into `timeout 8 cat`, a closed terminal), writes fail with EPIPE, which Node raises as an 'error' event and, with
 * no listener, as an uncaught exception that ends the process with bundles outstanding. The bot keeps trading
 * instead, as a daemon whose terminal went away does: its lines are dropped (a --log-file still gets the log), the
 * store and /metrics carry on, and SIGTERM still stops it gracefully. Writes to a closed pipe fail at once, so
 * nothing waits on them.
 */
export function surviveClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') === 0) stream.on('error', () => {});
  }
}
