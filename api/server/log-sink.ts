// Log lines to stdout, buffered and written off the event loop: the request path only appends to a string; every
// `flushMs` (or as soon as `chunkBytes` are pending) the text is handed to one write on libuv's thread pool, and lines
// that arrive meanwhile wait for the next. A slow reader of the log (a full pipe to a supervisor) then delays the
// log, never the requests; and at thousands of requests a second one write carries hundreds of lines.
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
  let pending = '';
  let writing = false;
  let scheduled = false;
  let dropped = 0;
  const idle: (() => void)[] = [];

  const takePending = (): string => {
    let text = pending;
    pending = '';
    if (dropped > 0) {
      text += `log: ${dropped} line(s) dropped: the log's reader was slower than the server\n`;
      dropped = 0;
    }
    return text;
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
      if (pending) schedule();
      else for (const done of idle.splice(0)) done();
    });
  };

  const start = () => {
    scheduled = false;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (writing || !pending) return;
    writing = true;
    writeOut(Buffer.from(takePending()), 0);
  };

  /** Soon: at once when a chunk is pending, else after flushMs (unref'd: the shutdown drains what is left). */
  const schedule = () => {
    if (scheduled) return;
    if (pending.length >= chunkBytes) {
      scheduled = true;
      setImmediate(start);
    } else if (!timer) {
      timer = setTimeout(start, flushMs);
      timer.unref();
    }
  };

  const sink = ((line: string) => {
    if (pending.length >= maxPending) {
      dropped += 1;
      return;
    }
    pending += line + '\n';
    if (!writing) schedule();
  }) as LogSink;

  sink.flush = () => {
    // A write in flight finishes on its own; what is pending goes now, in order after it only if it started first,
    // which is what a shutdown needs: every line out before the exit.
    const text = takePending();
    if (!text) return;
    const buffer = Buffer.from(text);
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
      if (!writing && !pending) return resolve();
      idle.push(resolve);
      if (!writing) {
        scheduled = true;
        setImmediate(start);
      }
    });
  return sink;
}
