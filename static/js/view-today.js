// The Today page: the technician's visits, open repair tickets, today's diary and customers.
import { h } from "./dom.js";
import { formatDate, t, todayInSiteZone } from "./i18n.js";
import { pageHead, pathOf } from "./page.js";
import { byName, diaryItems, searchBar, section, ticketItems } from "./record-lists.js";
import { getMeta, listBy, listKind } from "./store.js";
import { projectsSection } from "./view-project.js";
import { visitsSection } from "./view-visits.js";

/** Today: my customers, open tickets, today's diary. */
export async function todayView(ctx) {
  const customers = (await listKind("customer")).sort(byName);
  const customerMap = new Map(customers.map((c) => [c.id, c]));
  const tickets = (await listKind("repair_ticket")).filter((x) => x.data.status !== "closed");
  const today = todayInSiteZone();
  const diary = (await listKind("diary_entry")).filter((d) => d.data.date === today);
  const customerRows = [];
  for (const c of customers) {
    const cabinets = (await listBy("customer", "cabinet", c.id)).length;
    const devices = (await listBy("customer", "device", c.id)).length;
    customerRows.push(
      h("li.card.card-link", h("a", { href: pathOf("customer", c.id) }, [
        h("strong", c.data.name),
        h("span.muted.small", c.data.address || ""),
        h("span.stats", t("Cabinets: %(cabinets)s · Devices: %(devices)s", { cabinets, devices })),
      ])),
    );
  }
  const diaryList = await diaryItems(diary);
  // During a first sync an empty list only means "not here yet".
  const arriving = Boolean(await getMeta("firstSync"));
  const stillArriving = (text, list) => [list, h("p.muted.small.arriving", { role: "status" }, text)];
  const ticketList = tickets.length ? h("ul.list", ticketItems(tickets, customerMap)) : null;
  const customerList = customerRows.length ? h("ul.cards", customerRows) : null;
  return {
    title: t("Today"),
    node: h("div", [
      pageHead(t("Today"), [formatDate(today), " · ", ctx.user.display_name],
        h("a.btn.btn-primary", { href: "/app/scan" }, t("Scan a label"))),
      searchBar(ctx),
      await projectsSection(ctx),
      await visitsSection(ctx),
      arriving
        ? section(t("Open repair tickets"), stillArriving(t("Repair tickets are still arriving with the first sync."), ticketList))
        : section(t("Open repair tickets"), ticketList, t("No open repair tickets.")),
      section(t("Today's service diary"), diaryList, t("No diary entry yet today. Open a customer, cabinet or device to write one.")),
      arriving
        ? section(t("My customers"), stillArriving(t("Your schools are still arriving with the first sync."), customerList))
        : section(t("My customers"), customerList, t("No customers are assigned to you yet.")),
    ]),
  };
}

