import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between a client and a real node, to produce network faults on demand: `sever()` cuts every
 * connection (the client sees a close); `blackhole()` keeps connections open but stops moving bytes, and
 * new connections hang (only a heartbeat can tell); `restore()` goes back to relaying. The bytes relayed are
 * the real protocol, untouched.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<[Socket, Socket]>();
  private mode: 'relay' | 'blackhole' = 'relay';
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.on('data', (chunk) => {
        if (this.mode === 'relay') upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (this.mode === 'relay') client.write(chunk);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  sever(): void {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  blackhole(): void {
    this.mode = 'blackhole';
  }

  /** Relays again; connections that lived through the blackhole are cut (their streams lost bytes). */
  restore(): void {
    this.sever();
    this.mode = 'relay';
  }

  async stop(): Promise<void> {
    this.sever();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
