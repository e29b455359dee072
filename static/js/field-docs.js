// The pieces every signed field document shares (diary entry, patrol sheet, repair form): the
// customer's signature block, the signature mutation with its image, an image of a stored blob,
// and the tag saying where a record's outbox entry stands.
import { getBlobBytes } from "./api.js";
import { blobRow, signatureMutation } from "./documents.js";
import { compressPhoto } from "./photos.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { cacheBlob, getBlob, listOutbox } from "./store.js";
import { signaturePadControls } from "./signature-controls.js";
import { limitLength } from "./text-limits.js";

// The server's limits on a signature's signer (webapp/documents: signer_name 100, signer_role 40).
const SIGNER_NAME_MAX = 100;
const SIGNER_ROLE_MAX = 40;

/**
 * The customer's signature block: the signer's name (and role, when asked), any fields given,
 * the pad with undo and clear. With a legend it is a fieldset of its own.
 * Returns {node, ready, name, role}; `ready` resolves to the signature field.
 */
export function signatureBlock({ legend = "", hint = "", withRole = false, fields = [] } = {}) {
  const name = limitLength(h("input", { type: "text", name: "signer_name", id: "signer_name", autocomplete: "name" }), SIGNER_NAME_MAX);
  const role = withRole
    ? limitLength(h("input", { type: "text", name: "signer_role", id: "signer_role", value: t("Customer representative") }), SIGNER_ROLE_MAX)
    : null;
  const { pad, ready } = signaturePadControls();
  const who = [h("div.field", [h("label", { for: "signer_name" }, t("Signer's name")), name])];
  if (role) who.push(h("div.field", [h("label", { for: "signer_role" }, t("Signer's role")), role]));
  const parts = [
    hint ? h("p.hint", hint) : null,
    fields,
    role ? h("div.form-grid", who) : who,
    pad,
  ];
  const node = legend ? h("fieldset.signature-block", [h("legend", legend), parts]) : h("div.signature-block", parts);
  return { node, ready, name, role };
}

/** The signature mutation of a document (covering its signed content) and the image's blob row. */
export async function signatureParts({ field, documentKind, documentId, documentData, signerName, signerRole, label }) {
  const blob = await blobRow(await field.toPngBlob());
  const mutation = await signatureMutation({
    documentKind, documentId, documentData, sha256: blob.sha256, signerName, signerRole,
    signedAt: new Date().toISOString(), label,
  });
  return { mutation, blob };
}

/**
 * Photos of a record being filled: take or choose, shrunk at once, shown as thumbnails that can
 * be removed. Returns {node, photos}; `photos()` gives the blob rows (with `takenAt`) to queue.
 */
export function photoPicker(keeper, onError, { idPrefix = "photo" } = {}) {
  const picked = [];
  const thumbs = h("ul.thumbs", { "aria-live": "polite" });
  const draw = () => thumbs.replaceChildren(...picked.map((p, i) => h("li.thumb", [
    h("img", { src: p.url, alt: t("Photo %(n)s", { n: i + 1 }) }),
    h("button.btn.thumb-remove", {
      type: "button", "aria-label": t("Remove photo %(n)s", { n: i + 1 }),
      onclick: () => { picked.splice(i, 1); draw(); },
    }, "×"),
  ])));
  const add = async (input) => {
    const files = Array.from(input.files || []);
    input.value = "";
    for (const file of files) {
      try {
        const { blob } = await compressPhoto(file);
        picked.push({ ...(await blobRow(blob)), url: keeper.make(blob), takenAt: new Date(file.lastModified || Date.now()).toISOString() });
      } catch {
        onError(t("This file is not a photo the app can read."));
      }
    }
    draw();
  };
  const camera = h("input.visually-hidden", { type: "file", accept: "image/*", capture: "environment", id: `${idPrefix}_camera`, onchange: (e) => add(e.target) });
  const chooser = h("input.visually-hidden", { type: "file", accept: "image/*", multiple: true, id: `${idPrefix}_pick`, onchange: (e) => add(e.target) });
  const node = h("fieldset.photos", [
    h("legend", t("Photos")),
    h("div.actions", [camera, h("label.btn", { for: camera.id }, t("Take photo")), chooser, h("label.btn", { for: chooser.id }, t("Choose photos"))]),
    thumbs,
  ]);
  return { node, photos: () => picked.map(({ url, ...row }) => row) };
}

/** An <img> of a stored blob: from the device, else from the server when online. */
export function blobImage(sha, userId, keeper, alt, className = "") {
  const img = h(`img${className ? `.${className}` : ""}`, { alt, loading: "lazy", "data-sha256": sha || "" });
  const holder = h("figure.blob-figure", img);
  (async () => {
    if (!sha) throw new Error("no image");
    let row = await getBlob(sha);
    if (!row && navigator.onLine) {
      await cacheBlob(sha, await getBlobBytes(sha), userId);
      row = await getBlob(sha);
    }
    if (!row) throw new Error("not on device");
    img.src = keeper.make(row.blob);
  })().catch(() => holder.replaceChildren(h("span.muted.small.blob-missing", t("Image not on this device yet"))));
  return holder;
}

/** The latest outbox entry of each record id of the user: Map id -> entry. */
export async function outboxEntries(userId) {
  const latest = new Map();
  for (const entry of await listOutbox(userId)) latest.set(entry.id, entry);
  return latest;
}

/** The latest outbox entry of one record, or null when the device never sent it. */
export async function outboxEntryOf(userId, recordId) {
  return (await outboxEntries(userId)).get(recordId) || null;
}

/** Where a record's outbox entry stands, as a tag; no state means it came from the server. */
export function outboxStateTag(state) {
  const labels = {
    queued: [t("Queued"), "tag-warn"],
    sending: [t("Sending"), "tag-warn"],
    synced: [t("Synced"), "tag-ok"],
    rejected: [t("Rejected"), "tag-bad"],
    conflict: [t("Conflict"), "tag-bad"],
  };
  const [text, cls] = labels[state] || [t("On the server"), "tag-ok"];
  return h(`span.tag.${cls}.state-${state || "server"}`, { "data-state": state || "server" }, text);
}
