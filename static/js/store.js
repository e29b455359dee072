// The device's data: one IndexedDB database (through idb) with four stores.
//   records  every pulled or locally created record, keyed [kind, id]: {kind, id, version,
//            change_seq, deleted, local, data}; indexes by kind, customer, cabinet, device,
//            document and QR token
//   meta     small key/value facts: cursor, signed-in user, client ids, last sync, failures
//   outbox   mutations waiting for (or done with) the server, keyed [client_id, seq]
//   blobs    signature and photo bytes, keyed by their SHA-256
import { openDB } from "idb";

export const DB_NAME = "field-app";
export const OPEN_STATES = ["queued", "sending"];
// Acknowledged entries and their images stay this long: a server restored from an older backup
// has forgotten them, and the device resends them (see restore-recovery.js).
export const KEEP_ACKNOWLEDGED_DAYS = 30;

// One step per schema version: UPGRADES[n] takes the database from version n to n + 1. A
// release that changes the schema adds a step; a step that has shipped never changes (devices
// out there ran it). Every step keeps every row.
const UPGRADES = [
  // 1: the four stores.
  (database) => {
    const records = database.createObjectStore("records", { keyPath: ["kind", "id"] });
    records.createIndex("by_kind", "kind");
    records.createIndex("by_customer", ["kind", "data.customer_id"]);
    records.createIndex("by_cabinet", ["kind", "data.cabinet_id"]);
    records.createIndex("by_device", ["kind", "data.device_id"]);
    records.createIndex("by_document", ["kind", "data.document_id"]);
    records.createIndex("by_token", "data.qr_token");
    database.createObjectStore("meta", { keyPath: "key" });
    const outbox = database.createObjectStore("outbox", { keyPath: ["client_id", "seq"] });
    outbox.createIndex("by_user", "user_id");
    database.createObjectStore("blobs", { keyPath: "sha256" });
  },
  // 2: blobs found by user; entries a release interrupted while "sending" go back to "queued",
  // and every acknowledged entry carries synced_at (its 30-day keep counts from it).
  async (database, tx) => {
    tx.objectStore("blobs").createIndex("by_user", "user_id");
    let cursor = await tx.objectStore("outbox").openCursor();
    while (cursor) {
      const entry = cursor.value;
      if (entry.state === "sending") await cursor.update({ ...entry, state: "queued" });
      else if (entry.state === "synced" && !entry.synced_at) await cursor.update({ ...entry, synced_at: entry.created_at });
      cursor = await cursor.continue();
    }
  },
];
// Test builds (DB_VERSION_BUMP at build time) open a higher version with no new step, as the
// next release would, to prove that a version change keeps everything.
const DB_VERSION = UPGRADES.length + (typeof __DB_VERSION_BUMP__ === "number" ? __DB_VERSION_BUMP__ : 0);
let dbPromise = null;

/** Run the upgrade steps from the stored version to this release's, in order, in the upgrade transaction. */
async function upgrade(database, oldVersion, newVersion, tx) {
  for (let version = oldVersion; version < newVersion; version += 1) await UPGRADES[version]?.(database, tx);
  await tx.objectStore("meta").put({ key: "schema", value: { version: newVersion, from: oldVersion, at: new Date().toISOString() } });
}

/** Open the database at this release's version, or as it is when a newer release (another tab) already upgraded it. */
async function openAnyVersion() {
  const options = {
    upgrade,
    blocking() {
      // A newer version of the app wants to upgrade the schema: let it.
      dbPromise?.then((d) => d.close());
      dbPromise = null;
    },
  };
  try {
    return await openDB(DB_NAME, DB_VERSION, options);
  } catch (err) {
    if (err?.name !== "VersionError") throw err;
    // Steps only ever add, so this release's code works on the newer schema until it reloads.
    return openDB(DB_NAME, undefined, { blocking: options.blocking });
  }
}

/** Open (and on first use create or upgrade) the database. */
export function db() {
  if (!dbPromise) {
    dbPromise = openAnyVersion();
    dbPromise.catch(() => {
      dbPromise = null;
    });
  }
  return dbPromise;
}

// --- meta ---------------------------------------------------------------------------------

/** Read one meta value (undefined when unset). */
export async function getMeta(key) {
  const row = await (await db()).get("meta", key);
  return row?.value;
}

/** Write one meta value. */
export async function setMeta(key, value) {
  await (await db()).put("meta", { key, value });
}

// --- records ------------------------------------------------------------------------------

/** One record (or undefined), tombstoned ones included. */
export async function getRecord(kind, id) {
  if (!id) return undefined;
  return (await db()).get("records", [kind, id]);
}

/** Every live record of a kind. */
export async function listKind(kind) {
  const rows = await (await db()).getAllFromIndex("records", "by_kind", kind);
  return rows.filter((r) => !r.deleted);
}

/** Live records of a kind that belong to a parent through an index (customer, cabinet, device, document). */
export async function listBy(index, kind, parentId) {
  if (!parentId) return [];
  const rows = await (await db()).getAllFromIndex("records", `by_${index}`, [kind, parentId]);
  return rows.filter((r) => !r.deleted);
}

/** The cabinet or device carrying a QR token (exact match), or undefined. */
export async function findByToken(token) {
  const rows = await (await db()).getAllFromIndex("records", "by_token", token);
  return rows.find((r) => !r.deleted && (r.kind === "cabinet" || r.kind === "device"));
}

/** Cabinets and devices whose token starts with the printed short code. */
export async function findByShortCode(code) {
  const typed = code.trim().replace(/\s+/g, "");
  if (typed.length < 4) return [];
  // Labels print lower-case codes; people often type them in capitals.
  for (const prefix of new Set([typed, typed.toLowerCase()])) {
    const range = IDBKeyRange.bound(prefix, prefix + "\uffff");
    const rows = await (await db()).getAllFromIndex("records", "by_token", range);
    const found = rows.filter((r) => !r.deleted && (r.kind === "cabinet" || r.kind === "device"));
    if (found.length) return found;
  }
  return [];
}

/**
 * Apply one pulled page and its cursor in one transaction (SYNC.md): a version lower than the
 * one held is ignored, so a late page never rolls a record back. `firstSync` ({total, received}
 * while a first sync has more pages, else null) is stored with them.
 */
export async function applyPulledPage(changes, cursor, { firstSync = null } = {}) {
  const tx = (await db()).transaction(["records", "meta"], "readwrite");
  const records = tx.objectStore("records");
  // All reads are asked at once and all writes follow without waiting for each other: the
  // transaction commits them together, with one turn of the event loop per page rather than two
  // per record (a slow phone's CPU, not the network, limited a first sync).
  const held = await Promise.all(changes.map((change) => records.get([change.kind, change.id])));
  const writes = [];
  changes.forEach((change, index) => {
    const mine = held[index];
    if (mine && !mine.local && mine.version > change.version) return;
    writes.push(records.put({
      kind: change.kind,
      id: change.id,
      version: change.version,
      change_seq: change.change_seq,
      deleted: Boolean(change.deleted),
      local: false,
      data: change.data || mine?.data || {},
      blobs: mine?.blobs,
    }));
  });
  const meta = tx.objectStore("meta");
  writes.push(meta.put({ key: "cursor", value: cursor }), meta.put({ key: "firstSync", value: firstSync }));
  await Promise.all([...writes, tx.done]);
}

/**
 * Forget pulled records: all of them when another user signs in, or (keepLocal) all but the
 * ones made on this device and not yet pulled back, when the server wants a pull from 0.
 */
export async function clearRecords({ keepLocal = false } = {}) {
  const tx = (await db()).transaction(["records", "meta"], "readwrite");
  const records = tx.objectStore("records");
  if (keepLocal) {
    let cursor = await records.openCursor();
    while (cursor) {
      if (!cursor.value.local) await cursor.delete();
      cursor = await cursor.continue();
    }
  } else {
    await records.clear();
  }
  await tx.objectStore("meta").put({ key: "cursor", value: 0 });
  await tx.done;
}

// --- outbox -------------------------------------------------------------------------------

/**
 * Queue mutations for a user in one transaction: each gets the next seq of the user's client
 * id on this device, and the records they create appear locally at once.
 * `mutations` are {kind, op, id, base_version, data, blobs, label}.
 */
export async function enqueue(userId, mutations, blobs = []) {
  const tx = (await db()).transaction(["meta", "outbox", "records", "blobs"], "readwrite");
  const meta = tx.objectStore("meta");
  const key = `client:${userId}`;
  const client = (await meta.get(key))?.value;
  if (!client) throw new Error("no client id for this user");
  let seq = client.next_seq;
  const now = new Date().toISOString();
  for (const blob of blobs) {
    const held = await tx.objectStore("blobs").get(blob.sha256);
    if (!held) await tx.objectStore("blobs").put({ ...blob, user_id: userId, uploaded: false, created_at: now });
  }
  const entries = [];
  for (const m of mutations) {
    const entry = {
      client_id: client.client_id,
      seq,
      user_id: userId,
      kind: m.kind,
      op: m.op,
      id: m.id,
      base_version: m.base_version ?? null,
      data: m.data,
      blobs: m.blobs || {},
      label: m.label || "",
      state: "queued",
      created_at: now,
      attempts: 0,
    };
    seq += 1;
    entries.push(entry);
    await tx.objectStore("outbox").put(entry);
    if (m.op === "create") {
      await tx.objectStore("records").put({
        kind: m.kind, id: m.id, version: 0, change_seq: 0, deleted: false, local: true, data: m.data,
        blobs: m.blobs || {},
      });
    }
  }
  await meta.put({ key, value: { ...client, next_seq: seq } });
  await tx.done;
  return entries;
}

/** The client id and next seq of a user on this device, created once (a UUID). */
export async function ensureClient(userId) {
  const tx = (await db()).transaction("meta", "readwrite");
  const key = `client:${userId}`;
  let client = (await tx.store.get(key))?.value;
  if (!client) {
    client = { client_id: crypto.randomUUID(), next_seq: 1 };
    await tx.store.put({ key, value: client });
  }
  await tx.done;
  return client;
}

/** Every outbox entry of a user, oldest first. */
export async function listOutbox(userId) {
  const rows = await (await db()).getAllFromIndex("outbox", "by_user", userId);
  return rows.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.seq - b.seq));
}

/** Entries still to send for a user, in seq order. */
export async function pendingEntries(userId) {
  const rows = await (await db()).getAllFromIndex("outbox", "by_user", userId);
  return rows.filter((e) => OPEN_STATES.includes(e.state)).sort((a, b) => a.seq - b.seq);
}

/** How many items of a user are not on the server yet (queued, sending, rejected, conflict). */
export async function unsyncedCount(userId) {
  if (userId === undefined || userId === null) return 0;
  const rows = await (await db()).getAllFromIndex("outbox", "by_user", userId);
  return rows.filter((e) => e.state !== "synced").length;
}

/** Entries of users other than this one still waiting on the device. */
export async function othersWaiting(userId) {
  const rows = await (await db()).getAll("outbox");
  return rows.filter((e) => e.user_id !== userId && e.state !== "synced").length;
}

/** Change the state of entries, keyed by seq, within one client. */
export async function updateEntries(clientId, updates) {
  const tx = (await db()).transaction(["outbox", "records"], "readwrite");
  for (const [seq, patch] of updates) {
    const entry = await tx.objectStore("outbox").get([clientId, seq]);
    if (!entry) continue;
    const next = { ...entry, ...patch };
    await tx.objectStore("outbox").put(next);
    if (patch.state === "synced" && typeof patch.version === "number" && entry.op === "create") {
      const held = await tx.objectStore("records").get([entry.kind, entry.id]);
      if (held && held.local) await tx.objectStore("records").put({ ...held, version: patch.version, local: false });
    }
  }
  await tx.done;
}

/** Drop an entry the technician has dealt with (only rejected or conflicting ones). */
export async function dismissEntry(clientId, seq) {
  const tx = (await db()).transaction("outbox", "readwrite");
  const entry = await tx.store.get([clientId, seq]);
  if (entry && (entry.state === "rejected" || entry.state === "conflict")) await tx.store.delete([clientId, seq]);
  await tx.done;
}

/** Forget acknowledged entries older than the given age (kept till then as a receipt, and to resend to a restored server). */
export async function pruneSynced(maxAgeDays = KEEP_ACKNOWLEDGED_DAYS) {
  const cutoff = new Date(Date.now() - maxAgeDays * 86400000).toISOString();
  const tx = (await db()).transaction("outbox", "readwrite");
  for (const entry of await tx.store.getAll()) {
    if (entry.state === "synced" && (entry.synced_at || entry.created_at) < cutoff) {
      await tx.store.delete([entry.client_id, entry.seq]);
    }
  }
  await tx.done;
}

// --- blobs --------------------------------------------------------------------------------

/** One stored blob row {sha256, type, blob, uploaded, ...} or undefined. */
export async function getBlob(sha256) {
  return (await db()).get("blobs", sha256);
}

/** Keep a blob fetched from the server (for thumbnails of records made elsewhere). */
export async function cacheBlob(sha256, blob, userId) {
  const database = await db();
  if (await database.get("blobs", sha256)) return;
  await database.put("blobs", {
    sha256, type: blob.type, blob, size: blob.size, user_id: userId, uploaded: true, created_at: new Date().toISOString(),
  });
}

/** Blobs of a user still to upload. */
export async function pendingBlobs(userId) {
  const rows = await (await db()).getAllFromIndex("blobs", "by_user", userId);
  return rows.filter((b) => !b.uploaded);
}

/** Ask again whether the server has each of a user's images (a restored server may not). */
export async function recheckBlobs(userId) {
  const tx = (await db()).transaction("blobs", "readwrite");
  for (const row of await tx.store.index("by_user").getAll(userId)) {
    if (row.uploaded) await tx.store.put({ ...row, uploaded: false });
  }
  await tx.done;
}

/**
 * Forget images that reached the server long ago; thumbnails of older entries are fetched from
 * the server again when online. Images not yet uploaded, or named by an entry still kept in the
 * outbox (it may be resent to a restored server), are never removed.
 */
export async function pruneBlobs(maxAgeDays = KEEP_ACKNOWLEDGED_DAYS) {
  const cutoff = new Date(Date.now() - maxAgeDays * 86400000).toISOString();
  const tx = (await db()).transaction(["blobs", "outbox"], "readwrite");
  const named = new Set();
  for (const entry of await tx.objectStore("outbox").getAll()) {
    for (const sha of Object.values(entry.blobs || {})) named.add(sha);
    for (const sha of blobsInData(entry.data)) named.add(sha);
  }
  let cursor = await tx.objectStore("blobs").openCursor();
  while (cursor) {
    if (cursor.value.uploaded && cursor.value.created_at < cutoff && !named.has(cursor.value.sha256)) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}

/** SHA-256 names inside an entry's data (a patrol sheet names its photos in its answers). */
function blobsInData(data) {
  const found = [];
  const walk = (value) => {
    if (typeof value === "string" && /^[0-9a-f]{64}$/.test(value)) found.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(data);
  return found;
}

/** Mark a blob as on the server (or note why it is not). */
export async function markBlob(sha256, patch) {
  const tx = (await db()).transaction("blobs", "readwrite");
  const row = await tx.store.get(sha256);
  if (row) await tx.store.put({ ...row, ...patch });
  await tx.done;
}
