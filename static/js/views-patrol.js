// Proactive service on the device (主动运维): the technician's visits (overdue, today, this week),
// and filling a patrol / maintenance / inspection sheet offline — items by type, findings with a
// note and a photo, one tap from a finding to a repair ticket, the customer's opinion and
// signature. A sheet is one append-only `inspection` submission; the signature (a `signature`
// on document_kind 'inspection') locks it, and a correction is a new sheet naming the one it
// replaces. The draft is kept in IndexedDB as it is filled, so a reload loses nothing.
import { getBlobBytes } from "./api.js";
import { blobRow, signatureMutation } from "./documents.js";
import { facts, h, urlKeeper } from "./dom.js";
import { formatDate, formatDateTime, lang, t, todayInSiteZone } from "./i18n.js";
import { compressPhoto } from "./photos.js";
import { cacheBlob, enqueue, getBlob, getMeta, getRecord, listBy, listKind, listOutbox, setMeta } from "./store.js";
import { announce, requestSync } from "./sync-engine.js";
import { pageHead, pathOf } from "./views-archive.js";
import { signaturePadControls } from "./signature-controls.js";

// Codes to words; each t("...") is a literal so the catalogue test finds it.
const ACTIVITIES = ["monthly_patrol", "semi_annual_maintenance", "quarterly_inspection", "spot_check", "year_end_inspection", "other"];
const activityNames = () => ({
  monthly_patrol: t("Monthly patrol"),
  semi_annual_maintenance: t("Semi-annual maintenance"),
  quarterly_inspection: t("Quarterly inspection"),
  spot_check: t("Spot check"),
  year_end_inspection: t("Year-end inspection"),
  other: t("Other"),
});
const reviewStates = () => ({
  submitted: [t("Received"), "tag-warn"],
  received: [t("Received"), "tag-warn"],
  has_issues: [t("Has issues"), "tag-bad"],
  accepted: [t("Accepted"), "tag-ok"],
  superseded: [t("Corrected"), ""],
});
const answerNames = () => ({ pass: t("Pass"), flag: t("Flag"), fail: t("Fail"), yes: t("Yes"), no: t("No") });
const syncStates = () => ({ rejected: t("Rejected"), conflict: t("Conflict") });
const DRAFT_PREFIX = "sheet-draft:";

/** The app path of a sheet. */
export function sheetPath(id, sub = "") {
  return `/app/sheets/${encodeURIComponent(id)}${sub ? `/${sub}` : ""}`;
}

/** An activity's name in the reader's language. */
function activityText(code) {
  return activityNames()[code] || code || "";
}

/** A record's name field in the reader's language (name_zh / name_en, label_zh / label_en). */
function local(data, field = "name") {
  const zh = data[`${field}_zh`] || "";
  const en = data[`${field}_en`] || "";
  return lang() === "en" ? en || zh : zh || en;
}

/** The other language's label, shown small under the first. */
function other(data, field = "label") {
  return lang() === "en" ? data[`${field}_zh`] || "" : data[`${field}_en`] || "";
}

/** An <img> of a stored blob: from the device, else from the server when online. */
function blobImage(sha, userId, keeper, alt) {
  const img = h("img", { alt, loading: "lazy", "data-sha256": sha });
  const holder = h("figure.blob-figure", img);
  (async () => {
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

// --- the technician's visits --------------------------------------------------------------------

/** Monday..Sunday: the last day of the week of a YYYY-MM-DD date. */
function weekEnd(ymd) {
  const [y, m, d] = ymd.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  const offset = (7 - (day.getUTCDay() || 7)) % 7;
  day.setUTCDate(day.getUTCDate() + offset);
  return day.toISOString().slice(0, 10);
}

/** Sheets on the device (pulled and local), newest first. */
async function allSheets() {
  return (await listKind("inspection")).sort((a, b) => String(b.data.finished_at).localeCompare(String(a.data.finished_at)));
}

/** The technician's open visits by group: overdue, today, this week, later (next five weeks). */
export async function myVisits(userId) {
  const today = todayInSiteZone();
  const sunday = weekEnd(today);
  const sheets = await allSheets();
  const doneHere = new Set(sheets.filter((s) => s.data.visit_id).map((s) => s.data.visit_id));
  const visits = (await listKind("schedule"))
    .filter((v) => v.data.assignee_id === userId && ["due", "overdue"].includes(v.data.state) && !doneHere.has(v.id))
    .sort((a, b) => a.data.due_date.localeCompare(b.data.due_date));
  const groups = { overdue: [], today: [], week: [], later: [] };
  for (const visit of visits) {
    const due = visit.data.due_date;
    if (due < today) groups.overdue.push(visit);
    else if (due === today) groups.today.push(visit);
    else if (due <= sunday) groups.week.push(visit);
    else groups.later.push(visit);
  }
  return groups;
}

/** One visit as a link that starts its sheet. */
async function visitItem(visit, customers, today) {
  const customer = customers.get(visit.data.customer_id);
  const overdue = visit.data.due_date < today;
  return h(`li.list-item.visit-item${overdue ? ".is-overdue" : ""}`, { "data-visit": visit.id },
    h("a", { href: `/app/sheets/new?visit=${encodeURIComponent(visit.id)}` }, [
      h("strong", customer?.data.name || ""),
      h("span", [activityText(visit.data.activity), " ", h("span.muted.small", visit.data.period_key)]),
      h("span.visit-item-due", [
        h(`span.tag.${overdue ? "tag-bad" : "tag-warn"}`, overdue ? t("Overdue") : t("Due")),
        " ", t("due %(date)s", { date: formatDate(visit.data.due_date) }),
      ]),
    ]));
}

/** Sheets the office returned to this technician (has issues), not yet corrected. */
async function returnedSheets(userId) {
  const sheets = await allSheets();
  const corrected = new Set(sheets.map((s) => s.data.supersedes_id).filter(Boolean));
  return sheets.filter((s) => s.data.state === "has_issues" && s.data.performed_by_id === userId && !corrected.has(s.id));
}

/** The visits block of the Today page: returned sheets, overdue, today, this week. */
export async function visitsSection(ctx) {
  const today = todayInSiteZone();
  const groups = await myVisits(ctx.user.id);
  const returned = await returnedSheets(ctx.user.id);
  const customers = new Map((await listKind("customer")).map((c) => [c.id, c]));
  const blocks = [];
  if (returned.length) {
    blocks.push(h("div.visit-group.returned", [
      h("h3", t("Returned by the office")),
      h("ul.list", returned.map((s) => h("li.list-item.returned-item", h("a", { href: sheetPath(s.id) }, [
        h("strong", customers.get(s.data.customer_id)?.data.name || ""),
        h("span.tag.tag-bad", t("Has issues")),
        h("span.grow", s.data.review_comment || ""),
      ])))),
    ]));
  }
  for (const [key, title] of [["overdue", t("Overdue")], ["today", t("Today")], ["week", t("This week")]]) {
    if (!groups[key].length) continue;
    const items = [];
    for (const visit of groups[key]) items.push(await visitItem(visit, customers, today));
    blocks.push(h(`div.visit-group.visit-${key}`, [h("h3", [title, " ", h("span.count", String(groups[key].length))]), h("ul.list", items)]));
  }
  const later = groups.later.length;
  return h("section.visits", { "data-section": "visits" }, [
    h("h2", t("My visits")),
    blocks.length ? blocks : h("p.empty", t("No visits due this week.")),
    later ? h("a.btn.btn-link.more-visits", { href: "/app/visits" }, t("%(n)s more in the next weeks", { n: later })) : null,
  ]);
}

/** All of the technician's open visits, including the coming weeks. */
export async function visitListView(ctx) {
  const today = todayInSiteZone();
  const groups = await myVisits(ctx.user.id);
  const customers = new Map((await listKind("customer")).map((c) => [c.id, c]));
  const sections = [];
  for (const [key, title] of [["overdue", t("Overdue")], ["today", t("Today")], ["week", t("This week")], ["later", t("Coming up")]]) {
    if (!groups[key].length) continue;
    const items = [];
    for (const visit of groups[key]) items.push(await visitItem(visit, customers, today));
    sections.push(h("section", [h("h2", title), h("ul.list", items)]));
  }
  return {
    title: t("My visits"),
    node: h("div", [pageHead(t("My visits")), sections.length ? sections : h("p.empty", t("No open visits."))]),
  };
}

// --- checklists of a customer, cabinet or device --------------------------------------------------

/** Current checklist versions that can be filled here (for the site, this cabinet, this device). */
async function templatesFor({ cabinet, device }) {
  const templates = (await listKind("checklist_template")).filter((tpl) => !tpl.data.superseded_at);
  return templates
    .filter((tpl) => {
      const to = tpl.data.applies_to;
      if (to === "site") return true;
      if (to === "each_cabinet") return Boolean(cabinet);
      return Boolean(device) && device.data.category === tpl.data.device_category;
    })
    .sort((a, b) => ACTIVITIES.indexOf(a.data.activity) - ACTIVITIES.indexOf(b.data.activity));
}

/** The "Checklists" block of a customer, cabinet or device page: open visits, other checklists, sheets. */
export async function checklistSection(ctx, { customerId, cabinetId = null, deviceId = null }) {
  const [cabinet, device] = await Promise.all([getRecord("cabinet", cabinetId), getRecord("device", deviceId)]);
  const visits = (await listKind("schedule"))
    .filter((v) => v.data.customer_id === customerId && ["due", "overdue"].includes(v.data.state))
    .sort((a, b) => a.data.due_date.localeCompare(b.data.due_date));
  const sheets = (await allSheets()).filter((s) => s.data.customer_id === customerId && (!cabinetId || !s.data.cabinet_id || s.data.cabinet_id === cabinetId));
  const done = new Set(sheets.map((s) => s.data.visit_id).filter(Boolean));
  const open = visits.filter((v) => !done.has(v.id));
  const place = new URLSearchParams(Object.entries({ customer: customerId, cabinet: cabinetId, device: deviceId }).filter(([, v]) => v));
  const templates = await templatesFor({ cabinet, device });
  const today = todayInSiteZone();
  return h("section.checklists", { "data-section": "checklists" }, [
    h("h2", t("Patrols and checklists")),
    open.length
      ? h("ul.list", open.map((v) => h(`li.list-item.visit-item${v.data.due_date < today ? ".is-overdue" : ""}`,
        h("a.start-visit", { href: `/app/sheets/new?visit=${encodeURIComponent(v.id)}&${place}` }, [
          h("strong", t("Start: %(what)s", { what: activityText(v.data.activity) })),
          h("span.muted.small", v.data.period_key),
          h("span.visit-item-due", t("due %(date)s", { date: formatDate(v.data.due_date) })),
        ]))))
      : null,
    templates.length
      ? h("details.other-checklists", [
        h("summary", t("Another checklist")),
        h("ul.list", templates.map((tpl) => h("li.list-item", h("a", {
          href: `/app/sheets/new?template=${encodeURIComponent(tpl.id)}&${place}`,
        }, [h("strong", local(tpl.data)), h("span.muted.small", activityText(tpl.data.activity))])))),
      ])
      : null,
    sheets.length
      ? h("ul.list.sheet-list", sheets.slice(0, 10).map((s) => sheetLink(s)))
      : h("p.empty", t("No sheets yet.")),
  ]);
}

/** A sheet as a list link with its state. */
function sheetLink(sheet) {
  const [text, cls] = reviewStates()[sheet.data.state] || [sheet.local ? t("Not synced yet") : t("Received"), "tag-warn"];
  return h("li.list-item", h("a", { href: sheetPath(sheet.id) }, [
    h("strong", activityText(sheet.data.activity)),
    h(`span.tag${cls ? `.${cls}` : ""}`, text),
    sheet.data.flagged_count ? h("span.tag.tag-bad", t("%(n)s findings", { n: sheet.data.flagged_count })) : null,
    h("span.muted.small", formatDateTime(sheet.data.finished_at)),
  ]));
}

// --- answers: what counts as a finding, and what a sheet still needs ------------------------------

/** A typed reading as a number, or null. */
function reading(value) {
  if (value === null || value === undefined || String(value).trim() === "") return null;
  const n = Number(String(value).trim().replace(",", "."));
  return Number.isFinite(n) ? n : null;
}

/** True when an answer is a finding by the item's rules (as the server decides it). */
export function isFinding(item, answer) {
  if (!answer || answer.na || answer.value === null || answer.value === undefined || answer.value === "") return false;
  const v = answer.value;
  switch (item.type) {
    case "pass_flag_fail":
      return v !== "pass";
    case "yes_no":
      return Boolean(item.flag_on) && v === item.flag_on;
    case "number": {
      const n = reading(v);
      if (n === null) return false;
      return (item.min !== null && item.min !== undefined && n < item.min) || (item.max !== null && item.max !== undefined && n > item.max);
    }
    case "single_choice":
      return Boolean((item.options || []).find((o) => o.key === v)?.flag);
    default:
      return false;
  }
}

/** Problems of one answer before the sheet is handed in (the server checks the same). */
export function answerProblems(item, answer = {}) {
  const problems = [];
  const empty = item.type === "photo" ? !(answer.photo_ids || []).length : answer.value === null || answer.value === undefined || String(answer.value).trim() === "";
  if (answer.na) return problems;
  if (empty) {
    if (item.required) problems.push(t("This item is required."));
    return problems;
  }
  if (item.type === "number" && reading(answer.value) === null) problems.push(t("Enter a number."));
  const finding = isFinding(item, answer);
  if (finding && !(answer.note || "").trim()) problems.push(t("A finding needs a note saying what was found."));
  const photos = (answer.photo_ids || []).length;
  if (!photos && (item.photo === "required" || (item.photo === "on_flag" && finding)) && item.type !== "photo") {
    problems.push(t("This item needs a photo."));
  }
  return problems;
}

/** An answer in words, for lists and the ticket's description. */
function answerText(item, answer) {
  if (!answer || answer.na) return answer?.na ? t("Not applicable") : "—";
  const v = answer.value;
  if (item.type === "photo") return (answer.photo_ids || []).length ? t("%(n)s photos", { n: answer.photo_ids.length }) : "—";
  if (v === null || v === undefined || v === "") return "—";
  if (item.type in { pass_flag_fail: 1, yes_no: 1 }) return answerNames()[v] || v;
  if (item.type === "number") return `${v} ${item.unit || ""}`.trim();
  if (item.type === "single_choice") {
    const option = (item.options || []).find((o) => o.key === v);
    return option ? local(option, "label") : v;
  }
  if (item.type === "software_upgrade") {
    return Array.isArray(v) && v.length ? v.map((e) => `${e.to_version}`).join(", ") : t("No upgrade needed");
  }
  return String(v);
}

/** The normal range of a reading, as a hint. */
function rangeText(item) {
  const { min, max, unit = "" } = item;
  if (min !== null && min !== undefined && max !== null && max !== undefined) return t("Normal: %(low)s – %(high)s %(unit)s", { low: min, high: max, unit });
  if (min !== null && min !== undefined) return t("Normal: at least %(low)s %(unit)s", { low: min, unit });
  if (max !== null && max !== undefined) return t("Normal: at most %(high)s %(unit)s", { high: max, unit });
  return "";
}

/** Answers as the server takes them: only what was given, numbers as typed. */
function cleanAnswers(items, answers) {
  const out = {};
  for (const item of items) {
    const a = answers[item.key];
    if (!a) continue;
    const entry = {};
    if (a.na) entry.na = true;
    else if (a.value !== null && a.value !== undefined && a.value !== "") entry.value = item.type === "number" ? String(a.value).trim() : a.value;
    if ((a.note || "").trim()) entry.note = a.note.trim();
    if ((a.photo_ids || []).length) entry.photo_ids = [...a.photo_ids];
    if (a.ticket_id) entry.ticket_id = a.ticket_id;
    if (Object.keys(entry).length) out[item.key] = entry;
  }
  return out;
}

// --- the sheet form ---------------------------------------------------------------------------

/** What a new sheet is for: its template, visit, customer and place, from the page's query. */
async function sheetContext(query) {
  const visit = query.get("visit") ? await getRecord("schedule", query.get("visit")) : null;
  const previous = query.get("supersedes") ? await getRecord("inspection", query.get("supersedes")) : null;
  const customerId = query.get("customer") || visit?.data.customer_id || previous?.data.customer_id;
  const [customer, cabinet, device] = await Promise.all([
    getRecord("customer", customerId), getRecord("cabinet", query.get("cabinet") || previous?.data.cabinet_id),
    getRecord("device", query.get("device") || previous?.data.device_id),
  ]);
  const templates = (await listKind("checklist_template"));
  let template = null;
  if (query.get("template")) template = await getRecord("checklist_template", query.get("template"));
  else if (previous) template = (await getRecord("checklist_template", previous.data.template_id)) || templates.find((x) => x.data.template_key === previous.data.template_key && !x.data.superseded_at);
  else if (visit) template = templates.find((x) => x.data.activity === visit.data.activity && x.data.applies_to === "site" && !x.data.superseded_at)
    || templates.find((x) => x.data.activity === visit.data.activity && !x.data.superseded_at);
  const sites = customer ? await listBy("customer", "site", customer.id) : [];
  return { visit, previous, customer, cabinet, device, template, sites };
}

/** The fields that say where a sheet was filled, by what the checklist is filled for. */
function placeOf(template, { cabinet, device, sites }) {
  const to = template.data.applies_to;
  const place = { site_id: null, cabinet_id: null, device_id: null };
  if (to === "each_cabinet" && cabinet) place.cabinet_id = cabinet.id;
  if (to === "devices_of_category" && device) place.device_id = device.id;
  place.site_id = cabinet?.data.site_id || (sites.length === 1 ? sites[0].id : null);
  return place;
}

/** Segmented radio buttons: [[value, text, tone]]; calls onPick(value). */
function segmented(name, choices, current, onPick, labelledBy) {
  return h("div.seg-input", { role: "radiogroup", "aria-labelledby": labelledBy }, choices.map(([value, text, tone]) => {
    const id = `${name}-${value}`;
    const input = h("input.visually-hidden", { type: "radio", name, id, value, checked: current === value });
    input.addEventListener("change", () => onPick(value));
    return h("span.seg-option", [input, h(`label${tone ? `.tone-${tone}` : ""}`, { for: id }, text)]);
  }));
}

/** The customer's signature block: name, pad, undo and clear. */
function signatureBlock() {
  const name = h("input", { type: "text", name: "signer_name", id: "signer_name", autocomplete: "name", maxlength: 100 });
  const { frame, actions, ready } = signaturePadControls();
  const node = h("div.signature-block", [
    h("div.field", [h("label", { for: "signer_name" }, t("Signer's name")), name]),
    frame,
    actions,
  ]);
  return { node, ready, name };
}

/** The signature mutation of a sheet (covering the sheet's canonical content) and its image. */
async function signatureParts({ field, signerName, sheetId, data, label: text }) {
  const png = await field.toPngBlob();
  const blob = await blobRow(png);
  const mutation = await signatureMutation({
    documentKind: "inspection", documentId: sheetId, documentData: data, sha256: blob.sha256,
    signerName, signerRole: t("Customer representative"), signedAt: new Date().toISOString(), label: text,
  });
  return { mutation, blob };
}

/** The form to open a repair ticket from a finding, prefilled with the device and what was found. */
function ticketPanel({ item, answer, devices, defaultDevice, onCreate }) {
  const select = h("select", { id: `ticket-device-${item.key}` }, [
    h("option", { value: "" }, t("No particular device")),
    ...devices.map((d) => h("option", { value: d.id, selected: d.id === defaultDevice }, d.data.name)),
  ]);
  const text = h("textarea", { id: `ticket-text-${item.key}`, rows: 3 });
  const note = (answer.note || "").trim();
  text.value = `${t("Found on patrol")}: ${local(item, "label")} — ${answerText(item, answer)}${note ? `. ${note}` : ""}`;
  const create = h("button.btn.btn-primary", { type: "button" }, t("Create the repair ticket"));
  create.addEventListener("click", () => {
    create.disabled = true;
    onCreate({ deviceId: select.value || null, description: text.value.trim() }).finally(() => {
      create.disabled = false;
    });
  });
  return h("div.ticket-panel", [
    h("div.field", [h("label", { for: select.id }, t("Device")), select]),
    h("div.field", [h("label", { for: text.id }, t("What is wrong")), text]),
    create,
  ]);
}

/** A new sheet: fill every item offline, get the customer's opinion and signature, save on the device. */
export async function sheetFormView(ctx) {
  const q = ctx.query;
  const draftId = q.get("draft");
  const draft = draftId ? await getMeta(DRAFT_PREFIX + draftId) : null;
  const where = await sheetContext(q);
  const { visit, previous, customer, cabinet, device, template } = where;
  if (!customer || !template) {
    return { title: t("New sheet"), node: h("p.empty", t("This checklist or customer is not on this device.")) };
  }
  const items = template.data.items || [];
  const sheetId = draftId || crypto.randomUUID();
  if (!draftId) {
    const url = new URL(window.location.href);
    url.searchParams.set("draft", sheetId);
    history.replaceState(null, "", url.pathname + url.search);
  }
  const startedAt = draft?.startedAt || new Date().toISOString();
  const answers = draft?.answers || (previous ? structuredClone(previous.data.answers || {}) : {});
  const photos = new Map(Object.entries(draft?.photos || {}));
  const keeper = urlKeeper();
  const devices = (cabinet ? await listBy("cabinet", "device", cabinet.id) : await listBy("customer", "device", customer.id))
    .sort((a, b) => String(a.data.name).localeCompare(String(b.data.name)));
  const allDevices = await listBy("customer", "device", customer.id);
  const opinion = h("textarea", { id: "customer_opinion", rows: 3, maxlength: 2000 });
  opinion.value = draft?.opinion ?? previous?.data.customer_opinion ?? "";
  const signature = signatureBlock();
  const error = h("div.error", { role: "alert", hidden: true });
  const cards = new Map();

  let saveTimer = 0;
  const keepDraft = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      const kept = {};
      for (const [sha, row] of photos) kept[sha] = { sha256: sha, blob: row.blob, type: row.type, size: row.size };
      setMeta(DRAFT_PREFIX + sheetId, { answers, opinion: opinion.value, photos: kept, startedAt, at: new Date().toISOString() });
    }, 250);
  };
  opinion.addEventListener("input", keepDraft);

  const answerOf = (key) => {
    if (!answers[key]) answers[key] = { value: null, note: "", photo_ids: [] };
    answers[key].photo_ids ||= [];
    return answers[key];
  };

  const addPhotos = async (item, input) => {
    const files = Array.from(input.files || []);
    input.value = "";
    for (const file of files) {
      try {
        const { blob } = await compressPhoto(file);
        const row = await blobRow(blob);
        photos.set(row.sha256, row);
        const a = answerOf(item.key);
        if (!a.photo_ids.includes(row.sha256)) a.photo_ids.push(row.sha256);
      } catch {
        showError(t("This file is not a photo the app can read."));
      }
    }
    keepDraft();
    drawItem(item);
  };

  const createTicket = async (item, { deviceId, description }) => {
    const a = answerOf(item.key);
    if (!description) return;
    const ticketId = crypto.randomUUID();
    const picked = allDevices.find((d) => d.id === deviceId);
    const data = { customer_id: customer.id, description };
    if (deviceId) data.device_id = deviceId;
    const cabinetId = picked?.data.cabinet_id || cabinet?.id;
    if (cabinetId) data.cabinet_id = cabinetId;
    await enqueue(ctx.user.id, [{ kind: "repair_ticket", op: "create", id: ticketId, data, label: `${customer.data.name} · ${t("Repair ticket")}` }]);
    a.ticket_id = ticketId;
    announce("outbox");
    requestSync("write");
    keepDraft();
    drawItem(item);
  };

  /** Draw (or redraw) one item's card from its answer. */
  function drawItem(item) {
    const card = cards.get(item.key);
    const a = answerOf(item.key);
    const finding = isFinding(item, a);
    const headId = `item-${item.key}-label`;
    const set = (patch) => {
      Object.assign(a, patch);
      keepDraft();
      drawItem(item);
    };
    let input = null;
    if (a.na) input = null; // the ticked "not applicable" box below says it
    else if (item.type === "pass_flag_fail") {
      input = segmented(`a-${item.key}`, [["pass", t("Pass"), "ok"], ["flag", t("Flag"), "warn"], ["fail", t("Fail"), "bad"]], a.value, (v) => set({ value: v }), headId);
    } else if (item.type === "yes_no") {
      const tone = (v) => (item.flag_on ? (item.flag_on === v ? "bad" : "ok") : "");
      input = segmented(`a-${item.key}`, [["yes", t("Yes"), tone("yes")], ["no", t("No"), tone("no")]], a.value, (v) => set({ value: v }), headId);
    } else if (item.type === "single_choice") {
      input = segmented(`a-${item.key}`, (item.options || []).map((o) => [o.key, local(o, "label"), o.flag ? "bad" : ""]), a.value, (v) => set({ value: v }), headId);
    } else if (item.type === "number") {
      const box = h("input", { type: "text", inputmode: "decimal", id: `a-${item.key}`, value: a.value ?? "", "aria-labelledby": headId, autocomplete: "off" });
      box.addEventListener("input", () => {
        a.value = box.value.trim() === "" ? null : box.value.trim();
        keepDraft();
      });
      box.addEventListener("change", () => drawItem(item));
      input = h("div.num-input", [box, item.unit ? h("span.unit", item.unit) : null, h("span.muted.small", rangeText(item))]);
    } else if (item.type === "text") {
      const box = h("textarea", { id: `a-${item.key}`, rows: 2, "aria-labelledby": headId });
      box.value = a.value || "";
      box.addEventListener("input", () => {
        a.value = box.value;
        keepDraft();
      });
      input = box;
    } else if (item.type === "photo") {
      input = null; // the photo buttons below are the answer
    } else if (item.type === "software_upgrade") {
      input = upgradeInput(item, a, allDevices, set);
    }
    // A finding always offers a photo (required when the checklist says so).
    const wantsPhoto = item.type === "photo" || item.photo === "required" || item.photo === "optional" || finding;
    const camera = h("input.visually-hidden", { type: "file", accept: "image/*", capture: "environment", id: `cam-${item.key}`, onchange: (e) => addPhotos(item, e.target) });
    const thumbs = (a.photo_ids || []).map((sha, i) => {
      const row = photos.get(sha);
      return h("li.thumb", [
        row ? h("img", { src: keeper.make(row.blob), alt: t("Photo %(n)s", { n: i + 1 }) }) : blobImage(sha, ctx.user.id, keeper, t("Photo %(n)s", { n: i + 1 })),
        h("button.btn.thumb-remove", {
          type: "button", "aria-label": t("Remove photo %(n)s", { n: i + 1 }),
          onclick: () => set({ photo_ids: a.photo_ids.filter((x) => x !== sha) }),
        }, "×"),
      ]);
    });
    const note = h("textarea", { id: `note-${item.key}`, rows: 2, placeholder: finding ? t("What was found, and what was done") : t("Note (optional)") });
    note.value = a.note || "";
    note.addEventListener("input", () => {
      a.note = note.value;
      keepDraft();
    });
    note.addEventListener("change", () => drawItem(item));
    const showNote = finding || a.noteOpen || (a.note || "").trim();
    const problems = card.dataset.checked ? answerProblems(item, a) : [];
    const ticket = a.ticket_id ? h("p.ticket-made", [h("span.tag.tag-ok", t("Repair ticket created")), " ",
      h("a", { href: `/app/tickets/${encodeURIComponent(a.ticket_id)}` }, t("Open the ticket"))]) : null;
    const canTicket = finding && !a.ticket_id;
    const panel = h("div.ticket-slot");
    card.className = `check-item sheet-item${finding ? " is-finding" : ""}${problems.length ? " has-problem" : ""}`;
    card.replaceChildren(
      h("div.check-item-head", [
        h("span.check-no", String(items.indexOf(item) + 1)),
        h("div.grow", [
          h("strong", { id: headId }, local(item, "label")), item.required ? h("span.req", { title: t("Required") }, " *") : null,
          h("div.muted.small", other(item)),
          local(item, "hint") ? h("div.hint", local(item, "hint")) : null,
          item.points ? h("div.muted.small.points", t("%(n)s points", { n: item.points })) : null,
        ]),
        finding ? h("span.tag.tag-bad", t("Finding")) : null,
      ]),
      h("div.check-item-body", [
        input,
        item.na_allowed ? h("label.check.na-toggle", [
          h("input", { type: "checkbox", checked: Boolean(a.na), onchange: (e) => set({ na: e.target.checked }) }),
          h("span", t("Not applicable")),
        ]) : null,
        showNote ? h("div.field.note-field", [h("label", { for: note.id }, finding ? t("Note on the finding") : t("Note")), note]) : null,
        !showNote && !a.na && item.type !== "text" ? h("button.btn.btn-link.add-note", { type: "button", onclick: () => set({ noteOpen: true }) }, t("Add a note")) : null,
        wantsPhoto && !a.na ? h("div.photo-row", [camera, h("label.btn", { for: camera.id }, t("Take photo")), thumbs.length ? h("ul.thumbs", thumbs) : null]) : null,
        ticket,
        canTicket ? h("button.btn.make-ticket", {
          type: "button",
          onclick: (e) => {
            e.target.remove();
            panel.replaceChildren(ticketPanel({
              item, answer: a, devices, defaultDevice: device?.id || (devices.length === 1 ? devices[0].id : ""),
              onCreate: (choice) => createTicket(item, choice),
            }));
          },
        }, t("Turn into a repair ticket")) : null,
        panel,
        problems.length ? h("ul.problems", problems.map((p) => h("li", p))) : null,
      ]),
    );
  }

  const list = h("ol.check-list.sheet-form-items");
  for (const item of items) {
    const card = h("li.check-item", { id: `item-${item.key}`, "data-item": item.key });
    cards.set(item.key, card);
    list.append(card);
    drawItem(item);
  }

  const showError = (message) => {
    error.replaceChildren(message ? h("p", message) : "");
    error.hidden = !message;
    if (message) error.scrollIntoView({ block: "center" });
  };

  let saving = false;
  const save = async (event) => {
    event.preventDefault();
    if (saving) return;
    showError("");
    let first = null;
    for (const item of items) {
      cards.get(item.key).dataset.checked = "1";
      drawItem(item);
      if (!first && answerProblems(item, answerOf(item.key)).length) first = item;
    }
    if (first) {
      showError(t("Some items still need an answer, a note or a photo; they are marked."));
      cards.get(first.key).scrollIntoView({ block: "center" });
      return;
    }
    const field = await signature.ready;
    const signerName = signature.name.value.trim();
    if (!field.isEmpty() && !signerName) return showError(t("Enter the name of the person who signed."));
    saving = true;
    try {
      const data = {
        template_id: template.id, customer_id: customer.id, ...placeOf(template, where),
        visit_id: visit?.id || previous?.data.visit_id || null, answers: cleanAnswers(items, answers),
        started_at: startedAt, finished_at: new Date().toISOString(), customer_opinion: opinion.value.trim(),
      };
      if (previous) data.supersedes_id = previous.id;
      for (const key of Object.keys(data)) if (data[key] === null) delete data[key];
      const text = `${customer.data.name} · ${local(template.data)}`;
      const mutations = [{ kind: "inspection", op: "create", id: sheetId, data, label: text }];
      const blobs = [...photos.values()].filter((row) => Object.values(data.answers).some((a) => (a.photo_ids || []).includes(row.sha256)));
      if (!field.isEmpty()) {
        const parts = await signatureParts({ field, signerName, sheetId, data, label: text });
        mutations.push(parts.mutation);
        blobs.push(parts.blob);
      }
      await enqueue(ctx.user.id, mutations, blobs);
      await setMeta(DRAFT_PREFIX + sheetId, null);
      announce("outbox");
      requestSync("write");
      ctx.navigate(sheetPath(sheetId), { replace: true });
    } catch (err) {
      saving = false;
      showError(t("Could not save on this device: %(reason)s", { reason: err?.message || err }));
    }
  };

  const title = local(template.data);
  return {
    title,
    isForm: true,
    cleanup() {
      clearTimeout(saveTimer);
      keeper.release();
      signature.ready.then((f) => f.destroy());
    },
    node: h("form.sheet-form", { onsubmit: save, novalidate: true }, [
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
      h("fieldset.customer-confirm", [
        h("legend", t("The customer")),
        h("p.hint", t("Let the customer read the sheet, write their opinion and sign. A signed sheet is locked.")),
        h("div.field", [h("label", { for: "customer_opinion" }, t("Customer's opinion")), opinion]),
        signature.node,
      ]),
      error,
      h("div.actions.form-actions", [h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Save the sheet"))]),
    ]),
  };
}

/** The software-upgrade answer: each upgraded device with its new version. */
function upgradeInput(item, answer, devices, set) {
  const rows = Array.isArray(answer.value) ? answer.value : [];
  const select = h("select", { "aria-label": t("Device") }, [h("option", { value: "" }, t("Add an upgraded device")),
    ...devices.filter((d) => !rows.some((r) => r.device_id === d.id)).map((d) => h("option", { value: d.id }, `${d.data.name} (${d.data.software_version || "?"})`))]);
  select.addEventListener("change", () => {
    if (!select.value) return;
    const dev = devices.find((d) => d.id === select.value);
    set({ value: [...rows, { device_id: dev.id, from_version: dev.data.software_version || null, to_version: "" }] });
  });
  return h("div.upgrades", [
    h("ul.list", rows.map((r, i) => {
      const dev = devices.find((d) => d.id === r.device_id);
      const box = h("input", { type: "text", value: r.to_version || "", "aria-label": t("New version"), placeholder: t("New version") });
      box.addEventListener("change", () => set({ value: rows.map((x, j) => (j === i ? { ...x, to_version: box.value.trim() } : x)) }));
      return h("li.list-item", [h("strong", dev?.data.name || r.device_id), " ", h("span.muted.small", r.from_version || ""), " → ", box]);
    })),
    select,
    rows.length ? null : h("button.btn.btn-small", { type: "button", onclick: () => set({ value: [] }) }, t("No upgrade needed")),
  ]);
}

// --- a saved sheet -------------------------------------------------------------------------------

/** The sync state of a record's outbox entry. */
async function outboxState(userId, id) {
  const entries = (await listOutbox(userId)).filter((e) => e.id === id);
  return entries.length ? entries[entries.length - 1] : null;
}

/** One saved sheet: answers, findings, the office's review, the signature. */
export async function sheetView(ctx) {
  const [id] = ctx.params;
  const sheet = await getRecord("inspection", id);
  if (!sheet) return { title: t("Sheet"), node: h("p.empty", t("This sheet is not on this device.")) };
  const d = sheet.data;
  const [template, customer, visit, signatures, entry] = await Promise.all([
    getRecord("checklist_template", d.template_id), getRecord("customer", d.customer_id), getRecord("schedule", d.visit_id),
    listBy("document", "signature", id), outboxState(ctx.user.id, id),
  ]);
  const keeper = urlKeeper();
  const items = template?.data.items || [];
  const signature = signatures[0];
  const review = reviewStates()[d.state];
  const failed = syncStates()[entry?.state];
  const syncTag = entry && entry.state !== "synced"
    ? h(`span.tag.${failed ? "tag-bad" : "tag-warn"}`, { "data-state": entry.state }, failed || t("Waiting to sync"))
    : h("span.tag.tag-ok", { "data-state": "server" }, t("On the server"));
  const tickets = new Map();
  for (const a of Object.values(d.answers || {})) {
    if (a.ticket_id) tickets.set(a.ticket_id, await getRecord("repair_ticket", a.ticket_id));
  }
  const answerRows = items.map((item, i) => {
    const a = (d.answers || {})[item.key] || {};
    const finding = a.flagged ?? isFinding(item, a);
    const ticket = a.ticket_id ? tickets.get(a.ticket_id) : null;
    return h(`li.check-item${finding ? ".is-finding" : ""}`, [
      h("div.check-item-head", [
        h("span.check-no", String(i + 1)),
        h("div.grow", [h("strong", local(item, "label")), h("div.muted.small", other(item))]),
        finding ? h("span.tag.tag-bad", t("Finding")) : null,
      ]),
      h("div.check-item-body", [
        h("div.answer", answerText(item, a)),
        a.note ? h("p.pre.note", a.note) : null,
        (a.photo_ids || []).length ? h("ul.thumbs", a.photo_ids.map((sha, n) => h("li.thumb", blobImage(sha, ctx.user.id, keeper, t("Photo %(n)s", { n: n + 1 }))))) : null,
        a.ticket_id ? h("p.small", [t("Repair ticket"), ": ", h("a", { href: `/app/tickets/${encodeURIComponent(a.ticket_id)}` }, ticket?.data.number || t("Not synced yet"))]) : null,
      ]),
    ]);
  });
  const signed = signature || d.signed_at;
  const signatureNode = signed
    ? h("section.card.signed", [
      h("h2", [t("Signature"), " ", h("span.tag.tag-ok", t("Signed — locked"))]),
      signature ? blobImage(imageSha(signature), ctx.user.id, keeper, t("Signature of %(name)s", { name: signature.data.signer_name })) : null,
      h("p", t("Signed by %(name)s at %(time)s", { name: signature?.data.signer_name || d.signer_name, time: formatDateTime(signature?.data.signed_at || d.signed_at) })),
      navigator.onLine && d.document_id ? h("a.btn", { href: `/maintenance/sheets/${encodeURIComponent(id)}/pdf`, "data-reload": "", target: "_blank", rel: "noopener" }, t("Signed PDF")) : null,
    ])
    : h("section.card", [
      h("h2", t("Signature")),
      h("p", t("Not signed yet.")),
      h("a.btn.btn-primary", { href: sheetPath(id, "sign") }, t("Get the customer's signature")),
    ]);
  const canCorrect = d.state === "has_issues" && d.performed_by_id === ctx.user.id;
  return {
    title: template ? local(template.data) : t("Sheet"),
    live: true,
    cleanup: () => keeper.release(),
    node: h("div.sheet-view", [
      pageHead(template ? local(template.data) : t("Sheet"), [customer?.data.name || "", visit ? ` · ${visit.data.period_key}` : ""],
        canCorrect ? h("a.btn.btn-primary", { href: `/app/sheets/new?supersedes=${encodeURIComponent(id)}` }, t("Make a correction")) : null),
      d.state === "has_issues" ? h("section.card.review-returned", { role: "status" }, [
        h("h2", t("Returned by the office")),
        h("p.pre", d.review_comment || ""),
      ]) : null,
      h("section.card", facts([
        [t("Customer"), customer ? h("a", { href: pathOf("customer", customer.id) }, customer.data.name) : ""],
        [t("Finished"), formatDateTime(d.finished_at)],
        [t("Sync"), syncTag],
        [t("Review"), review ? h(`span.tag${review[1] ? `.${review[1]}` : ""}`, review[0]) : ""],
        [t("Findings"), String(d.flagged_count ?? items.filter((it) => isFinding(it, (d.answers || {})[it.key])).length)],
        [t("Score"), d.score !== null && d.score !== undefined ? `${d.score}%` : ""],
      ])),
      entry?.error ? h("div.flash.flash-error", [h("p", entry.error.message || ""), h("ul", Object.entries(entry.error.errors || {}).map(([k, v]) => h("li", `${k}: ${[].concat(v).join(" ")}`)))]) : null,
      h("ol.check-list.sheet-answers", answerRows),
      h("section.card", [h("h2", t("Customer's opinion")), h("p.pre", d.customer_opinion || "—")]),
      signatureNode,
    ]),
  };
}

/** The image hash a signature record names. */
function imageSha(record) {
  return record.blobs?.image || record.data.image_sha256;
}

/** Sign a sheet saved without the customer's signature. */
export async function sheetSignView(ctx) {
  const [id] = ctx.params;
  const sheet = await getRecord("inspection", id);
  if (!sheet) return { title: t("Signature"), node: h("p.empty", t("This sheet is not on this device.")) };
  if ((await listBy("document", "signature", id)).length || sheet.data.signed_at) {
    ctx.navigate(sheetPath(id), { replace: true });
    return { title: t("Signature"), node: h("p", "…") };
  }
  const [template, customer] = await Promise.all([getRecord("checklist_template", sheet.data.template_id), getRecord("customer", sheet.data.customer_id)]);
  const signature = signatureBlock();
  const error = h("p.error", { role: "alert", hidden: true });
  const sign = async (event) => {
    event.preventDefault();
    const field = await signature.ready;
    const name = signature.name.value.trim();
    if (field.isEmpty() || !name) {
      error.textContent = t("The customer signs on the pad; enter their name.");
      error.hidden = false;
      return;
    }
    const text = `${customer?.data.name || ""} · ${template ? local(template.data) : ""}`;
    const content = {
      template_id: sheet.data.template_id, customer_id: sheet.data.customer_id, answers: sheet.data.answers,
      customer_opinion: sheet.data.customer_opinion, finished_at: sheet.data.finished_at,
    };
    const parts = await signatureParts({ field, signerName: name, sheetId: id, data: stringNumbers(content), label: text });
    await enqueue(ctx.user.id, [parts.mutation], [parts.blob]);
    announce("outbox");
    requestSync("write");
    ctx.navigate(sheetPath(id), { replace: true });
  };
  return {
    title: t("Signature"),
    isForm: true,
    cleanup: () => signature.ready.then((f) => f.destroy()),
    node: h("form", { onsubmit: sign, novalidate: true }, [
      pageHead(t("The customer's signature"), customer?.data.name),
      h("p.hint", t("Let the customer read the sheet, write their opinion and sign. A signed sheet is locked.")),
      signature.node,
      error,
      h("div.actions.form-actions", h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Sign and lock"))),
    ]),
  };
}

/** A copy of a value with non-integer numbers as text (the signed content is canonical JSON of integers). */
function stringNumbers(value) {
  if (typeof value === "number") return Number.isInteger(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(stringNumbers);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringNumbers(v)]));
  return value;
}
