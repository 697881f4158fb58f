/**
 * The WebSocket to the session (docs/protocol.md §1-2).
 *
 * In: frames {seq, commands}, applied strictly in seq order (a frame that arrives early waits
 * for the ones before it; one already applied is ignored, as a replay after a reconnect would be).
 * Out: events queued during one tick leave together as {seq, ack, events}.
 *
 * `lastSeq` (the last applied frame) and the outgoing `seq` live here so that a later
 * reconnect-with-replay only has to open a new socket that says which frame it saw last.
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
  closed: false,    // the socket has closed
};

let hooks = { apply() {}, settle() {}, prepare() { return null; }, lost() {} };

/** The socket URL: the page's own path with ?app=NAME&session=NEW (protocol.md §1). */
export function socketURL(session = 'NEW') {
  const url = new URL(location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  url.searchParams.set('app', new URL(location.href).searchParams.get('app') || 'index');
  url.searchParams.set('session', session);
  return url.href;
}

/**
 * Open the connection.
 *   hooks.apply(commands)   applies one frame's commands (synchronously)
 *   hooks.settle()          called once after a batch of frames was applied
 *   hooks.prepare(text)     null, or a Promise to wait for before applying a frame (lazy modules)
 *   hooks.lost()            the socket closed while the session was still running
 */
export function connect(handlers) {
  hooks = { ...hooks, ...handlers };
  addEventListener('pagehide', () => { state.leaving = true; });
  // index.html opens the socket before the modules load (same URL as socketURL()) and keeps
  // what arrives; take it over, with the frames it already holds.
  const early = window.__pwlEarly;
  delete window.__pwlEarly;
  const ws = state.ws = early ? early.ws : new WebSocket(socketURL());
  ws.onmessage = null;
  ws.addEventListener('open', flush);
  ws.addEventListener('message', (ev) => receive(ev.data));
  ws.addEventListener('close', () => {
    state.closed = true;
    closedCheck();
  });
  for (const text of early ? early.queue : []) receive(text);
  if (ws.readyState === WebSocket.CLOSED) {
    state.closed = true;
    closedCheck();
  }
}

/** The socket closed: once the frames received before that are applied, was it the app's end? */
function closedCheck() {
  if (!state.closed || state.early.size || state.busy) return;
  if (!state.finished && !state.leaving) hooks.lost();
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

/** Bytes the socket has queued and not sent yet (uploads wait while it is high). */
export const bufferedAmount = () => state.ws?.bufferedAmount ?? 0;

function flush() {
  state.flushQueued = false;
  const ws = state.ws;
  if (!state.outbox.length || !ws || ws.readyState !== WebSocket.OPEN) return;
  ws.send(JSON.stringify({ seq: ++state.outSeq, ack: state.lastSeq, events: state.outbox }));
  state.outbox = [];
}

function receive(text) {
  let frame;
  try {
    frame = JSON.parse(text);
  } catch (err) {
    console.error('pywebio_lite: a frame that is not JSON was dropped', err);
    return;
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
 * (100,000 lines) stays linear instead of paying one ever-longer layout per small batch. A hidden
 * tab draws nothing: there frames are applied at once.
 */
const drawing = { queued: false, notBefore: 0, lastApplied: -Infinity };
const IDLE_MS = 16;  // no frame applied for a screen refresh: the page is idle

function scheduleDrain() {
  if (document.hidden) {
    drain();
    return;
  }
  if (drawing.queued) return;
  const now = performance.now();
  if (now >= drawing.notBefore && now - drawing.lastApplied > IDLE_MS) {
    applyAndMeasure();
    return;
  }
  drawing.queued = true;
  const wait = drawing.notBefore - now;
  if (wait > 0) setTimeout(drainBeforeDrawing, wait);
  else drainBeforeDrawing();
}

/** Apply the waiting frames now, and note how long the drawing that follows takes. */
function applyAndMeasure() {
  drawing.queued = false;
  drain();
  const applied = drawing.lastApplied = performance.now();
  // A task queued now runs once the browser has drawn: that delay is what drawing cost.
  setTimeout(() => {
    const cost = performance.now() - applied;
    drawing.notBefore = cost > 30 ? performance.now() + cost : 0;
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
    const wait = hooks.prepare(next.text);
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
  if (applied) hooks.settle();
  closedCheck();
}
