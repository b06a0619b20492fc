// A PostgreSQL outage for one run's processes without stopping the cluster other tests share: the
// processes reach PostgreSQL through this TCP proxy, and an outage closes the proxy's port (new
// connections are refused, as with a stopped server) and drops every open connection (as a stopping
// server ends its sessions), then listens again on the same port. The harness itself connects
// directly, so it can watch the run while the processes cannot.
import net from "node:net";

export interface PgOutageProxy {
  port: number;
  /** The database URL through the proxy (same credentials and database). */
  urlFor(databaseUrl: string): string;
  /** Down for `downMs` (refused and dropped), `whileDown` running meanwhile; then back. */
  outage(downMs: number, whileDown?: () => Promise<void>): Promise<{ dropped: number }>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startPgOutageProxy(databaseUrl: string): Promise<PgOutageProxy> {
  const target = new URL(databaseUrl);
  const targetPort = Number(target.port || 5432);
  const targetHost = target.hostname;
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;

  const listen = async () => {
    const s = net.createServer((client) => {
      const upstream = net.connect(targetPort, targetHost);
      sockets.add(client);
      sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve());
    });
    port = (s.address() as net.AddressInfo).port;
    server = s;
  };

  await listen();
  return {
    get port() {
      return port;
    },
    urlFor(url) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    async outage(downMs, whileDown) {
      const s = server;
      server = null;
      const closed = s ? new Promise((r) => s.close(r)) : Promise.resolve();
      const dropped = sockets.size / 2;
      for (const sock of sockets) sock.destroy();
      sockets.clear();
      await closed;
      const until = Date.now() + downMs;
      if (whileDown) await whileDown();
      await sleep(Math.max(0, until - Date.now()));
      await listen();
      return { dropped: Math.floor(dropped) };
    },
    async close() {
      const s = server;
      server = null;
      for (const sock of sockets) sock.destroy();
      sockets.clear();
      if (s) await new Promise((r) => s.close(r));
    },
  };
}
