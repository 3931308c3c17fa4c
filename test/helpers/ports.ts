import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on: the OS picks a free one, we bind it and let it go. Use it for a
 * server started right after (a free port) or for a connection that must be refused (a closed port).
 */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
