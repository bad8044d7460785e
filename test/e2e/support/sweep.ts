/**
 * The privacy sweep: searches everything a collector kept (its database files,
 * byte for byte, every stored event as its query API returns it) and everything
 * it printed, for values that must never be there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface SweepInput {
  /** Directory holding the store's files (the DuckDB file and its WAL). */
  storeDir: string;
  collectorUrl?: string;
  logs: string;
  needles: string[];
}

/** "needle in where" for every needle found; empty when clean. */
export async function sweep(input: SweepInput): Promise<string[]> {
  const haystacks: [string, string][] = [["logs", input.logs]];
  for (const name of existsSync(input.storeDir) ? filesUnder(input.storeDir) : []) {
    haystacks.push([`file ${name}`, readFileSync(join(input.storeDir, name)).toString("latin1")]);
  }
  if (input.collectorUrl) {
    const res = await fetch(`${input.collectorUrl}/v1/events?limit=1000`);
    haystacks.push(["stored events", await res.text()]);
  }
  const found: string[] = [];
  for (const needle of new Set(input.needles.filter((n) => n.length >= 6))) {
    for (const [where, text] of haystacks) if (text.includes(needle)) found.push(`${needle} in ${where}`);
  }
  return found;
}

/** Every file below `dir`, as paths relative to it: a store may keep files in subdirectories (staging, spill). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
    (name) => statSync(join(dir, name), { throwIfNoEntry: false })?.isFile() === true,
  );
}
