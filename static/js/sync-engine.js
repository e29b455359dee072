// Moves the outbox to the server and the server's changes to the device (shared/SYNC.md).
// One tab at a time (Web Locks); runs on open, on `online`, on becoming visible, on a timer
// and after every local write. An entry leaves the "open" states only after the server's status
// for it has been read; a 401 (or a temporary password still to be changed) pauses everything
// and keeps every entry.
import { AuthError, HttpError, NetworkError, getSession, hasBlob, pull, push, putBlob, setCredentials } from "./api.js";
import { lostOnServer, requeueLost } from "./restore-recovery.js";
import {
  applyPulledPage, clearRecords, ensureClient, getMeta, markBlob, pendingBlobs, pendingEntries, pruneBlobs, pruneSynced,
  recheckBlobs, setMeta, updateEntries,
} from "./store.js";

export const syncEvents = new EventTarget();
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("field-app") : null;
const BATCH = 50;
const TIMER_MS = 120000;
// Photos go up a few at a time: one at a time leaves a slow uplink idle between requests.
const UPLOADS_AT_ONCE = 3;
// After a failed round the next one comes sooner than the timer: 5 s, 10 s, 20 s ... up to 2 min.
const RETRY_FIRST_MS = 5000;
let running = null;
let again = false;
let retryTimer = null;

/** True while this tab runs (or waits to run) a sync round. */
export function isSyncing() {
  return running !== null;
}

/** Tell this tab and the others that something changed ("outbox", "data", "status"). */
export function announce(type, detail = {}) {
  syncEvents.dispatchEvent(new CustomEvent(type, { detail }));
  channel?.postMessage({ type, detail });
}

if (channel) {
  channel.onmessage = (event) => syncEvents.dispatchEvent(new CustomEvent(event.data.type, { detail: event.data.detail }));
}

/** Report progress to the page (not broadcast: other tabs learn the result from "status"). */
function progress(detail) {
  syncEvents.dispatchEvent(new CustomEvent("progress", { detail }));
}

/** Run a sync now unless one is already under way; `manual` waits for another tab's sync to end. */
export function requestSync(reason = "manual") {
  if (running) {
    // Something changed while a round was under way (a new entry): run once more after it.
    if (reason === "write" || reason === "manual") again = true;
    return running;
  }
  if (typeof navigator !== "undefined" && navigator.onLine === false) {
    progress({ phase: "offline" });
    return Promise.resolve({ status: "offline" });
  }
  const work = async (lock) => (lock === null ? { status: "busy" } : runSync(reason));
  const locked = navigator.locks
    ? navigator.locks.request("sync", { ifAvailable: reason !== "manual" }, work)
    : work(true);
  running = locked.finally(() => {
    running = null;
    if (again) {
      again = false;
      setTimeout(() => requestSync("write"), 0);
    }
  });
  return running;
}

/** Start the automatic triggers (on open, online, visible, timer). */
export function startAutoSync() {
  requestSync("open");
  window.addEventListener("online", () => requestSync("online"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") requestSync("visible");
  });
  setInterval(() => {
    if (document.visibilityState === "visible") requestSync("timer");
  }, TIMER_MS);
}

/** Switch the device to the signed-in user; another user's pulled data is forgotten. */
async function adoptUser(user) {
  const previous = await getMeta("user");
  if (previous && previous.id !== user.id) {
    await clearRecords();
    announce("data", { reset: true });
  }
  await setMeta("user", user);
}

/** One full round: session, blobs, push, pull. Never throws; returns {status}. */
async function runSync(reason) {
  progress({ phase: "start", reason });
  let user = null;
  try {
    const session = await getSession();
    user = session.user;
    await adoptUser(user);
    const client = await ensureClient(user.id);
    setCredentials({ csrf: session.csrf_token, client: client.client_id });
    if ((await getMeta("auth"))?.required) {
      await setMeta("auth", { required: false });
      announce("status", { status: "signed-in" });
    }
    await uploadBlobs(user.id);
    await pushOutbox(user.id, client.client_id);
    const restored = await pullChanges(user.id, client.client_id);
    if (restored) await recoverFromRestore(user.id, restored);
    await pruneSynced();
    await pruneBlobs();
    const now = new Date().toISOString();
    await setMeta("lastSync", now);
    await setMeta("failures", 0);
    clearTimeout(retryTimer);
    await setMeta("failingSince", null);
    await setMeta("lastError", null);
    await askForPersistence();
    announce("status", { status: "ok", at: now });
    return { status: "ok" };
  } catch (err) {
    if (user) await reopenSending(user.id);
    if (err instanceof AuthError) {
      await setMeta("auth", { required: true, reason: err.reason, at: new Date().toISOString() });
      announce("status", { status: "auth" });
      return { status: "auth" };
    }
    const failures = ((await getMeta("failures")) || 0) + 1;
    await setMeta("failures", failures);
    scheduleRetry(failures);
    if (failures === 1) await setMeta("failingSince", new Date().toISOString());
    await setMeta("lastError", { at: new Date().toISOString(), message: describe(err), code: err.code || "", status: err.status || 0 });
    announce("status", { status: err instanceof NetworkError ? "offline" : "error", failures });
    return { status: "error", error: err };
  } finally {
    announce("outbox");
    progress({ phase: "done" });
  }
}

/** Try again after a failed round: sooner at first, then less often (never more than the timer). */
function scheduleRetry(failures) {
  clearTimeout(retryTimer);
  const wait = Math.min(TIMER_MS, RETRY_FIRST_MS * 2 ** Math.min(failures - 1, 10));
  // offline, the `online` event starts the next round
  retryTimer = setTimeout(() => navigator.onLine !== false && requestSync("retry"), wait);
}

/** A short, human-readable reason for a failed sync. */
function describe(err) {
  if (err instanceof HttpError) return `${err.status} ${err.message}`;
  return err?.message || String(err);
}

/** Entries left "sending" by an interrupted round go back to "queued" (they are resent). */
async function reopenSending(userId) {
  const entries = (await pendingEntries(userId)).filter((e) => e.state === "sending");
  const byClient = new Map();
  for (const e of entries) {
    if (!byClient.has(e.client_id)) byClient.set(e.client_id, []);
    byClient.get(e.client_id).push([e.seq, { state: "queued" }]);
  }
  for (const [clientId, updates] of byClient) await updateEntries(clientId, updates);
}

/**
 * Upload the user's blobs the server lacks (before the mutations that name them), a few at once.
 * A photo made on this device goes straight up the first time (the server cannot have it yet);
 * after an attempt that may have got through (a dropped connection), the server is asked first.
 */
async function uploadBlobs(userId) {
  const blobs = await pendingBlobs(userId);
  let done = 0;
  let next = 0;
  let failure = null;
  progress({ phase: "blobs", done, total: blobs.length });
  const uploader = async () => {
    while (next < blobs.length && !failure) {
      const row = blobs[next];
      next += 1;
      try {
        if (!row.tried || !(await hasBlob(row.sha256))) {
          await markBlob(row.sha256, { tried: true });
          await putBlob(row.sha256, row.blob);
        }
        await markBlob(row.sha256, { uploaded: true, error: null });
      } catch (err) {
        // A blob the server refuses (422 bad image, 413 too large) must not block the rest.
        if (!(err instanceof HttpError && err.status >= 400 && err.status < 500)) {
          failure = err;
          return;
        }
        await markBlob(row.sha256, { error: describe(err) });
      }
      done += 1;
      progress({ phase: "blobs", done, total: blobs.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOADS_AT_ONCE, blobs.length) }, uploader));
  if (failure) throw failure;
}

/** Push the user's queued entries in seq order, in batches; read every result before moving on. */
async function pushOutbox(userId, clientId) {
  const entries = (await pendingEntries(userId)).filter((e) => e.client_id === clientId);
  let done = 0;
  for (let start = 0; start < entries.length; start += BATCH) {
    const batch = entries.slice(start, start + BATCH);
    progress({ phase: "push", done, total: entries.length });
    await updateEntries(clientId, batch.map((e) => [e.seq, { state: "sending", attempts: (e.attempts || 0) + 1 }]));
    announce("outbox");
    const response = await push(clientId, batch.map(mutationOf));
    const results = new Map((response.results || []).map((r) => [r.seq, r]));
    const now = new Date().toISOString();
    const updates = [];
    for (const entry of batch) {
      const result = results.get(entry.seq);
      if (!result) {
        updates.push([entry.seq, { state: "queued" }]);
        continue;
      }
      updates.push([entry.seq, patchFor(result, now)]);
      for (const sha of result.missing_blobs || []) await markBlob(sha, { uploaded: false });
    }
    await updateEntries(clientId, updates);
    done += results.size;
    announce("outbox");
    // The server stopped early (a gap in seq or a crash): resend from there next round.
    if (results.size < batch.length) break;
  }
  progress({ phase: "push", done, total: entries.length });
}

/** The payload of an entry, exactly as queued (a resend must be byte-for-byte the same mutation). */
function mutationOf(entry) {
  return {
    seq: entry.seq, kind: entry.kind, op: entry.op, id: entry.id, base_version: entry.base_version,
    data: entry.data, blobs: entry.blobs,
  };
}

/** The new state of an entry from the server's result for it. */
function patchFor(result, now) {
  // A resent mutation answers "duplicate" with the status it first had (applied or rejected).
  const status = result.status === "duplicate" && result.original_status ? result.original_status : result.status;
  const base = { result, status: result.status };
  if (status === "applied" || status === "duplicate") {
    return { ...base, state: "synced", version: result.version, synced_at: now, error: null };
  }
  const error = { message: result.message || result.code || status, errors: result.errors || {} };
  if (status === "conflict") return { ...base, state: "conflict", error };
  return { ...base, state: "rejected", error };
}

/**
 * Pull pages until the server has no more; a 410 means start again from 0. Returns the server's
 * position ({epoch, last_seq}) instead when it was restored from a backup: its epoch changed, it
 * never gave out our cursor, or it lacks seqs it once acknowledged to this device.
 */
async function pullChanges(userId, clientId) {
  let cursor = (await getMeta("cursor")) || 0;
  // a first sync names its snapshot; sent back, the later pages leave out old history
  let snapshot = cursor === 0 ? null : ((await getMeta("pullSnapshot")) ?? null);
  const epoch = await getMeta("serverEpoch");
  // A first sync counts what has arrived against the total its first page announced (kept in
  // meta, so a reload in the middle goes on counting); Today shows it while it runs.
  let firstSync = cursor === 0 ? null : ((await getMeta("firstSync")) ?? null);
  let pages = 0;
  for (;;) {
    progress({ phase: "pull", done: firstSync?.received ?? 0, total: firstSync?.total ?? 0 });
    let page;
    try {
      page = await pull(cursor, snapshot);
    } catch (err) {
      if (err instanceof HttpError && err.status === 410 && err.code === "cursor_unknown") return err.body.error.details;
      if (err instanceof HttpError && err.status === 410 && cursor !== 0) {
        await clearRecords({ keepLocal: true });
        cursor = 0;
        snapshot = null;
        firstSync = null;
        continue;
      }
      throw err;
    }
    if (pages === 0 && (await restoredServer(page, epoch, userId, clientId))) return page;
    if (cursor === 0) firstSync = page.total ? { total: page.total, received: 0 } : null;
    if (firstSync) firstSync = { ...firstSync, received: firstSync.received + (page.changes || []).length };
    await applyPulledPage(page.changes || [], page.cursor, { firstSync: page.has_more ? firstSync : null });
    if (firstSync) progress({ phase: "pull", done: firstSync.received, total: firstSync.total, first: page.has_more });
    if (page.epoch !== undefined && page.epoch !== epoch) await setMeta("serverEpoch", page.epoch);
    cursor = page.cursor;
    snapshot = page.snapshot ?? null;
    await setMeta("pullSnapshot", snapshot);
    pages += 1;
    if ((page.changes || []).length) announce("data");
    if (!page.has_more) break;
  }
  return null;
}

/** True when a pull's answer shows a server restored from a backup since the last sync. */
async function restoredServer(page, epoch, userId, clientId) {
  if (epoch !== undefined && epoch !== null && page.epoch !== undefined && page.epoch !== epoch) return true;
  return (await lostOnServer(userId, clientId, page.last_seq)) > 0;
}

/**
 * The server was restored: resend what it lost (same seq and payload where the device still
 * holds them all, under a new client id otherwise), upload the images it lacks, then forget
 * the pulled records and pull everything again from 0 under the new epoch.
 */
async function recoverFromRestore(userId, position) {
  const { requeued, clientId } = await requeueLost(userId, position.last_seq || 0);
  setCredentials({ client: clientId });
  await recheckBlobs(userId);
  announce("outbox");
  await uploadBlobs(userId);
  await pushOutbox(userId, clientId);
  await clearRecords({ keepLocal: true });
  await setMeta("serverEpoch", position.epoch);
  await setMeta("restoreSeen", { at: new Date().toISOString(), epoch: position.epoch, requeued });
  announce("data", { reset: true });
  if (await pullChanges(userId, clientId)) throw new Error("the server still lacks this device's work after resending it");
}

/** Ask once for persistent storage so the browser does not evict the outbox under pressure. */
async function askForPersistence() {
  if (!navigator.storage?.persist || (await getMeta("persistAsked"))) return;
  await setMeta("persistAsked", true);
  try {
    await setMeta("persisted", await navigator.storage.persist());
  } catch {
    /* not granted; nothing else to do */
  }
}
