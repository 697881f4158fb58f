/**
 * File uploads in chunks (docs/input-protocol.md §3).
 *
 * Each file goes as binary WebSocket messages
 *   [4-byte big-endian header length][UTF-8 JSON header {target, name, file, size, offset}][content]
 * of at most 256 KiB of content, read from the File one slice at a time, so a big file is never
 * in memory at once. Sending waits while the socket has more than a few MiB queued, which keeps
 * the page responsive and the progress bar honest.
 */
import { sendBinary, bufferedAmount } from '../connection.js';

export const CHUNK = 256 * 1024;
const HIGH_WATER = 4 * 1024 * 1024;
const encoder = new TextEncoder();

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

export class UploadAborted extends Error {}

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
      const n = counter.next++;
      await sendFile(target, job.name, n, file, aborted, (sent) => {
        job.progress?.(total ? Math.max(0, done + sent) / total : 1);
      });
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
  do {  // an empty file still sends one (empty) chunk, so the server knows it
    while (bufferedAmount() > HIGH_WATER) {
      if (aborted()) throw new UploadAborted();
      await pause(10);
      progress(offset - bufferedAmount());
    }
    if (aborted()) throw new UploadAborted();
    const end = Math.min(offset + CHUNK, file.size);
    const content = await file.slice(offset, end).arrayBuffer();
    const head = encoder.encode(JSON.stringify({ target, name, file: n, size: file.size, offset }));
    const message = new Uint8Array(4 + head.length + content.byteLength);
    new DataView(message.buffer).setUint32(0, head.length);
    message.set(head, 4);
    message.set(new Uint8Array(content), 4 + head.length);
    if (!sendBinary(message)) throw new UploadAborted();
    offset = end;
    progress(offset - bufferedAmount());
  } while (offset < file.size);
}
