/** Serves a fetch handler (`auth.handler`) over real HTTP on 127.0.0.1, on a free port. */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serveHandler(fetch: (request: Request) => Promise<Response>): Promise<Served> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
