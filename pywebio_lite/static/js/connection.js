/**
 * The WebSocket to the session (docs/protocol.md §1-2).
 *
 * In: frames {seq, commands}, applied strictly in seq order (a frame that arrives early waits
 * for the ones before it; one already applied is ignored, as a replay after a reconnect would be).
 * Out: events queued during one tick leave together as {seq, ack, events}.
 *
 * Reconnect (protocol.md §1): the server's first message {hello: {session, reconnect_timeout}}
 * names the session. If the socket then drops without the session ending (no close frame: the
 * network, a sleeping phone), the page opens a new one at once, then with growing, jittered
 * delays, asking for `session=TOKEN&ack=lastSeq`; the server sends every frame after lastSeq
 * again, and the page sends again the event frames the server has not acknowledged (each frame's
 * `ack`). Both sides apply each frame once, by seq. A server that no longer has the session
 * closes with 4404: the page says the session ended and offers a reload.
 */

const state = {
  ws: null,
  lastSeq: 0,       // last server frame applied
  outSeq: 0,        // last page frame sent
  outbox: [],       // events waiting for the end of this tick
  flushQueued: false,
  early: new Map(), // seq -> {frame, text}: frames that arrived before their predecessors
  busy: false,      // waiting for a lazily loaded module before applying the next frame
  finished: false,  // close_session received: no more events
  leaving: false,   // the page is being unloaded: a closing socket is expected
  closed: false,    // the socket has closed for good
  dropCode: null,   // the close code of a socket that closed, until closedCheck() has decided
  session: null,    // the session's token (hello), if the server keeps sessions for a reconnect
  reconnectMs: 0,   // how long the server waits for this page after a drop
  unacked: [],      // [seq, text] of sent event frames the server has not acknowledged
  ackSent: 0,       // the last lastSeq the server was told of
  ackTimer: 0,
  droppedAt: 0,     // when the socket dropped (0: connected)
  attempt: 0,       // reconnect attempts since then
  gone: false,      // the server said the session is no longer there
  textLimit: 0,     // the server's limit for one text message in bytes (page config; 0: none)
};

/** Close codes of the server (pywebio_lite/platform/adaptor.py). */
const SESSION_GONE = 4404;
const REPLACED = 4409;

/** Room kept in a text message for the frame around the event data (seq, ack, names). */
export const FRAME_ROOM = 1024;

/** Set the server's text message limit (bytes), from the page config. */
export function setTextLimit(bytes) {
  state.textLimit = Number(bytes) > 0 ? Number(bytes) : 0;
}

/** The most bytes of event data one event may carry (Infinity without a limit). */
export const eventDataLimit = () => (state.textLimit ? state.textLimit - FRAME_ROOM : Infinity);

/** Bytes `value` takes as JSON text in UTF-8. */
export const jsonBytes = (value) => textBytes(JSON.stringify(value) ?? '');

/** Bytes `text` takes in UTF-8. */
function textBytes(text) {
  if (text.length * 3 > 0x10000) return new TextEncoder().encode(text).length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : (c >= 0xd800 && c < 0xdc00) ? (i++, 4) : 3;
  }
  return n;
}

let hooks = { apply() {}, settle() {}, prepare() { return null; }, lost() {}, reconnecting() {} };

/* The session's URL, pwlURL(session = 'NEW', ack): the page's own path with ?app=NAME&session=NEW
 * (protocol.md §1), or session=TOKEN&ack=N to resume a session after frame N; ws(s): unless the
 * page polls (§9). index.html defines it, the one source (its early socket needs it before we load). */

/** What carries the session: WebSocket, or poll.js's PollSocket (the same interface) under an
 *  HTTP-only host (page config protocol "http"). */
let Socket = WebSocket;

/**
 * Open the connection (`poll`: over HTTP long-polling, protocol.md §9).
 *   hooks.apply(commands)   applies one frame's commands (synchronously)
 *   hooks.settle()          called once after a batch of frames was applied
 *   hooks.prepare(text, load)  null, or a Promise to wait for before applying a frame (lazy modules)
 *   hooks.lost(gone)        the connection is gone for good while the session was still running
 *                           (gone: the server said the session no longer exists)
 *   hooks.reconnecting(on)  a dropped socket is being replaced (true), or was (false)
 */
export function connect(handlers, poll) {
  hooks = { ...hooks, ...handlers };
  addEventListener('pagehide', () => { state.leaving = true; });
  if (poll) return import('./poll.js').then((m) => adopt(new (Socket = m.PollSocket)(pwlURL())));
  // index.html opens the socket before the modules load (same URL as pwlURL()) and keeps
  // what arrives; take it over, with the frames it already holds.
  const early = window.__pwlEarly;
  delete window.__pwlEarly;
  const ws = early ? early.ws : new WebSocket(pwlURL());
  ws.onmessage = null;
  adopt(ws);
  for (const text of early ? early.queue : []) receive(text);
  if (ws.readyState === WebSocket.OPEN) opened(ws);
  if (ws.readyState === WebSocket.CLOSED) dropped(ws, { code: 1006 });
}

/** Make `ws` the session's socket. Events of a socket that was replaced are ignored. */
function adopt(ws) {
  state.ws = ws;
  ws.addEventListener('open', () => opened(ws));
  ws.addEventListener('message', (ev) => { if (ws === state.ws) receive(ev.data); });
  ws.addEventListener('close', (ev) => dropped(ws, ev));
}

function opened(ws) {
  if (ws !== state.ws || ws.opened) return;
  ws.opened = true;
  if (state.droppedAt) {  // a resumed session: send again what the server may not have seen
    state.droppedAt = 0;
    state.attempt = 0;
    for (const [, text] of state.unacked) ws.send(text);
    hooks.reconnecting(false);
  }
  flush();
}

function dropped(ws, ev) {
  if (ws !== state.ws) return;
  state.dropCode = ev.code;
  closedCheck();
}

/*
 * The socket closed: once the frames received before that are applied (one of them may be the
 * app's close_session), was it the app's end, a server that went away, or a drop to recover from?
 * 1000: the session ended; 1001: the server is shutting down (its sessions end with it);
 * 4404: the server no longer has the session; 4409: a newer socket took over.
 */
function closedCheck() {
  if (state.dropCode === null || state.early.size || state.busy) return;
  const code = state.dropCode;
  state.dropCode = null;
  if (code === SESSION_GONE) state.gone = true;
  const resumable = state.session && state.reconnectMs > 0 && !state.finished && !state.leaving
    && !state.gone && code !== 1000 && code !== 1001 && code !== REPLACED;
  if (resumable) {
    const now = performance.now();
    if (!state.droppedAt) {
      state.droppedAt = now;
      hooks.reconnecting(true);
    }
    // Try at once, then back off (0.25 s, 0.5 s, 1 s... at most 4 s), each delay jittered so that
    // the pages of a restarted server do not all come back in the same instant.
    if (now - state.droppedAt < state.reconnectMs + 2000) {
      const delay = state.attempt ? Math.min(4000, 250 * 2 ** (state.attempt - 1)) * (0.5 + Math.random() / 2) : 0;
      state.attempt++;
      setTimeout(() => adopt(new Socket(pwlURL(state.session, state.lastSeq))), delay);
      return;
    }
  }
  state.closed = true;
  if (!state.finished && !state.leaving) hooks.lost(state.gone);
  state.finished = true;
}

/** The last server frame applied (what a reconnect would ask to resume after). */
export const lastSeq = () => state.lastSeq;

/** True once the session ended or the connection is gone: events are no longer sent. */
export const isFinished = () => state.finished;

/** close_session: the app ended. Stop sending and close the socket (the server closes it too,
 * or, in script mode, waits for this: then it knows the page has applied everything). */
export function finish() {
  state.finished = true;
  state.outbox.length = 0;
  state.ws?.close(1000);
}

/** Queue one event; every event of this tick leaves in one frame. `extra`: more top-level keys ({form}). */
export function sendEvent(event, taskId, data = null, extra = null) {
  if (state.finished) return;
  state.outbox.push({ ...extra, event, task_id: taskId, data });
  if (!state.flushQueued) {
    state.flushQueued = true;
    queueMicrotask(flush);
  }
}

/** Send a binary message (an upload chunk) now, after the queued events. False if the socket is not open. */
export function sendBinary(data) {
  flush();
  if (state.finished || state.ws?.readyState !== WebSocket.OPEN) return false;
  state.ws.send(data);
  return true;
}

/** The session's socket now (another one after a reconnect; uploads watch its bufferedAmount). */
export const socket = () => state.ws;

function flush() {
  state.flushQueued = false;
  const ws = state.ws;
  if (!state.outbox.length || !ws || ws.readyState !== WebSocket.OPEN) return;
  const events = state.outbox;
  state.outbox = [];
  const text = frameText(events);
  const limit = state.textLimit;
  if (!limit || text.length * 3 <= limit || textBytes(text) <= limit) {
    sendFrame(ws, text);
    return;
  }
  // Over the server's limit (it would close the socket): one frame per event, and an event too
  // big on its own is not sent (the forms refuse such values at their field first).
  state.outSeq--;
  for (const event of events) {
    const one = frameText([event]);
    if (textBytes(one) <= limit) sendFrame(ws, one);
    else {
      state.outSeq--;
      console.warn('pywebio_lite: an event too big to send was dropped:', event.event);
    }
  }
}

/** The next event frame's text (it takes the next seq). */
const frameText = (events) => JSON.stringify({ seq: ++state.outSeq, ack: state.lastSeq, events });

/** Send the event frame just numbered; keep it for a replay until the server acknowledges it. */
function sendFrame(ws, text) {
  if (state.session) {
    state.unacked.push([state.outSeq, text]);
    if (state.unacked.length > 2000) state.unacked.shift();  // bounded; the server keeps order by seq
  }
  ws.send(text);
  state.ackSent = state.lastSeq;
}

/** Tell the server which frames were applied, so it can forget them (a page that only watches
 *  output sends no events that would carry the ack). At most every 200 ms. */
function queueAck() {
  if (!state.session || state.ackTimer || state.lastSeq === state.ackSent) return;
  state.ackTimer = setTimeout(() => {
    state.ackTimer = 0;
    const ws = state.ws;
    if (state.finished || state.lastSeq === state.ackSent || ws?.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ ack: state.lastSeq }));
    state.ackSent = state.lastSeq;
  }, 200);
}

function receive(text) {
  let frame;
  try {
    frame = JSON.parse(text);
  } catch (err) {
    console.error('pywebio_lite: a frame that is not JSON was dropped', err);
    return;
  }
  if (frame && frame.hello) {  // the session's name, for a reconnect
    state.session = typeof frame.hello.session === 'string' ? frame.hello.session : null;
    state.reconnectMs = 1000 * (+frame.hello.reconnect_timeout || 0);
    return;
  }
  if (frame && typeof frame.ack === 'number') {
    while (state.unacked.length && state.unacked[0][0] <= frame.ack) state.unacked.shift();
  }
  if (!frame || !Array.isArray(frame.commands)) return;
  if (typeof frame.seq !== 'number') {  // an unnumbered frame: apply it as it comes
    hooks.apply(frame.commands);
    hooks.settle();
    return;
  }
  if (frame.seq <= state.lastSeq || state.early.has(frame.seq)) return;  // seen already
  state.early.set(frame.seq, { frame, text });
  scheduleDrain();
}

/*
 * When frames are applied. A frame that arrives while the page is idle is applied at once (a
 * form answered, a click's output: nothing to wait for). Frames that follow within the same
 * moment are applied together just before the browser draws (requestAnimationFrame), so a burst
 * of small frames costs one layout per screen refresh, not one per frame. When drawing itself
 * gets slow (a page of many thousands of outputs takes a long layout), the next drawing waits as
 * long as the last one took: meanwhile frames keep arriving and queue up cheaply, and the next
 * layout takes them all. Layouts then use at most about half of the time, so a flood of output
 * (100,000 lines) stays linear instead of paying one ever-longer layout per small batch. But
 * when the flood stops (no frame for a quarter of the last drawing's cost, at least QUIET_MS,
 * since the last one arrived or was drawn), what is waiting is drawn at once: the last lines of
 * an output do not wait out the whole pause, and a server's short hiccup does not cost a drawing.
 * A hidden tab draws nothing: there frames are applied at once.
 */
const drawing = { queued: false, notBefore: 0, lastApplied: -Infinity, lastArrival: 0, drawnAt: 0, quiet: 0 };
const IDLE_MS = 16;  // no frame applied for a screen refresh: the page is idle
const QUIET_MS = 24; // no frame for this long (or a quarter of the last drawing's cost): the flood stopped

function scheduleDrain() {
  if (document.hidden) {
    drain();
    return;
  }
  const now = drawing.lastArrival = performance.now();
  if (drawing.queued) return;
  if (now >= drawing.notBefore && now - drawing.lastApplied > IDLE_MS) {
    applyAndMeasure();
    return;
  }
  drawing.queued = true;
  waitToDraw();
}

/** Draw once the pause after the last drawing is over, or once no frame came for `drawing.quiet` ms. */
function waitToDraw() {
  const now = performance.now();
  const quietAt = Math.max(drawing.lastArrival, drawing.drawnAt) + drawing.quiet;
  const wait = Math.min(drawing.notBefore, quietAt) - now;
  if (wait > 0) setTimeout(waitToDraw, wait);
  else drainBeforeDrawing();
}

/** Apply the waiting frames now, and note how long the drawing that follows takes. */
function applyAndMeasure() {
  drawing.queued = false;
  drain();
  const applied = drawing.lastApplied = performance.now();
  // A task queued now runs once the browser has drawn: that delay is what drawing cost.
  setTimeout(() => {
    const now = drawing.drawnAt = performance.now();
    const cost = now - applied;
    drawing.notBefore = cost > 30 ? now + cost : 0;
    drawing.quiet = Math.max(QUIET_MS, cost / 4);
  }, 0);
}

function drainBeforeDrawing() {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    applyAndMeasure();
  };
  requestAnimationFrame(run);
  setTimeout(run, 100);  // rAF can be throttled (a hidden iframe...)
}

/** Apply waiting frames in seq order; pause while a module they need is loading. */
function drain() {
  let applied = 0;
  while (!state.busy) {
    const next = state.early.get(state.lastSeq + 1);
    if (!next) break;
    const wait = hooks.prepare(next.text, next.frame.load);  // load: the modules it needs
    if (wait) {
      state.busy = true;
      wait.catch((err) => console.error('pywebio_lite: a module failed to load', err))
        .finally(() => { state.busy = false; drain(); });
      return;
    }
    state.early.delete(next.frame.seq);
    state.lastSeq = next.frame.seq;
    hooks.apply(next.frame.commands);
    applied++;
  }
  if (applied) {
    hooks.settle();
    queueAck();
  }
  closedCheck();
}
