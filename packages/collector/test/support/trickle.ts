import { connect } from "node:net";

export interface Trickled {
  /** Everything the server wrote back. */
  text: string;
  /** When the connection closed, from the first byte sent. */
  afterMs: number;
}

/**
 * A slow-loris client: writes `head`, then `drip` once a second, forever.
 * Resolves once the connection closes, which the server should do; past
 * `limitMs` the client gives up and closes it itself.
 */
export function trickle(url: string, head: string, options: { drip?: string; limitMs: number }): Promise<Trickled> {
  const started = Date.now();
  const socket = connect(Number(new URL(url).port), "127.0.0.1");
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    text += chunk;
  });
  socket.on("error", () => {});
  socket.write(head);
  const drip = setInterval(() => socket.writable && socket.write(options.drip ?? " "), 1000);
  const limit = setTimeout(() => socket.destroy(), options.limitMs);
  return new Promise((resolve) =>
    socket.on("close", () => {
      clearInterval(drip);
      clearTimeout(limit);
      resolve({ text, afterMs: Date.now() - started });
    }),
  );
}
