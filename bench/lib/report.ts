/**
 * Writes one benchmark's results into docs/benchmarks.md, between its own
 * markers, so each script owns its section and reruns replace it in place.
 */
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

const DOC = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));
const HEADER = `# Benchmarks

Each section is written by the script it names; rerun the script to replace it.
The machines are shared and noisy, so every comparison is measured side by side in
one run and quoted as a ratio; absolute numbers are for orientation only.
`;

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${os.platform()} ${os.release()}`;
}

/** Load average over 1, 5 and 15 minutes: other work on the machine shows here. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Replaces (or appends) the section `name` of docs/benchmarks.md with `body`, stamped with the date and machine. */
export function writeSection(name: string, title: string, command: string, body: string): void {
  let doc: string;
  try {
    doc = readFileSync(DOC, "utf8");
  } catch {
    doc = HEADER;
  }
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = `${start}\n## ${title}\n\nRun: \`${command}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}\n\n${body.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + section + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, doc);
  console.log(`wrote section "${name}" of docs/benchmarks.md`);
}
