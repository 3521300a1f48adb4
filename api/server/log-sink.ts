// Log lines to stdout, buffered and written off the event loop: the request path only copies its line's bytes into a
// buffer; every `flushMs` (or as soon as `chunkBytes` are pending) the bytes are handed to one write on libuv's
// thread pool, and lines that arrive meanwhile wait for the next. A slow reader of the log (a full pipe to a
// supervisor) then delays the log, never the requests; and at thousands of requests a second one write carries
// hundreds of lines. The bytes live outside V8's heap: held lines are no work for the garbage collector (a string
// of pending lines would survive, and be copied by, every young-generation collection until its write).
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
  /** Most text held while the reader is behind; past it, lines are dropped and counted (memory stays bounded). */
  maxPendingBytes?: number;
  /** How long a line may wait for company before it is written. */
  flushMs?: number;
  /** Pending text that is written without waiting for `flushMs`. */
  chunkBytes?: number;
}

/** A retry after the reader of a non-blocking pipe catches up (EAGAIN). */
const RETRY_MS = 5;

export function createLogSink(opts: LogSinkOptions = {}): LogSink {
  const fd = opts.fd ?? 1;
  const maxPending = opts.maxPendingBytes ?? 8 * 1024 * 1024;
  const flushMs = opts.flushMs ?? 50;
  const chunkBytes = opts.chunkBytes ?? 64 * 1024;
  let timer: NodeJS.Timeout | null = null;
  /** Filled chunks waiting, then the one being filled (`used` bytes of it). */
  let full: Buffer[] = [];
  let current = Buffer.allocUnsafe(chunkBytes);
  let used = 0;
  let pendingBytes = 0;
  let writing = false;
  let scheduled = false;
  let dropped = 0;
  const idle: (() => void)[] = [];

  /** Everything pending as one buffer (the chunk being filled goes with it: a write may still be reading it). */
  const takePending = (): Buffer | null => {
    if (used > 0) full.push(current.subarray(0, used));
    if (dropped > 0) {
      full.push(Buffer.from(`log: ${dropped} line(s) dropped: the log's reader was slower than the server\n`));
      dropped = 0;
    }
    const parts = full;
    if (used > 0) current = Buffer.allocUnsafe(chunkBytes);
    full = [];
    used = 0;
    pendingBytes = 0;
    if (!parts.length) return null;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
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
      if (pendingBytes || dropped) schedule();
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
    if (pendingBytes >= chunkBytes) {
      scheduled = true;
      setImmediate(start);
    } else if (!timer) {
      timer = setTimeout(start, flushMs);
      timer.unref();
    }
  };

  const sink = ((line: string) => {
    if (pendingBytes >= maxPending) {
      dropped += 1;
      return;
    }
    // At most three bytes per UTF-16 unit, and the newline.
    const worst = line.length * 3 + 1;
    if (worst > chunkBytes - used) {
      if (used > 0) {
        full.push(current.subarray(0, used));
        current = Buffer.allocUnsafe(chunkBytes);
        used = 0;
      }
      if (worst > chunkBytes) {
        const bytes = Buffer.from(`${line}\n`);
        full.push(bytes);
        pendingBytes += bytes.length;
        if (!writing) schedule();
        return;
      }
    }
    const n = current.write(line, used);
    current[used + n] = 0x0a;
    used += n + 1;
    pendingBytes += n + 1;
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
      if (!writing && !pendingBytes && !dropped) return resolve();
      idle.push(resolve);
      if (!writing) {
        scheduled = true;
        setImmediate(start);
      }
    });
  return sink;
}
