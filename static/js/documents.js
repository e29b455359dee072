// Field documents as outbox mutations: a diary entry with its photos and its signature.
// A signature covers the SHA-256 of the canonical JSON of the document it signs, so the
// server (and anyone later) can tell whether the signed content was changed.
import { canonicalJson, sha256Hex } from "./canonical-json.js";
// The fields that make up a document's content, per kind, in one table the server reads too;
// bookkeeping columns a pull adds (version, change_seq, created_at...) and times the server may
// correct (a device's clock) are not part of what the customer signed.
import CONTENT_FIELDS from "./signed-fields.json" with { type: "json" };

/** A document's signed content: its content fields that have a value. */
export function documentContent(kind, data) {
  const content = {};
  for (const key of CONTENT_FIELDS[kind] || Object.keys(data)) {
    if (data[key] !== undefined && data[key] !== null) content[key] = data[key];
  }
  return content;
}

/** The exact text a signature covers: {"data":{...},"id":"...","kind":"..."} canonically. */
export function signedContent(kind, id, data) {
  return canonicalJson({ kind, id, data: documentContent(kind, data) });
}

/** A blob row for the blobs store: {sha256, type, blob, size}. */
export async function blobRow(blob) {
  return { sha256: await sha256Hex(blob), type: blob.type, blob, size: blob.size };
}

/** The photo mutation for one compressed image of a document. */
export function photoMutation({ documentKind, documentId, sha256, caption = "", takenAt, label }) {
  return {
    kind: "photo",
    op: "create",
    id: crypto.randomUUID(),
    data: { document_kind: documentKind, document_id: documentId, caption, taken_at: takenAt },
    blobs: { image: sha256 },
    label,
  };
}

/** The signature mutation for a document whose content (data) is signed. */
export async function signatureMutation({ documentKind, documentId, documentData, sha256, signerName, signerRole, signedAt, label }) {
  const contentSha = await sha256Hex(signedContent(documentKind, documentId, documentData));
  return {
    kind: "signature",
    op: "create",
    id: crypto.randomUUID(),
    data: {
      document_kind: documentKind,
      document_id: documentId,
      signer_name: signerName,
      signer_role: signerRole,
      signed_at: signedAt,
      content_sha256: contentSha,
    },
    blobs: { image: sha256 },
    label,
  };
}

/** The SHA-256 of a record's image blob, however the record names it. */
export function imageShaOf(record) {
  if (record?.blobs?.image) return record.blobs.image;
  const data = record?.data || {};
  for (const key of ["image_sha256", "image", "blob_sha256", "sha256"]) {
    if (typeof data[key] === "string" && /^[0-9a-f]{64}$/.test(data[key])) return data[key];
  }
  if (data.blobs && typeof data.blobs.image === "string") return data.blobs.image;
  return null;
}
