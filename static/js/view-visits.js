// The technician's visits on the device (overdue, today, this week, later) and the checklists
// block of a customer, cabinet or device page: open visits, other checklists, sheets filled.
import { h } from "./dom.js";
import { formatDate, formatDateTime, t, todayInSiteZone } from "./i18n.js";
import { localName, pageHead, sheetPath } from "./page.js";
import { ACTIVITIES, activityText, reviewState } from "./patrol-words.js";
import { getRecord, listKind } from "./store.js";

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
        }, [h("strong", localName(tpl.data)), h("span.muted.small", activityText(tpl.data.activity))])))),
      ])
      : null,
    sheets.length
      ? h("ul.list.sheet-list", sheets.slice(0, 10).map((s) => sheetLink(s)))
      : h("p.empty", t("No sheets yet.")),
  ]);
}

/** A sheet as a list link with its state. */
function sheetLink(sheet) {
  const [text, cls] = reviewState(sheet.data.state) || [sheet.local ? t("Not synced yet") : t("Received"), "tag-warn"];
  return h("li.list-item", h("a", { href: sheetPath(sheet.id) }, [
    h("strong", activityText(sheet.data.activity)),
    h(`span.tag${cls ? `.${cls}` : ""}`, text),
    sheet.data.flagged_count ? h("span.tag.tag-bad", t("%(n)s findings", { n: sheet.data.flagged_count })) : null,
    h("span.muted.small", formatDateTime(sheet.data.finished_at)),
  ]));
}

