/**
 * The app's auth module at its conventional place, configured from the
 * environment. Tools that load an app's auth instance read it from here:
 *
 *   npx better-auth-telemetry preview --config ./src/lib/auth.ts
 */
import { createAuth } from "../auth.js";
import { configFromEnv } from "../config.js";

export const auth = createAuth(configFromEnv());
