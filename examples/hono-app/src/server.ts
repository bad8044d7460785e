/** Starts the example: `npm start` (see src/config.ts for its environment variables). */
import { createApp } from "./app.js";
import { configFromEnv } from "./config.js";

const app = createApp(configFromEnv());
const running = await app.listen();
console.log(`example app listening on ${running.url} (telemetry: ${JSON.stringify(app.auth.$telemetry.status())})`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
