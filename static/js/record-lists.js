// Lists and sections the record screens share: a titled section, links, open tickets, diary
// entries and the search bar.
import { h } from "./dom.js";
import { formatDate, formatDateTime, label, lang, t } from "./i18n.js";
import { pathOf, ticketPath } from "./page.js";
import { listBy } from "./store.js";

const collator = () => new Intl.Collator(lang() === "zh" ? "zh-CN" : "en", { numeric: true });

/** Records in name order, as people of the reader's language sort them. */
export function byName(a, b) {
  return collator().compare(a.data.name || "", b.data.name || "");
}

/** A section with a heading and its content (or an "empty" note). */
export function section(title, items, empty) {
  const has = items instanceof Node || (Array.isArray(items) && items.length > 0);
  return h("section", [h("h2", title), has ? items : h("p.empty", empty)]);
}

/** A list of links. */
export function linkList(rows) {
  return h("ul.list", rows.map((row) => h("li.list-item", h("a", { href: row.href }, row.content))));
}

/** A tag showing a record not yet on the server. */
export function pendingTag(record) {
  return record.local ? h("span.tag.tag-warn", t("Not synced yet")) : null;
}

/** One ticket as a list link: status, number, customer, what was reported; "Mine" for the user's own. */
export function ticketLink(ticket, customer = null, userId = null) {
  return h("li.list-item.ticket", h("a.ticket-link", { href: ticketPath(ticket.id) }, [
    h("div.line", [
      h(`span.tag${ticket.data.status === "closed" ? ".tag-ok" : ".tag-warn"}`, label("ticket_status", ticket.data.status)),
      " ",
      h("strong", ticket.data.number || ""),
      customer ? ` ${customer.data.name}` : "",
      userId !== null && ticket.data.assigned_to_id === userId ? h("span.tag", t("Mine")) : null,
    ]),
    h("div", ticket.data.description || ""),
    h("div.muted.small", [ticket.data.location || "", " ", formatDateTime(ticket.data.reported_at)]),
  ]));
}

/** Repair tickets as list links, the latest reported first. */
export function ticketItems(tickets, customers) {
  return tickets
    .sort((a, b) => (a.data.reported_at < b.data.reported_at ? 1 : -1))
    .map((ticket) => ticketLink(ticket, customers?.get(ticket.data.customer_id)));
}

/** Diary entries as links, newest first. */
export async function diaryItems(entries) {
  const sorted = entries.sort((a, b) => (a.data.date < b.data.date ? 1 : a.data.date > b.data.date ? -1 : 0));
  const items = [];
  for (const entry of sorted.slice(0, 30)) {
    const signed = (await listBy("document", "signature", entry.id)).length > 0;
    items.push(
      h("li.list-item", h("a", { href: pathOf("diary_entry", entry.id) }, [
        h("strong", formatDate(entry.data.date)),
        signed ? h("span.tag.tag-ok", t("Signed")) : null,
        pendingTag(entry),
        h("span.grow.clip", entry.data.text || ""),
      ])),
    );
  }
  return items.length ? h("ul.list", items) : null;
}

/** The search bar: searches the device's data inside the app. */
export function searchBar(ctx, q = "", primary = false) {
  const submit = (event) => {
    event.preventDefault();
    const typed = new FormData(event.target).get("q") || "";
    ctx.navigate(`/app/search?q=${encodeURIComponent(String(typed).trim())}`);
  };
  return h("form.search-bar", { action: "/app/search", role: "search", onsubmit: submit }, [
    h("input", { type: "search", name: "q", value: q, placeholder: t("Search customers, cabinets, devices"), "aria-label": t("Search") }),
    h(primary ? "button.btn.btn-primary" : "button.btn", { type: "submit" }, t("Search")),
  ]);
}
