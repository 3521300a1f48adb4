// Log lines to stdout, held and written off the event loop: the request path only pushes its line onto a list; every
// `flushMs` (or as soon as `chunkChars` are pending) the list is joined and encoded once and handed to one write on
// libuv's thread pool, and lines that arrive meanwhile wait for the next. A slow reader of the log (a full pipe to a
// supervisor) then delays the log, never the requests; and at thousands of requests a second one write carries
// hundreds of lines. A list, not a growing string: appending made two rope nodes per line, all alive until the write
// for the young-generation collector to copy, where a push makes none, and a cache hit's line is one string reused
// (http-server.ts). With both, Herald's cached summary.json (an empty database's, 268 bytes) went from 0.88-0.92 to
// 0.93-0.96 of bare node:http's requests per second, three 20 s rounds each, interleaved as bench (a) now measures
// (test/bench/wire.ts, interleavedLoad). Copying each line into a Buffer as it came cost more (a validated call into
// C++ per line).
import { write as fsWrite, writeSync } from 'node:fs';

export interface LogSink {
  (line: string): void;
  /** Writes what is pending now, synchronously (the last lines before an exit). */
  flush(): void;
  /** Resolves once the write in flight (if any) is done and what is pending is written: the order is kept. */
  drain(): Promise<void>;
}

export interface LogSinkOptions {
  /** Where the text goes: a file descriptor (stdout by default). */
  fd?: number;
  /** Most text held (UTF-16 units) while the reader is behind; past it, lines are dropped and counted (memory stays bounded). */
  maxPendingChars?: number;
  /** How long a line may wait for company before it is written. */
  flushMs?: number;
  /** Pending text (UTF-16 units) that is written without waiting for `flushMs`. */
  chunkChars?: number;
}

/** A retry after the reader of a non-blocking pipe catches up (EAGAIN). */
const RETRY_MS = 5;

export function createLogSink(opts: LogSinkOptions = {}): LogSink {
  const fd = opts.fd ?? 1;
  const maxPending = opts.maxPendingChars ?? 8 * 1024 * 1024;
  const flushMs = opts.flushMs ?? 50;
  const chunkChars = opts.chunkChars ?? 64 * 1024;
  let timer: NodeJS.Timeout | null = null;
  /** The lines not yet handed to a write, and their length in UTF-16 units with a newline each. */
  let pending: string[] = [];
  let pendingChars = 0;
  let writing = false;
  let scheduled = false;
  let dropped = 0;
  const idle: (() => void)[] = [];

  /** Everything pending as bytes, and nothing pending after. */
  const takePending = (): Buffer | null => {
    if (dropped > 0) {
      pending.push(`log: ${dropped} line(s) dropped: the log's reader was slower than the server`);
      dropped = 0;
    }
    if (!pending.length) return null;
    pending.push('');
    const buffer = Buffer.from(pending.join('\n'));
    pending = [];
    pendingChars = 0;
    return buffer;
  };

  const writeOut = (buffer: Buffer, offset: number): void => {
    fsWrite(fd, buffer, offset, buffer.length - offset, null, (err, written) => {
      if (err) {
        if (err.code === 'EAGAIN') {
          setTimeout(() => writeOut(buffer, offset), RETRY_MS).unref();
          return;
        }
        // Nowhere to report a broken stdout; the server goes on without its log.
        writing = false;
        for (const done of idle.splice(0)) done();
        return;
      }
      if (offset + written < buffer.length) {
        writeOut(buffer, offset + written);
        return;
      }
      writing = false;
      if (pending.length || dropped) schedule();
      else for (const done of idle.splice(0)) done();
    });
  };

  const start = () => {
    scheduled = false;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (writing) return;
    const buffer = takePending();
    if (!buffer) return;
    writing = true;
    writeOut(buffer, 0);
  };

  /** Soon: at once when a chunk is pending, else after flushMs (unref'd: the shutdown drains what is left). */
  const schedule = () => {
    if (scheduled) return;
    if (pendingChars >= chunkChars) {
      scheduled = true;
      setImmediate(start);
    } else if (!timer) {
      timer = setTimeout(start, flushMs);
      timer.unref();
    }
  };

  const sink = ((line: string) => {
    if (pendingChars >= maxPending) {
      dropped += 1;
      return;
    }
    pending.push(line);
    pendingChars += line.length + 1;
    if (!writing) schedule();
  }) as LogSink;

  sink.flush = () => {
    // A write in flight finishes on its own; what is pending goes now, in order after it only if it started first,
    // which is what a shutdown needs: every line out before the exit.
    const buffer = takePending();
    if (!buffer) return;
    for (let offset = 0, tries = 0; offset < buffer.length && tries < 1000; tries++) {
      try {
        offset += writeSync(fd, buffer, offset, buffer.length - offset);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      }
    }
  };
  sink.drain = () =>
    new Promise<void>((resolve) => {
      if (!writing && !pending.length && !dropped) return resolve();
      idle.push(resolve);
      if (!writing) {
        scheduled = true;
        setImmediate(start);
      }
    });
  return sink;
}
