// After the server was restored from a backup: find what it no longer has of this device's
// work and queue it again (shared/SYNC.md keeps seqs per device; a restored server's last_seq for
// the device can be below what it once acknowledged).
import { OPEN_STATES, db, getMeta, pendingEntries } from "./store.js";

/**
 * How many of this device's acknowledged seqs a server no longer has: it says it applied up to
 * `lastSeq`, and every seq below the first still-open entry was acknowledged once.
 */
export async function lostOnServer(userId, clientId, lastSeq) {
  const client = (await getMeta(`client:${userId}`)) || {};
  if (client.client_id !== clientId || typeof lastSeq !== "number") return 0;
  const open = (await pendingEntries(userId)).filter((e) => e.client_id === clientId);
  const firstOpen = open.length ? open[0].seq : client.next_seq;
  return Math.max(0, firstOpen - 1 - lastSeq);
}

/**
 * After a restore, queue again what the server lost (seqs above `lastSeq`), same seq and payload,
 * so each applies once. When some of those entries are gone from the device (older than the
 * keep, or dismissed), the seqs cannot be filled; then everything still held above `lastSeq`
 * moves to a new client id, numbered from 1 (the server sees a new device; a resent create of
 * a record it already has is answered as a duplicate). Returns {requeued, clientId}.
 */
export async function requeueLost(userId, lastSeq) {
  const tx = (await db()).transaction(["meta", "outbox"], "readwrite");
  const key = `client:${userId}`;
  const client = (await tx.objectStore("meta").get(key)).value;
  const outbox = tx.objectStore("outbox");
  const held = (await outbox.getAll(IDBKeyRange.bound([client.client_id, lastSeq + 1], [client.client_id, Infinity])))
    .sort((a, b) => a.seq - b.seq);
  const complete = held.length === client.next_seq - 1 - lastSeq;
  let clientId = client.client_id;
  if (complete) {
    for (const entry of held) {
      if (!OPEN_STATES.includes(entry.state)) await outbox.put({ ...entry, state: "queued", resent_after_restore: true });
    }
  } else {
    clientId = crypto.randomUUID();
    let seq = 1;
    for (const entry of held) {
      await outbox.delete([entry.client_id, entry.seq]);
      await outbox.put({ ...entry, client_id: clientId, seq, state: "queued", resent_after_restore: true, moved_from: [entry.client_id, entry.seq] });
      seq += 1;
    }
    await tx.objectStore("meta").put({ key, value: { client_id: clientId, next_seq: seq } });
  }
  await tx.done;
  return { requeued: held.length, clientId };
}
