/**
 * Opens the ClickHouse store from a URL, as `serve --clickhouse <url>` gives it:
 * `http(s)://user:password@host:8123/database`. The path names the database
 * (default: `default`); credentials in the URL are passed to the client.
 */
import { createClient } from "@clickhouse/client";
import { ClickHouseEventStore } from "./clickhouse-store.js";

export function databaseOf(url: URL): string {
  const path = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ""));
  return path === "" ? "default" : path;
}

export async function openClickHouseStore(options: {
  url: string;
  dashboardSettleMs?: number | undefined;
}): Promise<ClickHouseEventStore> {
  const url = new URL(options.url);
  const database = databaseOf(url);
  const client = createClient({
    url: `${url.protocol}//${url.host}`,
    username: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    database,
    // dashboard panels ask several queries at once; a page asks six panels
    max_open_connections: 16,
    request_timeout: 60_000,
  });
  return ClickHouseEventStore.open({ client, database, dashboardSettleMs: options.dashboardSettleMs });
}
