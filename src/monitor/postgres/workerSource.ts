/**
 * The worker thread that holds the store's PostgreSQL connection (node-postgres). Plain JavaScript evaluated as
 * the worker's script, so the same code runs from src/ under tsx and from the esbuild bundle in dist/ (a worker
 * file would need a loader in one and a second entry point in the other).
 *
 * Protocol: one request at a time on `port` ({ id, op: 'connect' | 'query' | 'close' }); the reply, with the
 * request's id, is posted on `port`, then `signal[0]` is set to 1 and notified. The main thread sleeps in
 * Atomics.wait meanwhile and takes the reply with receiveMessageOnPort: a statement has run (and a COMMIT has committed) when its call returns.
 */
export const workerSource = String.raw`
const { workerData } = require('node:worker_threads');
const { port, signal, pgPath } = workerData;
const pg = require(pgPath);
// int8 (counts, ids, block numbers, unix ms) as a number when exact, else a bigint; numeric (wei) stays a
// decimal string, exact at any size.
const int8 = (text) => { const n = Number(text); return Number.isSafeInteger(n) ? n : BigInt(text); };
const types = { getTypeParser: (oid, format) => (oid === 20 ? int8 : pg.types.getTypeParser(oid, format)) };
let client;
let lost;
function reply(id, message) {
  port.postMessage({ ...message, id });
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
port.on('message', async (request) => {
  const id = request.id;
  try {
    if (request.op === 'connect') {
      client = new pg.Client({ connectionString: request.url, connectionTimeoutMillis: request.connectTimeoutMs, keepAlive: true, application_name: 'searcher', types });
      client.on('error', (error) => { lost = error.message; });
      await client.connect();
      reply(id, { ok: true });
    } else if (request.op === 'query') {
      if (lost !== undefined) throw Object.assign(new Error('the connection to the server was lost: ' + lost), { code: 'LOST' });
      const result = request.params === undefined ? await client.query(request.sql) : await client.query({ text: request.sql, values: request.params });
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      reply(id, { ok: true, rows: last ? last.rows : [], rowCount: last ? last.rowCount ?? 0 : 0 });
    } else if (request.op === 'close') {
      if (client) await client.end().catch(() => {});
      reply(id, { ok: true });
      port.close();
    }
  } catch (error) {
    reply(id, { ok: false, message: String((error && error.message) || error), code: error && error.code });
  }
});
`;
