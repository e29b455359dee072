// Filling a patrol / maintenance / inspection sheet offline: items by type, findings with a note
// and a photo, one tap from a finding to a repair ticket, the customer's opinion and signature.
// A sheet is one append-only `inspection` submission; the signature (on document_kind
// 'inspection') locks it, and a correction is a new sheet naming the one it replaces. The draft
// is kept in IndexedDB as it is filled, so a reload loses nothing.
import { blobRow } from "./documents.js";
import { facts, h, urlKeeper } from "./dom.js";
import { signatureBlock, signatureParts } from "./field-docs.js";
import { formatDate, t } from "./i18n.js";
import { fileSheet, reportFinding } from "./outbox.js";
import { localName, pageHead, pathOf, sheetPath } from "./page.js";
import { answerProblems, cleanAnswers, isAnswered, isFinding, normalAnswer, signedSheetData } from "./patrol-rules.js";
import { activityText } from "./patrol-words.js";
import { compressPhoto } from "./photos.js";
import { drawItem } from "./sheet-items.js";
import { getMeta, getRecord, listBy, listKind, setMeta } from "./store.js";
import { limitLength } from "./text-limits.js";

const DRAFT_PREFIX = "sheet-draft:";
// The server's limit on the customer's opinion (sync/kinds/maintenance.py).
const OPINION_MAX = 2000;

/** What a new sheet is for: its template, visit, customer and place, from the page's query. */
async function sheetContext(query) {
  const visit = query.get("visit") ? await getRecord("schedule", query.get("visit")) : null;
  const previous = query.get("supersedes") ? await getRecord("inspection", query.get("supersedes")) : null;
  const customerId = query.get("customer") || visit?.data.customer_id || previous?.data.customer_id;
  const [customer, cabinet, device] = await Promise.all([
    getRecord("customer", customerId), getRecord("cabinet", query.get("cabinet") || previous?.data.cabinet_id),
    getRecord("device", query.get("device") || previous?.data.device_id),
  ]);
  const current = (await listKind("checklist_template")).filter((x) => !x.data.superseded_at);
  let template = null;
  if (query.get("template")) template = await getRecord("checklist_template", query.get("template"));
  else if (previous) template = (await getRecord("checklist_template", previous.data.template_id)) || current.find((x) => x.data.template_key === previous.data.template_key);
  else if (visit) template = current.find((x) => x.data.activity === visit.data.activity && x.data.applies_to === "site") || current.find((x) => x.data.activity === visit.data.activity);
  const sites = customer ? await listBy("customer", "site", customer.id) : [];
  return { visit, previous, customer, cabinet, device, template, sites };
}

/** The fields that say where a sheet was filled, by what the checklist is filled for. */
function placeOf(template, { cabinet, device, sites }) {
  const to = template.data.applies_to;
  const place = { site_id: null, cabinet_id: null, device_id: null };
  // The cabinet the sheet was started from is kept whatever the checklist is for, so the office
  // page and the PDF name it (a site patrol started by scanning a cabinet's label).
  if (cabinet) place.cabinet_id = cabinet.id;
  if (to === "devices_of_category" && device) place.device_id = device.id;
  place.site_id = cabinet?.data.site_id || (sites.length === 1 ? sites[0].id : null);
  return place;
}

/** The sheet's mutation data: what was filled, where, when, and what it corrects. */
function sheetData(form, where) {
  const { template, customer, visit, previous } = where;
  const data = {
    template_id: template.id, customer_id: customer.id, ...placeOf(template, where),
    visit_id: visit?.id || previous?.data.visit_id || null, answers: cleanAnswers(form.items, form.answers),
    started_at: form.startedAt, finished_at: new Date().toISOString(), customer_opinion: form.opinion.value.trim(),
  };
  if (previous) data.supersedes_id = previous.id;
  for (const key of Object.keys(data)) if (data[key] === null) delete data[key];
  return data;
}

/** The state of a sheet being filled, and what its items' cards need to draw themselves. */
async function newForm(ctx, where, draft, sheetId) {
  const { previous, customer, cabinet, device, template } = where;
  const opinion = limitLength(h("textarea", { id: "customer_opinion", rows: 3 }), OPINION_MAX);
  opinion.value = draft?.opinion ?? previous?.data.customer_opinion ?? "";
  const form = {
    sheetId,
    userId: ctx.user.id,
    items: template.data.items || [],
    answers: draft?.answers || (previous ? structuredClone(previous.data.answers || {}) : {}),
    photos: new Map(Object.entries(draft?.photos || {})),
    startedAt: draft?.startedAt || new Date().toISOString(),
    keeper: urlKeeper(),
    cards: new Map(),
    device,
    devices: (cabinet ? await listBy("cabinet", "device", cabinet.id) : await listBy("customer", "device", customer.id))
      .sort((a, b) => String(a.data.name).localeCompare(String(b.data.name))),
    allDevices: await listBy("customer", "device", customer.id),
    opinion,
    error: h("div.error", { role: "alert", hidden: true }),
    saveTimer: 0,
  };
  form.answerOf = (key) => {
    if (!form.answers[key]) form.answers[key] = { value: null, note: "", photo_ids: [] };
    form.answers[key].photo_ids ||= [];
    return form.answers[key];
  };
  form.keepDraft = () => keepDraft(form);
  form.showError = (message) => {
    form.error.replaceChildren(message ? h("p", message) : "");
    form.error.hidden = !message;
    if (message) form.error.scrollIntoView({ block: "center" });
  };
  form.addPhotos = (item, input) => addPhotos(form, item, input);
  form.createTicket = (item, choice) => createTicket(ctx, form, where, item, choice);
  opinion.addEventListener("input", form.keepDraft);
  return form;
}

/** Keep the draft in IndexedDB a moment after the last change. */
function keepDraft(form) {
  clearTimeout(form.saveTimer);
  form.saveTimer = setTimeout(() => {
    const kept = {};
    for (const [sha, row] of form.photos) kept[sha] = { sha256: sha, blob: row.blob, type: row.type, size: row.size };
    setMeta(DRAFT_PREFIX + form.sheetId, { answers: form.answers, opinion: form.opinion.value, photos: kept, startedAt: form.startedAt, at: new Date().toISOString() });
  }, 250);
}

/** Shrink the photos picked for an item and add them to its answer. */
async function addPhotos(form, item, input) {
  const files = Array.from(input.files || []);
  input.value = "";
  for (const file of files) {
    try {
      const { blob } = await compressPhoto(file);
      const row = await blobRow(blob);
      form.photos.set(row.sha256, row);
      const a = form.answerOf(item.key);
      if (!a.photo_ids.includes(row.sha256)) a.photo_ids.push(row.sha256);
    } catch {
      form.showError(t("This file is not a photo the app can read."));
    }
  }
  form.keepDraft();
  drawItem(form, item);
}

/** Turn an item's finding into a repair ticket, queued at once (the sheet names it). */
async function createTicket(ctx, form, where, item, { deviceId, description }) {
  if (!description) return;
  const picked = form.allDevices.find((d) => d.id === deviceId);
  const a = form.answerOf(item.key);
  a.ticket_id = await reportFinding(ctx, {
    customer: where.customer, description, deviceId, cabinetId: picked?.data.cabinet_id || where.cabinet?.id || null,
  });
  form.keepDraft();
  drawItem(form, item);
}

/** Mark every item checked and return the first that still has a problem. */
function firstProblem(form) {
  let first = null;
  for (const item of form.items) {
    form.cards.get(item.key).dataset.checked = "1";
    drawItem(form, item);
    if (!first && answerProblems(item, form.answerOf(item.key)).length) first = item;
  }
  return first;
}

/** The save handler: check the answers, then file the sheet (signed, when the customer signed). */
function saver(ctx, form, where, signature) {
  let saving = false;
  return async (event) => {
    event.preventDefault();
    if (saving) return;
    form.showError("");
    const first = firstProblem(form);
    if (first) {
      form.showError(t("Some items still need an answer, a note or a photo; they are marked."));
      form.cards.get(first.key).scrollIntoView({ block: "center" });
      return;
    }
    const field = await signature.ready;
    const signerName = signature.name.value.trim();
    if (!field.isEmpty() && !signerName) return form.showError(t("Enter the name of the person who signed."));
    saving = true;
    try {
      const data = sheetData(form, where);
      const label = `${where.customer.data.name} · ${localName(where.template.data)}`;
      const used = (row) => Object.values(data.answers).some((a) => (a.photo_ids || []).includes(row.sha256));
      const signed = field.isEmpty() ? null : await signatureParts({
        field, documentKind: "inspection", documentId: form.sheetId, documentData: signedSheetData(form.items, data),
        signerName, signerRole: t("Customer representative"), label,
      });
      await fileSheet(ctx, { sheetId: form.sheetId, data, label, blobs: [...form.photos.values()].filter(used), signature: signed });
      await setMeta(DRAFT_PREFIX + form.sheetId, null);
      ctx.navigate(sheetPath(form.sheetId), { replace: true });
    } catch (err) {
      saving = false;
      form.showError(t("Could not save on this device: %(reason)s", { reason: err?.message || err }));
    }
  };
}

/** The items in their sections: runs of items with the same section name (a sheet without sections is one). */
function sections(items) {
  const groups = [];
  for (const item of items) {
    const name = localName(item, "section");
    if (!groups.length || localName(groups.at(-1)[0], "section") !== name) groups.push([]);
    groups.at(-1).push(item);
  }
  return groups;
}

/** Answer every unanswered item of a section with its normal value; the findings already marked stay. */
function markRestNormal(form, items) {
  const filled = [];
  for (const item of items) {
    const a = form.answerOf(item.key);
    const normal = normalAnswer(item);
    if (normal === null || isAnswered(item, a)) continue;
    a.value = structuredClone(normal);
    filled.push(item);
  }
  form.keepDraft();
  for (const item of filled) drawItem(form, item);
  const open = items.find((item) => !isAnswered(item, form.answerOf(item.key)) && item.required);
  if (open) form.cards.get(open.key).scrollIntoView({ block: "center" });
}

/** One section of the sheet: its name, the "rest normal" button and its items' cards. */
function sectionBlock(form, items) {
  const name = localName(items[0], "section");
  const start = form.items.indexOf(items[0]) + 1;
  const restNormal = h("button.btn.rest-normal", { type: "button" });
  const list = h("ol.check-list", { start });
  for (const item of items) {
    const card = h("li.check-item", { id: `item-${item.key}`, "data-item": item.key });
    form.cards.set(item.key, card);
    list.append(card);
  }
  restNormal.addEventListener("click", () => markRestNormal(form, items));
  const block = h("section.sheet-section", [
    h("div.sheet-section-head", [name ? h("h2", name) : null, restNormal]),
    list,
  ]);
  block.update = () => {
    const open = items.filter((item) => normalAnswer(item) !== null && !isAnswered(item, form.answerOf(item.key))).length;
    restNormal.hidden = open === 0;
    restNormal.textContent = t("Mark the other %(n)s normal", { n: open });
  };
  (form.sectionBlocks ||= []).push(block);
  return block;
}

/** The sheet's progress, kept in sight at the foot of the screen: answered of all, findings, the next open item. */
function progressBar(form) {
  const bar = h("progress.sheet-progress-bar", { max: form.items.length, value: 0, "aria-labelledby": "sheet-progress-text" });
  const text = h("span#sheet-progress-text.sheet-progress-text");
  const next = h("button.btn.btn-small.next-open", { type: "button" }, t("Next open item"));
  next.addEventListener("click", () => {
    const open = form.items.find((item) => !isAnswered(item, form.answerOf(item.key)) && item.required);
    if (open) form.cards.get(open.key).scrollIntoView({ block: "center" });
  });
  const update = () => {
    const done = form.items.filter((item) => isAnswered(item, form.answerOf(item.key))).length;
    const findings = form.items.filter((item) => isFinding(item, form.answerOf(item.key))).length;
    bar.value = done;
    text.textContent = findings
      ? t("%(done)s of %(all)s answered · %(n)s findings", { done, all: form.items.length, n: findings })
      : t("%(done)s of %(all)s answered", { done, all: form.items.length });
    next.hidden = !form.items.some((item) => !isAnswered(item, form.answerOf(item.key)) && item.required);
    for (const block of form.sectionBlocks || []) block.update();
  };
  return { node: h("div.sheet-progress", [text, bar, next]), update };
}

/** A new sheet: fill every item offline, get the customer's opinion and signature, save on the device. */
export async function sheetFormView(ctx) {
  const draftId = ctx.query.get("draft");
  const draft = draftId ? await getMeta(DRAFT_PREFIX + draftId) : null;
  const where = await sheetContext(ctx.query);
  const { visit, previous, customer, cabinet, device, template } = where;
  if (!customer || !template) {
    return { title: t("New sheet"), node: h("p.empty", t("This checklist or customer is not on this device.")) };
  }
  const sheetId = draftId || crypto.randomUUID();
  if (!draftId) {
    const url = new URL(window.location.href);
    url.searchParams.set("draft", sheetId);
    history.replaceState(null, "", url.pathname + url.search);
  }
  const form = await newForm(ctx, where, draft, sheetId);
  const signature = signatureBlock();
  const progress = progressBar(form);
  const list = h("div.sheet-form-items", sections(form.items).map((items) => sectionBlock(form, items)));
  for (const item of form.items) drawItem(form, item);
  form.onAnswer = progress.update;
  progress.update();
  const title = localName(template.data);
  return {
    title,
    isForm: true,
    cleanup() {
      clearTimeout(form.saveTimer);
      form.keeper.release();
      signature.ready.then((f) => f.destroy());
    },
    node: h("form.sheet-form", { onsubmit: saver(ctx, form, where, signature), novalidate: true }, [
      pageHead(title, [customer.data.name, visit ? ` · ${visit.data.period_key}` : ""]),
      previous ? h("div.flash.flash-warning", [
        h("p", t("This corrects a sheet the office returned; the signed sheet stays as it was.")),
        previous.data.review_comment ? h("p.pre", previous.data.review_comment) : null,
      ]) : null,
      h("section.card", facts([
        [t("Customer"), h("a", { href: pathOf("customer", customer.id) }, customer.data.name)],
        [t("Cabinet"), cabinet ? cabinet.data.name : ""],
        [t("Device"), device ? device.data.name : ""],
        [t("Visit"), visit ? `${activityText(visit.data.activity)} · ${t("due %(date)s", { date: formatDate(visit.data.due_date) })}` : ""],
        [t("Checklist"), `${title} · ${t("version %(n)s", { n: template.data.version_no })}`],
      ])),
      list,
      progress.node,
      h("fieldset.customer-confirm", [
        h("legend", t("The customer")),
        h("p.hint", t("Let the customer read the sheet, write their opinion and sign. A signed sheet is locked.")),
        h("div.field", [h("label", { for: "customer_opinion" }, t("Customer's opinion")), form.opinion]),
        signature.node,
      ]),
      form.error,
      h("div.actions.form-actions", [h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Save the sheet"))]),
    ]),
  };
}
