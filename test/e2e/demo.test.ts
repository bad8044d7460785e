/** `npm run demo` as a user runs it: a collector, three app installations, traffic, a dashboard that fills in, a clean stop. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "./support/ports.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("npm run demo", () => {
  it("starts everything, drives traffic with a progress line, fills the store, and stops cleanly", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=source",
        "examples/hono-app/src/demo/main.ts",
        "--duration",
        "6",
        "--port",
        String(port),
        "--exit",
      ],
      {
        cwd: root,
        env: { ...process.env, NODE_ENV: "development" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, output).toBe(0);
    expect(output).toContain(`dashboard   http://127.0.0.1:${port}/`);
    expect(output).toMatch(/\d+s {2}requests \d+/);
    expect(output).toMatch(/traffic done: \d+ requests \(0 with an unexpected status\)/);
    const stored =
      /collector stored: (\d+) installations, (\{.*?\}) \(api_request (matches|differs from) the (\d+) requests sent\)/.exec(
        output,
      );
    expect(stored, output).not.toBeNull();
    const [, installations, events, verdict, sent] = stored!;
    expect(Number(installations)).toBe(3);
    expect(JSON.parse(events!).init).toBe(3);
    expect(verdict).toBe("matches");
    expect(Number(sent)).toBeGreaterThan(10);
  }, 120_000);

  it("fills the dashboard at the printed URL while the traffic runs, and stops cleanly on Ctrl-C", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=source", "examples/hono-app/src/demo/main.ts", "--port", String(port)],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    while (!/\d+s {2}requests [1-9]/.test(output)) await new Promise((r) => setTimeout(r, 100));

    try {
      // the dashboard at the URL the demo printed fills in: all three installations, and the
      // routes their traffic went through (the apps flush every 2 s)
      const dashboard = /dashboard {3}(http:\/\/\S+)/.exec(output)?.[1];
      expect(dashboard, output).toBe(`http://127.0.0.1:${port}/`);
      let page = "";
      for (let waited = 0; waited < 30_000; waited += 500) {
        const res = await fetch(dashboard!);
        expect(res.status).toBe(200);
        page = await res.text();
        if (/data-stat="installations\.active"[^>]*>3</.test(page) && page.includes("<code>/sign-in/email</code>"))
          break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(page).toMatch(/data-stat="installations\.active"[^>]*>3</);
      for (const route of ["/sign-up/email", "/sign-in/email", "/get-session"])
        expect(page).toContain(`<code>${route}</code>`);
    } catch (error) {
      // the demo runs until told to stop: a failed check must not leave it and its traffic running
      // (Ctrl-C, so that it stops the processes it started too)
      child.kill("SIGINT");
      throw error;
    }

    const interruptedAt = Date.now();
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(Date.now() - interruptedAt).toBeLessThan(10_000);
    expect(output).toContain("stopping: flushing telemetry");
  }, 120_000);
});
