/**
 * The DuckDB store's ingest log: an append-only, fsynced record of every
 * accepted group, written before the group is acknowledged and loaded into
 * DuckDB later in large blocks (see duckdb-store.ts for why).
 *
 * The log is a directory of numbered segments. A segment is two files, its
 * event rows and its batches' envelope rows, each a JSON array that DuckDB's
 * bulk reader (read_json, format 'array') takes as it is:
 *
 *   [\n                      header, written when the segment is created
 *   {row},{row},...,\n       one line per appended group, ending in ",\n"
 *   \n]                      the seal: written over the last ",\n"
 *
 * JSON.stringify never writes a raw newline, so a newline byte only ever ends
 * a whole group. After a crash, a segment is cut back to its last newline (a
 * torn group was never acknowledged) and sealed; a group whose envelope line
 * did not reach the disk is left out when the segment is loaded (see
 * segment-load.ts), so a torn group stores nothing.
 */
import { constants, writeSync, writevSync } from "node:fs";
import { type FileHandle, mkdir, open, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Serial } from "../serial.js";

export interface Segment {
  number: number;
  eventsFile: string;
  batchesFile: string;
}

interface OpenSegment extends Segment {
  events: SegmentFile;
  batches: SegmentFile;
}

const HEADER = Buffer.from("[\n");
const SEAL = Buffer.from("\n]");
const EMPTY_SEAL = Buffer.from("]");
const NAME = /^(\d{12})\.(events|batches)\.json$/;

const fileName = (number: number, kind: "events" | "batches") => `${String(number).padStart(12, "0")}.${kind}.json`;

function segmentAt(dir: string, number: number): Segment {
  return {
    number,
    eventsFile: join(dir, fileName(number, "events")),
    batchesFile: join(dir, fileName(number, "batches")),
  };
}

/** One file of a segment, written at positions we track (O_APPEND would ignore the seal's position). */
class SegmentFile {
  constructor(
    readonly handle: FileHandle,
    public size: number,
  ) {}

  static async create(path: string): Promise<SegmentFile> {
    const handle = await open(path, "w");
    const file = new SegmentFile(handle, 0);
    file.write([HEADER]);
    return file;
  }

  /**
   * Synchronous: the bytes only go to the page cache (the fsync that follows
   * is asynchronous), and the promise-based writev cost several times more
   * event-loop time than the copy itself.
   */
  write(pieces: Buffer[]): void {
    let total = 0;
    for (const piece of pieces) total += piece.length;
    let written = writevSync(this.handle.fd, pieces, this.size);
    if (written < total) {
      // a short write (past the system's limit on pieces per call, say): the rest from one buffer
      const all = Buffer.concat(pieces, total);
      while (written < total) written += writeSync(this.handle.fd, all, written, total - written, this.size + written);
    }
    this.size += total;
  }

  /** Turns the file into a complete JSON array. */
  async seal(): Promise<void> {
    if (this.size <= HEADER.length) await this.handle.write(EMPTY_SEAL, 0, 1, HEADER.length);
    else await this.handle.write(SEAL, 0, SEAL.length, this.size - 2);
    await this.handle.close();
  }
}

/** The length of the file up to and including its last newline: whole groups only. */
async function wholeGroupsLength(handle: FileHandle): Promise<number> {
  const { size } = await handle.stat();
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) return start + newline + 1;
    end = start;
  }
  return 0;
}

/**
 * Cuts a file left by a crash back to its whole groups and seals it (a missing
 * file becomes an empty array). Its last whole line ends in "[\n" (the header:
 * no groups), ",\n" (a group: not sealed yet) or "}\n" (the seal's newline,
 * whose "]" may or may not have reached the disk).
 */
async function recoverFile(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDWR | constants.O_CREAT);
  try {
    const length = await wholeGroupsLength(handle);
    const before = Buffer.alloc(1);
    if (length >= HEADER.length) await handle.read(before, 0, 1, length - 2);
    let tail: { bytes: Buffer; at: number };
    if (length < HEADER.length) {
      // the header itself never made it: an empty segment
      tail = { bytes: Buffer.concat([HEADER, EMPTY_SEAL]), at: 0 };
    } else if (length === HEADER.length) tail = { bytes: EMPTY_SEAL, at: length };
    else if (before[0] === 0x2c) tail = { bytes: SEAL, at: length - 2 };
    else tail = { bytes: EMPTY_SEAL, at: length };
    await handle.truncate(Math.min(length, tail.at));
    await handle.write(tail.bytes, 0, tail.bytes.length, tail.at);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class IngestLog {
  readonly #dir: string;
  #current: OpenSegment;
  /**
   * The segment after the current one, created ahead of time: creating one
   * (an fsync of the directory) can take tens of milliseconds on a busy disk,
   * and appends wait while a seal switches segments.
   */
  #next: Promise<OpenSegment>;
  /** Groups appended to the current segment. */
  #groups = 0;
  /** Appends and seals, one at a time: a seal must not cut a group in half. */
  readonly #writes = new Serial();
  /** Settles once every group written so far is on disk. */
  #durable: Promise<void> = Promise.resolve();
  #broken: Error | undefined;

  private constructor(dir: string, current: OpenSegment) {
    this.#dir = dir;
    this.#current = current;
    this.#next = this.#prepare(current.number + 1);
  }

  #prepare(number: number): Promise<OpenSegment> {
    const next = IngestLog.#create(this.#dir, number);
    // a failure surfaces at the seal that needs it
    next.catch(() => {});
    return next;
  }

  /**
   * Opens the log in `dir`, creating it if needed. Segments left from before
   * (the previous process crashed, or its last load failed) are repaired,
   * sealed and returned, oldest first, for the caller to load or remove; new
   * appends go to a fresh segment numbered above them and above `after`.
   */
  static async open(dir: string, after: number): Promise<{ log: IngestLog; leftovers: Segment[] }> {
    await mkdir(dir, { recursive: true });
    const numbers = new Set<number>();
    for (const name of await readdir(dir)) {
      const match = NAME.exec(name);
      if (match) numbers.add(Number(match[1]));
    }
    const leftovers = [...numbers].sort((a, b) => a - b).map((n) => segmentAt(dir, n));
    for (const segment of leftovers) {
      await recoverFile(segment.eventsFile);
      await recoverFile(segment.batchesFile);
    }
    const next = Math.max(after, leftovers.at(-1)?.number ?? 0) + 1;
    const log = new IngestLog(dir, await IngestLog.#create(dir, next));
    return { log, leftovers };
  }

  static async #create(dir: string, number: number): Promise<OpenSegment> {
    const segment = segmentAt(dir, number);
    const events = await SegmentFile.create(segment.eventsFile);
    const batches = await SegmentFile.create(segment.batchesFile);
    // the new names themselves must survive a crash, or the groups in them would be lost with them
    const directory = await open(dir, "r");
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    return { ...segment, events, batches };
  }

  /** Why the log stopped taking appends (see append), or undefined while it works. */
  get broken(): Error | undefined {
    return this.#broken;
  }

  /**
   * Appends one group (each argument a whole group line: rows joined by commas,
   * ending in ",\n"). Resolves once the group is written, with the segment it
   * went to and `durable`, which resolves once it, and every group written
   * before it, is on disk. The next group can be written while this one's
   * fsync runs: the fsyncs overlap, and each covers what was written before it.
   *
   * A failed write or fsync breaks the log for good: whether the data reached
   * the disk is then unknown (Linux may drop the failed pages), so every later
   * append fails too, and so does every later `durable`, until a restart
   * recovers the segments from what the disk holds.
   */
  append(events: Buffer[], batches: Buffer[]): Promise<{ segment: number; durable: Promise<void> }> {
    return this.#writes.run(async () => {
      if (this.#broken) throw this.#broken;
      const segment = this.#current;
      try {
        segment.events.write(events);
        segment.batches.write(batches);
      } catch (error) {
        throw this.fail(error);
      }
      this.#groups++;
      const synced = Promise.all([segment.events.handle.datasync(), segment.batches.handle.datasync()]);
      const durable = Promise.all([this.#durable, synced]).then(
        () => {},
        (error) => {
          throw this.fail(error);
        },
      );
      // every caller awaits its own; this keeps the chain from being reported as unhandled
      durable.catch(() => {});
      this.#durable = durable;
      return { segment: segment.number, durable };
    });
  }

  /** Stops the log for good (see append) and returns why; the caller's own failures after it claimed ids land here too. */
  fail(error: unknown): Error {
    this.#broken ??= new Error("the ingest log could not be written; restart the collector to recover it", {
      cause: error,
    });
    return this.#broken;
  }

  /**
   * Starts a new segment and seals the current one, which is returned for
   * loading; undefined when nothing was appended to it since it started.
   * Appends wait only for the switch, not for the seal.
   */
  async seal(): Promise<Segment | undefined> {
    const switched = await this.#writes.run(async () => {
      if (this.#groups === 0) return undefined;
      const sealed = this.#current;
      this.#current = await this.#next;
      this.#next = this.#prepare(this.#current.number + 1);
      this.#groups = 0;
      return { sealed, durable: this.#durable };
    });
    if (!switched) return undefined;
    const { sealed, durable } = switched;
    // the fsyncs in flight use the sealed files' handles, which the seal closes
    await durable.catch(() => {});
    await Promise.all([sealed.events.seal(), sealed.batches.seal()]);
    return { number: sealed.number, eventsFile: sealed.eventsFile, batchesFile: sealed.batchesFile };
  }

  /** Deletes a segment once it is loaded. */
  async remove(segment: Segment): Promise<void> {
    await rm(segment.eventsFile, { force: true });
    await rm(segment.batchesFile, { force: true });
  }

  /** Closes the current segment; removes it when nothing was appended to it (call after the last seal and load). */
  close(): Promise<void> {
    return this.#writes.run(async () => {
      const segment = this.#current;
      await this.#durable.catch(() => {});
      await Promise.all([segment.events.handle.close(), segment.batches.handle.close()]);
      // an unloaded segment stays for the next open, which repairs and loads it like a crash's
      if (this.#groups === 0) await this.remove(segment);
      const next = await this.#next.catch(() => undefined);
      if (next) {
        await Promise.all([next.events.handle.close(), next.batches.handle.close()]);
        await this.remove(next);
      }
    });
  }
}
