// The daily service diary (服务日记): write an entry offline with photos and the customer's
// signature; once signed it is locked on the device, and a change is a new entry that names
// the one it replaces.
import { blobRow, imageShaOf, photoMutation } from "./documents.js";
import { facts, h, urlKeeper } from "./dom.js";
import { blobImage, outboxEntryOf, outboxStateTag, signatureBlock, signatureParts } from "./field-docs.js";
import { formatDate, formatDateTime, t, todayInSiteZone } from "./i18n.js";
import { queue } from "./outbox.js";
import { errorLine, pageHead, pathOf } from "./page.js";
import { compressPhoto } from "./photos.js";
import { getRecord, listBy } from "./store.js";
import { limitLength } from "./text-limits.js";

// The server's limit on an entry's text (webapp/maintenance/diary.py MAX_TEXT), in code points.
const TEXT_MAX = 20000;

/** The customer's signature block of a diary entry: name, role and the pad. */
function diarySignature() {
  return signatureBlock({
    legend: t("Customer signature"),
    hint: t("Let the customer read the entry, then sign below. A signed entry is locked."),
    withRole: true,
  });
}

/** Where an entry belongs: customer, cabinet, device (each as a link). */
async function contextFacts(data) {
  const [customer, cabinet, device] = await Promise.all([
    getRecord("customer", data.customer_id), getRecord("cabinet", data.cabinet_id), getRecord("device", data.device_id),
  ]);
  return {
    customer,
    pairs: [
      [t("Customer"), customer ? h("a", { href: pathOf("customer", customer.id) }, customer.data.name) : ""],
      [t("Cabinet"), cabinet ? h("a", { href: pathOf("cabinet", cabinet.id) }, cabinet.data.name) : ""],
      [t("Device"), device ? h("a", { href: pathOf("device", device.id) }, device.data.name) : ""],
    ],
  };
}

/** The new diary entry form (also "new version of" an entry). */
export async function diaryFormView(ctx) {
  const q = ctx.query;
  const previous = q.get("supersedes") ? await getRecord("diary_entry", q.get("supersedes")) : null;
  const base = previous?.data || {};
  const customerId = q.get("customer") || base.customer_id;
  const cabinetId = q.get("cabinet") || base.cabinet_id || null;
  const deviceId = q.get("device") || base.device_id || null;
  const customer = await getRecord("customer", customerId);
  if (!customer) {
    return { title: t("New diary entry"), node: h("p.empty", t("Open a customer, cabinet or device first.")) };
  }
  const context = await contextFacts({ customer_id: customerId, cabinet_id: cabinetId, device_id: deviceId });
  const keeper = urlKeeper();
  const photos = [];
  const thumbs = h("ul.thumbs", { "aria-live": "polite" });
  const { node: error, show: showError } = errorLine();
  const date = h("input", { type: "date", name: "date", id: "diary_date", required: true, value: base.date || todayInSiteZone() });
  const text = h("textarea", { name: "text", id: "diary_text", required: true, rows: 6 });
  text.value = base.text || "";
  limitLength(text, TEXT_MAX);
  const signature = diarySignature();

  const drawThumbs = () => {
    thumbs.replaceChildren(...photos.map((p, i) =>
      h("li.thumb", [
        h("img", { src: p.url, alt: t("Photo %(n)s", { n: i + 1 }) }),
        h("button.btn.thumb-remove", {
          type: "button", "aria-label": t("Remove photo %(n)s", { n: i + 1 }),
          onclick: () => {
            photos.splice(i, 1);
            drawThumbs();
          },
        }, "×"),
      ]),
    ));
  };
  const addFiles = async (input) => {
    const files = Array.from(input.files || []);
    input.value = "";
    for (const file of files) {
      try {
        const { blob } = await compressPhoto(file);
        photos.push({ blob, url: keeper.make(blob), takenAt: new Date(file.lastModified || Date.now()).toISOString() });
      } catch {
        showError(t("This file is not a photo the app can read."));
      }
    }
    drawThumbs();
  };
  const camera = h("input.visually-hidden", { type: "file", accept: "image/*", capture: "environment", id: "photo_camera", onchange: (e) => addFiles(e.target) });
  const picker = h("input.visually-hidden", { type: "file", accept: "image/*", multiple: true, id: "photo_pick", onchange: (e) => addFiles(e.target) });

  let saving = false;
  const save = async (event) => {
    event.preventDefault();
    if (saving) return;
    showError("");
    const body = text.value.trim();
    if (!body) return showError(t("Write what you did today."));
    if (!date.value) return showError(t("Choose the date."));
    const field = await signature.ready;
    const signerName = signature.name.value.trim();
    if (!field.isEmpty() && (!signerName || !signature.role.value.trim())) {
      return showError(t("Enter the name and role of the person who signed."));
    }
    saving = true;
    try {
      const entryId = crypto.randomUUID();
      const data = { customer_id: customerId, date: date.value, text: body };
      if (cabinetId) data.cabinet_id = cabinetId;
      if (deviceId) data.device_id = deviceId;
      if (previous) data.supersedes = previous.id;
      const label = `${customer.data.name} · ${date.value}`;
      const mutations = [{ kind: "diary_entry", op: "create", id: entryId, data, label }];
      const blobs = [];
      for (const photo of photos) {
        const row = await blobRow(photo.blob);
        blobs.push(row);
        mutations.push(photoMutation({ documentKind: "diary_entry", documentId: entryId, sha256: row.sha256, takenAt: photo.takenAt, label }));
      }
      if (!field.isEmpty()) {
        const parts = await signatureParts({
          field, documentKind: "diary_entry", documentId: entryId, documentData: data,
          signerName, signerRole: signature.role.value.trim(), label,
        });
        blobs.push(parts.blob);
        mutations.push(parts.mutation);
      }
      await queue(ctx, mutations, blobs);
      ctx.navigate(pathOf("diary_entry", entryId), { replace: true });
    } catch (err) {
      saving = false;
      showError(t("Could not save on this device: %(reason)s", { reason: err?.message || err }));
    }
  };

  return {
    title: t("New diary entry"),
    isForm: true,
    cleanup() {
      keeper.release();
      signature.ready.then((f) => f.destroy());
    },
    node: h("form.diary-form", { onsubmit: save, novalidate: true }, [
      pageHead(previous ? t("New version of a diary entry") : t("New diary entry"), context.customer?.data.name),
      previous ? h("p.flash.flash-warning", t("The signed entry stays as it was; this new entry replaces it.")) : null,
      h("section.card", facts(context.pairs)),
      h("div.field", [h("label", { for: "diary_date" }, t("Date")), date]),
      h("div.field", [h("label", { for: "diary_text" }, t("What was done")), text]),
      h("fieldset.photos", [
        h("legend", t("Photos")),
        h("div.actions", [
          camera, h("label.btn", { for: "photo_camera" }, t("Take photo")),
          picker, h("label.btn", { for: "photo_pick" }, t("Choose photos")),
        ]),
        thumbs,
      ]),
      signature.node,
      error,
      h("div.actions.form-actions", [h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Save on this device"))]),
    ]),
  };
}

/** One diary entry, read-only; signed entries say they are locked. */
export async function diaryDetailView(ctx) {
  const [id] = ctx.params;
  const entry = await getRecord("diary_entry", id);
  if (!entry) {
    return { title: t("Service diary"), node: h("p.empty", t("This diary entry is not on this device.")) };
  }
  const keeper = urlKeeper();
  const [photos, signatures, context, entryState] = await Promise.all([
    listBy("document", "photo", id), listBy("document", "signature", id), contextFacts(entry.data),
    outboxEntryOf(ctx.user.id, id),
  ]);
  const signature = signatures[0];
  const replaces = entry.data.supersedes ? await getRecord("diary_entry", entry.data.supersedes) : null;
  const signatureNode = signature
    ? h("section.card.signed", [
      h("h2", [t("Signature"), " ", h("span.tag.tag-ok", t("Signed — locked"))]),
      blobImage(imageShaOf(signature), ctx.user.id, keeper, t("Signature of %(name)s", { name: signature.data.signer_name }), "signature-image"),
      h("p", t("Signed by %(name)s (%(role)s) at %(time)s", {
        name: signature.data.signer_name, role: signature.data.signer_role || "—", time: formatDateTime(signature.data.signed_at),
      })),
      h("p.muted.small.mono", ["SHA-256 ", signature.data.content_sha256]),
    ])
    : h("section.card", [
      h("h2", t("Signature")),
      h("p", t("Not signed yet.")),
      h("a.btn.btn-primary", { href: `/app/diary/${encodeURIComponent(id)}/sign` }, t("Get the customer's signature")),
    ]);
  return {
    title: t("Service diary"),
    live: true,
    cleanup: () => keeper.release(),
    node: h("div", [
      pageHead(t("Service diary"), formatDate(entry.data.date),
        h("a.btn", { href: `/app/diary/new?supersedes=${encodeURIComponent(id)}` }, t("Write a new version"))),
      h("section.card", [
        facts([
          [t("Date"), formatDate(entry.data.date)],
          ...context.pairs,
          [t("Sync"), outboxStateTag(entryState?.state)],
          [t("Replaces"), replaces ? h("a", { href: pathOf("diary_entry", replaces.id) }, formatDate(replaces.data.date)) : ""],
        ]),
        h("p.diary-text", entry.data.text),
      ]),
      h("section", [
        h("h2", t("Photos")),
        photos.length
          ? h("ul.thumbs", photos.map((p, i) => h("li.thumb", blobImage(imageShaOf(p), ctx.user.id, keeper, t("Photo %(n)s", { n: i + 1 }), "photo"))))
          : h("p.empty", t("No photos.")),
      ]),
      signatureNode,
    ]),
  };
}

/** Sign an entry saved without a signature. */
export async function diarySignView(ctx) {
  const [id] = ctx.params;
  const entry = await getRecord("diary_entry", id);
  if (!entry) return { title: t("Signature"), node: h("p.empty", t("This diary entry is not on this device.")) };
  if ((await listBy("document", "signature", id)).length) {
    ctx.navigate(pathOf("diary_entry", id), { replace: true });
    return { title: t("Signature"), node: h("p", "…") };
  }
  const customer = await getRecord("customer", entry.data.customer_id);
  const signature = diarySignature();
  const error = h("p.error", { role: "alert", hidden: true });
  const sign = async (event) => {
    event.preventDefault();
    const field = await signature.ready;
    const name = signature.name.value.trim();
    error.hidden = true;
    if (field.isEmpty() || !name || !signature.role.value.trim()) {
      error.textContent = t("The customer signs on the pad; enter their name and role.");
      error.hidden = false;
      return;
    }
    const label = `${customer?.data.name || ""} · ${entry.data.date}`;
    const parts = await signatureParts({
      field, documentKind: "diary_entry", documentId: id, documentData: entry.data, signerName: name,
      signerRole: signature.role.value.trim(), label,
    });
    await queue(ctx, [parts.mutation], [parts.blob]);
    ctx.navigate(pathOf("diary_entry", id), { replace: true });
  };
  return {
    title: t("Signature"),
    isForm: true,
    cleanup: () => signature.ready.then((f) => f.destroy()),
    node: h("form", { onsubmit: sign, novalidate: true }, [
      pageHead(t("Sign the diary entry"), customer?.data.name),
      h("section.card", [h("strong", formatDate(entry.data.date)), h("p.diary-text", entry.data.text)]),
      signature.node,
      error,
      h("div.actions.form-actions", h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Sign and lock"))),
    ]),
  };
}
