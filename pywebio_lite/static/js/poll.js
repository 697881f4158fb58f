/**
 * HTTP long-polling (docs/protocol.md §9), for hosts without WebSocket (Flask, Django, WSGI).
 *
 * PollSocket has the part of the WebSocket interface connection.js uses (readyState, send, close,
 * bufferedAmount, the open/message/close events), so frames, acknowledgements, reconnecting, the
 * "Reconnecting…" note and the Reload offer stay connection.js's own. Loaded only by pages whose
 * config says protocol "http".
 *
 * One poll at a time: POST URL?app&session=TOKEN&ack=A&seen=R (A: last frame applied, which the
 * server may forget; R: last frame received, the answer holds what follows it), answered with
 * one frame per line; the first poll of a PollSocket that resumes a session adds wait=0, so it
 * opens (and sends again what the server has not acknowledged) at once. The page's messages (event frames, upload chunks) are POSTed one at a time,
 * in order, beside the poll. A failed request is a dropped connection (close 1006: connection.js
 * opens a new PollSocket that resumes after its last applied frame); 404 is a session that is
 * gone (4404), 409 a newer poll that took over (4409).
 */
import { lastSeq } from './connection.js';

const CODES = { 404: 4404, 409: 4409 };

export class PollSocket extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    const params = new URL(url).searchParams;
    this.token = params.get('session');
    this.seen = +(params.get('ack') || 0);
    this.readyState = 0;        // CONNECTING, OPEN (1), CLOSED (3): WebSocket's numbers
    this.bufferedAmount = 0;    // bytes of messages not posted yet
    this.queue = [];
    this.posting = false;
    this.abort = new AbortController();
    this.onmessage = null;
    this.leave = () => this.goodbye();
    addEventListener('pagehide', this.leave);
    this.poll();
  }

  /** This session's URL with `params` (ack=, seen=, close=) set. */
  target(params) {
    const u = new URL(this.url);
    u.searchParams.set('session', this.token);
    u.searchParams.delete('ack');
    for (const [key, value] of Object.entries(params)) u.searchParams.set(key, value);
    return u.href;
  }

  /** POST to the session's URL; the response, or null once the connection is dropped. */
  async post(params, body, type) {
    let res;
    try {
      res = await fetch(this.target(params), {
        method: 'POST', body, cache: 'no-store', credentials: 'same-origin', signal: this.abort.signal,
        headers: type ? { 'Content-Type': type } : {},
      });
    } catch (err) {
      this.drop(1006);
      return null;
    }
    if (!res.ok) {
      this.drop(CODES[res.status] || (res.status >= 500 ? 1006 : 1008), await res.text().catch(() => ''));
      return null;
    }
    return res;
  }

  async poll() {
    while (this.readyState < 2) {
      const params = this.token === 'NEW' ? {} : { ack: Math.min(lastSeq(), this.seen), seen: this.seen };
      if (this.readyState === 0 && this.token !== 'NEW') params.wait = 0;  // resuming: is it there?
      const res = await this.post(params);
      if (!res) return;
      let text;
      try {
        text = await res.text();
      } catch (err) {
        this.drop(1006);
        return;
      }
      if (this.readyState === 0) {
        this.readyState = 1;
        this.dispatchEvent(new Event('open'));
        this.pump();
      }
      for (const line of text.split('\n')) if (line) this.line(line);
    }
  }

  /** One frame of an answer: learn the token and the frame numbers, hand it on. */
  line(text) {
    if (text.startsWith('{"hello"')) this.token = JSON.parse(text).hello.session;
    else if (text.startsWith('{"close"')) {
      const { code, reason } = JSON.parse(text).close;
      this.drop(code, reason);
      return;
    } else {
      const seq = /^\{"seq":(\d+)/.exec(text);
      if (seq) this.seen = Math.max(this.seen, +seq[1]);
    }
    const ev = new MessageEvent('message', { data: text });
    this.onmessage?.(ev);
    this.dispatchEvent(ev);
  }

  /** Queue a message (a text frame or an upload chunk); a bare acknowledgement waits for the next poll. */
  send(data) {
    if (this.readyState > 1) return;
    if (typeof data === 'string' && /^\{"ack":\d+\}$/.test(data)) return;
    this.queue.push(data);
    this.bufferedAmount += typeof data === 'string' ? data.length : data.byteLength;
    this.pump();
  }

  /** Post the queued messages one after another (the server applies them in order). */
  async pump() {
    if (this.posting || this.readyState !== 1) return;
    this.posting = true;
    while (this.queue.length && this.readyState === 1) {
      const data = this.queue[0];
      const binary = typeof data !== 'string';
      if (!await this.post({}, data, binary ? 'application/octet-stream' : 'application/json')) break;
      this.queue.shift();
      this.bufferedAmount -= binary ? data.byteLength : data.length;
    }
    this.posting = false;
  }

  /** The tab is closing: end the session now (as a WebSocket's close would). */
  goodbye() {
    if (this.readyState === 1 && this.token !== 'NEW') navigator.sendBeacon(this.target({ close: 1 }));
  }

  close(code = 1000, reason = '') {
    this.drop(code, reason);
  }

  drop(code, reason = '') {
    if (this.readyState > 1) return;
    this.readyState = 3;
    this.abort.abort();
    removeEventListener('pagehide', this.leave);
    setTimeout(() => this.dispatchEvent(new CloseEvent('close', { code, reason, wasClean: code !== 1006 })));
  }
}
