/**
 * Timers that never keep the host process alive: a telemetry client that holds
 * up exit is the most common complaint about telemetry (Next.js, Prisma, Nx).
 */

declare const Deno: { unrefTimer?(id: number): void } | undefined;

type Handle = ReturnType<typeof setTimeout>;

export function unref(handle: Handle): Handle {
  if (typeof handle === "object" && handle !== null && "unref" in handle) {
    (handle as { unref(): void }).unref();
  } else if (typeof handle === "number" && typeof Deno !== "undefined") {
    Deno.unrefTimer?.(handle);
  }
  return handle;
}

/** Resolves after `ms` without holding the process open. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => unref(setTimeout(resolve, ms)));
}

export function unrefInterval(fn: () => void, ms: number): ReturnType<typeof setInterval> {
  const handle = setInterval(fn, ms);
  unref(handle as unknown as Handle);
  return handle;
}
