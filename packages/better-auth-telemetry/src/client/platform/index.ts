/**
 * The one seam between the generic client and the runtime it runs on:
 * how bytes travel, and how to hear that the process is about to exit.
 */
import type { Transport } from "../transport.js";
import { isRealNode, nodeProcess } from "./builtin.js";
import { createFetchTransport } from "./fetch-transport.js";
import { createNodeTransport } from "./node-transport.js";

export function createTransport(): Transport {
  return (isRealNode() ? createNodeTransport() : undefined) ?? createFetchTransport();
}

type ExitListener = () => Promise<void>;
const exitListeners = new Set<ExitListener>();
let hooked = false;

/**
 * Calls `listener` once when Node's event loop runs dry (`beforeExit`), so a
 * short script's last events still go out. One process listener serves every
 * client; the caller bounds its own wait. Elsewhere this does nothing.
 */
export function onBeforeExit(listener: ExitListener): () => void {
  const proc = nodeProcess() as { once?(event: string, fn: () => void): void } | undefined;
  if (!isRealNode() || typeof proc?.once !== "function") return () => {};
  exitListeners.add(listener);
  if (!hooked) {
    hooked = true;
    const fire = () => {
      const listeners = [...exitListeners];
      exitListeners.clear();
      hooked = false;
      for (const l of listeners) l().catch(() => {});
    };
    proc.once("beforeExit", fire);
  }
  return () => exitListeners.delete(listener);
}
