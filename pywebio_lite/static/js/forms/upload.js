/**
 * File uploads in chunks (docs/input-protocol.md §3).
 *
 * Each file goes as binary WebSocket messages
 *   [4-byte big-endian header length][UTF-8 JSON header {target, name, file, size, offset}][content]
 * of at most 256 KiB of content, read from the File one slice at a time, so a big file is never
 * in memory at once. Sending waits while the socket has more than a few MiB queued, which keeps
 * the page responsive and the progress bar honest.
 *
 * Chunks are not replayed after a reconnect (what a dead socket had queued is lost with it), so a
 * file whose socket dropped is sent again, whole, under a new number, once the session's socket
 * is back; the server drops the unfinished copy (docs/input-protocol.md §3).
 */
import { sendBinary, isFinished, socket } from '../connection.js';

export const CHUNK = 256 * 1024;
const HIGH_WATER = 4 * 1024 * 1024;
const encoder = new TextEncoder();

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const bufferedAmount = () => socket()?.bufferedAmount ?? 0;

/** True once the session's socket is open again, false if the session is over. */
async function reopened() {
  while (!isFinished() && socket()?.readyState !== WebSocket.OPEN) await pause(50);
  return !isFinished();
}

export class UploadAborted extends Error {}

/** The socket that carried a file dropped: send the file again on the next one. */
class SocketDropped extends Error {}

/** How many times one file is started again after drops before the upload gives up. */
const MAX_RESTARTS = 5;

/**
 * Upload the files of several inputs to one upload target.
 *   jobs      [{name, files: File[], progress(fraction)}]
 *   counter   {next: n}: file numbers, unique within the target (a re-submit sends new numbers)
 *   aborted() true once the upload must stop (the form went away, the server refused a file)
 * Returns {name: [descriptor, ...]} for the submit.
 */
export async function uploadFiles(target, jobs, counter, aborted = () => false) {
  const result = {};
  for (const job of jobs) {
    const total = job.files.reduce((sum, f) => sum + f.size, 0);
    let done = 0;
    job.progress?.(0);
    result[job.name] = [];
    for (const file of job.files) {
      let n;
      for (let restarts = 0; ; restarts++) {
        n = counter.next++;
        try {
          await sendFile(target, job.name, n, file, aborted, (sent) => {
            job.progress?.(total ? Math.max(0, done + sent) / total : 1);
          });
          break;
        } catch (err) {
          if (!(err instanceof SocketDropped) || restarts >= MAX_RESTARTS) throw err;
          if (!(await reopened()) || aborted()) throw new UploadAborted();
        }
      }
      done += file.size;
      result[job.name].push({
        file: n, filename: file.name, size: file.size, mime_type: file.type || 'application/octet-stream',
        last_modified: file.lastModified / 1000,
      });
    }
    job.progress?.(1);
  }
  return result;
}

async function sendFile(target, name, n, file, aborted, progress) {
  let offset = 0;
  const ws = socket();
  const check = () => {
    if (aborted()) throw new UploadAborted();
    if (socket() !== ws) throw new SocketDropped();
  };
  do {  // an empty file still sends one (empty) chunk, so the server knows it
    while (bufferedAmount() > HIGH_WATER) {
      check();
      await pause(10);
      progress(offset - bufferedAmount());
    }
    check();
    const end = Math.min(offset + CHUNK, file.size);
    const content = await file.slice(offset, end).arrayBuffer();
    const head = encoder.encode(JSON.stringify({ target, name, file: n, size: file.size, offset }));
    const message = new Uint8Array(4 + head.length + content.byteLength);
    new DataView(message.buffer).setUint32(0, head.length);
    message.set(head, 4);
    message.set(new Uint8Array(content), 4 + head.length);
    check();
    if (!sendBinary(message)) throw isFinished() ? new UploadAborted() : new SocketDropped();
    offset = end;
    progress(offset - bufferedAmount());
  } while (offset < file.size);
}
