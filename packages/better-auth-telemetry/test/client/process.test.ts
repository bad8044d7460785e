/** The client inside a real host process: it never holds up exit and its memory stays bounded. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusedUrl, type Sink, startSink } from "../support/sink.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function run(script: string, env: Record<string, string>, nodeArgs: string[] = []) {
  return new Promise<{ stdout: string; code: number | null; exitedAt: number }>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "--conditions=source", script], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ stdout, code, exitedAt: Date.now() }));
  });
}

let hanging: Sink;
beforeAll(async () => {
  hanging = await startSink(() => "hang");
});
afterAll(() => hanging.close());

describe("a host process", () => {
  it("exits within 1.5 s of finishing its work while the endpoint hangs", async () => {
    const { stdout, code, exitedAt } = await run(fixture("short-script.ts"), { ENDPOINT: hanging.url });
    expect(code).toBe(0);
    const doneAt = Number(/done (\d+)/.exec(stdout)?.[1]);
    expect(exitedAt - doneAt).toBeLessThan(1500);
    expect(hanging.requests.length).toBeGreaterThanOrEqual(1);
  });

  it("still delivers its last events on a normal exit when the endpoint answers", async () => {
    const sink = await startSink();
    try {
      const { code } = await run(fixture("short-script.ts"), { ENDPOINT: sink.url });
      expect(code).toBe(0);
      const events = sink.batches().flatMap((b) => b.events);
      expect(events.map((e) => e.type).sort()).toEqual(["api_request", "init"]);
      expect(events.find((e) => e.type === "api_request")!.props.count).toBe(100);
    } finally {
      await sink.close();
    }
  });

  it("grows its heap by less than 8 MB over 1,000,000 events with the endpoint down", async () => {
    const { stdout, code } = await run(fixture("memory.ts"), { ENDPOINT: await refusedUrl() }, ["--expose-gc"]);
    expect(code).toBe(0);
    const { growth } = JSON.parse(stdout.trim().split("\n").at(-1)!) as { growth: number };
    expect(growth).toBeLessThan(8 * 1024 * 1024);
  }, 60_000);
});
