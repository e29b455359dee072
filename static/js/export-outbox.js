// "Export unsynced items": when sync keeps failing, the technician can hand the office a file
// with every unsynced mutation and the blobs they name (base64), nothing lost.
import { getBlob, listOutbox } from "./store.js";

/** Base64 of a Blob's bytes. */
async function base64Of(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The export document: unsynced entries of a user and their blobs. */
export async function buildExport(user) {
  const entries = (await listOutbox(user.id)).filter((e) => e.state !== "synced");
  const blobs = {};
  for (const entry of entries) {
    for (const sha of Object.values(entry.blobs || {})) {
      if (blobs[sha]) continue;
      const row = await getBlob(sha);
      if (row) blobs[sha] = { type: row.type, size: row.size, base64: await base64Of(row.blob) };
    }
  }
  return {
    format: "school-om-field-outbox/1",
    exported_at: new Date().toISOString(),
    user: { id: user.id, username: user.username, display_name: user.display_name },
    mutations: entries.map((e) => ({
      client_id: e.client_id, seq: e.seq, kind: e.kind, op: e.op, id: e.id, base_version: e.base_version,
      data: e.data, blobs: e.blobs, state: e.state, error: e.error || null, created_at: e.created_at,
    })),
    blobs,
  };
}

/** Offer the export as a downloaded JSON file. */
export async function downloadExport(user) {
  const doc = await buildExport(user);
  const file = new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(file);
  const stamp = doc.exported_at.replace(/[:.]/g, "-");
  const link = document.createElement("a");
  link.href = url;
  link.download = `unsynced-${user.username}-${stamp}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return doc;
}
