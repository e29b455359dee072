// Views of the archive on the device: customers, a customer, a cabinet, a device, search.
import { facts, h } from "./dom.js";
import { formatDate, label, t, todayInSiteZone } from "./i18n.js";
import { pageHead, pathOf, shortCode } from "./page.js";
import { byName, diaryItems, linkList, searchBar, section, ticketItems } from "./record-lists.js";
import { getRecord, listBy, listKind } from "./store.js";
import { checklistSection } from "./view-visits.js";
import { knownIssuesSection } from "./views-knowledge.js";

const DEVICE_PAGE = 100;

/** The customer list. */
export async function customerListView(ctx) {
  const customers = (await listKind("customer")).sort(byName);
  return {
    title: t("Customers"),
    node: h("div", [
      pageHead(t("Customers")),
      searchBar(ctx),
      customers.length
        ? linkList(customers.map((c) => ({
          href: pathOf("customer", c.id),
          content: [h("strong", c.data.name), h("span.muted.small", c.data.address || "")],
        })))
        : h("p.empty", t("No customers are assigned to you yet.")),
    ]),
  };
}

/** A page for a record that is not on this device. */
function missing(what) {
  return {
    title: t("Not on this device"),
    node: h("section.card", [
      h("h1", t("Not on this device")),
      h("p", what),
      h("a.btn", { href: "/app/customers" }, t("Customers")),
    ]),
  };
}

/** The "new diary entry" button for a customer, cabinet or device. */
function newDiaryButton(params) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return h("a.btn.btn-primary", { href: `/app/diary/new?${query}` }, t("New diary entry"));
}

/** Devices as a filterable list (a school may hold a thousand). */
function deviceList(devices, showCabinet, cabinets) {
  const sorted = devices.sort(byName);
  const list = h("ul.list");
  const more = h("button.btn.btn-block", { type: "button", hidden: true }, t("Show more"));
  let filter = "";
  let shown = DEVICE_PAGE;
  const draw = () => {
    const needle = filter.toLowerCase();
    const rows = needle
      ? sorted.filter((d) => [d.data.name, d.data.model, d.data.brand, d.data.serial, d.data.ip_address]
        .some((v) => (v || "").toLowerCase().includes(needle)))
      : sorted;
    list.replaceChildren(...rows.slice(0, shown).map((d) =>
      h("li.list-item", h("a", { href: pathOf("device", d.id) }, [
        h("strong", d.data.name),
        h("span.muted.small", [label("category", d.data.category), " · ", d.data.brand || "", " ", d.data.model || ""]),
        showCabinet && cabinets.get(d.data.cabinet_id) ? h("span.tag", cabinets.get(d.data.cabinet_id).data.name) : null,
      ])),
    ));
    more.hidden = rows.length <= shown;
  };
  more.addEventListener("click", () => {
    shown += DEVICE_PAGE;
    draw();
  });
  const search = h("input", { type: "search", placeholder: t("Filter devices"), "aria-label": t("Filter devices") });
  search.addEventListener("input", () => {
    filter = search.value.trim();
    shown = DEVICE_PAGE;
    draw();
  });
  draw();
  return h("div.device-list", [devices.length > 8 ? h("div.search-bar", search) : null, list, more]);
}

/** A customer: facts, contacts, sites, cabinets, devices, tickets, diary. */
export async function customerView(ctx) {
  const [id] = ctx.params;
  const customer = await getRecord("customer", id);
  if (!customer || customer.deleted) return missing(t("This customer is not on this device."));
  const d = customer.data;
  const [contacts, sites, rooms, cabinets, devices, tickets, diary] = await Promise.all([
    listBy("customer", "contact", id), listBy("customer", "site", id), listBy("customer", "room", id),
    listBy("customer", "cabinet", id), listBy("customer", "device", id), listBy("customer", "repair_ticket", id),
    listBy("customer", "diary_entry", id),
  ]);
  const cabinetMap = new Map(cabinets.map((c) => [c.id, c]));
  const deviceCount = new Map();
  for (const dev of devices) deviceCount.set(dev.data.cabinet_id, (deviceCount.get(dev.data.cabinet_id) || 0) + 1);
  const open = tickets.filter((x) => x.data.status !== "closed");
  return {
    title: d.name,
    node: h("div", [
      pageHead(d.name, label("customer_kind", d.kind), newDiaryButton({ customer: id })),
      h("section.card", facts([
        [t("Address"), d.address],
        [t("Person in charge"), d.person_in_charge],
        [t("Phone"), d.phone ? h("a", { href: `tel:${d.phone}` }, d.phone) : ""],
        [t("Acceptance date"), formatDate(d.acceptance_date)],
      ])),
      section(t("Open repair tickets"), open.length ? h("ul.list", ticketItems(open)) : null, t("No open repair tickets.")),
      await checklistSection(ctx, { customerId: id }),
      section(t("Service diary"), await diaryItems(diary), t("No diary entries yet.")),
      section(t("Cabinets"), cabinets.length ? linkList(cabinets.sort(byName).map((c) => ({
        href: pathOf("cabinet", c.id),
        content: [h("strong", c.data.name), c.data.code ? h("span.tag", c.data.code) : null,
          h("span.muted.small", c.data.location || ""),
          h("span.stats", t("Devices: %(n)s", { n: deviceCount.get(c.id) || 0 }))],
      }))) : null, t("No cabinets recorded.")),
      section(t("Devices"), devices.length ? deviceList(devices, true, cabinetMap) : null, t("No devices recorded.")),
      section(t("Contacts"), contacts.length ? h("ul.list", contacts.sort(byName).map((c) => h("li.list-item", h("div.line", [
        h("strong", c.data.name), h("span.muted", c.data.title || ""),
        c.data.phone ? h("a.phone", { href: `tel:${c.data.phone}` }, c.data.phone) : null,
      ])))) : null, t("No contacts recorded.")),
      section(t("Sites"), sites.length ? h("ul.list", sites.sort(byName).map((s) => h("li.list-item", [
        h("strong", s.data.name), " ", h("span.muted.small", s.data.address || ""),
        h("div.small", rooms.filter((r) => r.data.site_id === s.id).sort(byName).map((r) => h("span.tag", r.data.name))),
      ]))) : null, t("No sites recorded.")),
    ]),
  };
}

/** A cabinet: where it is, its devices, its diary. */
export async function cabinetView(ctx) {
  const [id] = ctx.params;
  const cabinet = await getRecord("cabinet", id);
  if (!cabinet || cabinet.deleted) return missing(t("This cabinet is not on this device."));
  const d = cabinet.data;
  const [customer, site, room, devices, diary] = await Promise.all([
    getRecord("customer", d.customer_id), getRecord("site", d.site_id), getRecord("room", d.room_id),
    listBy("cabinet", "device", id), listBy("cabinet", "diary_entry", id),
  ]);
  return {
    title: d.name,
    node: h("div", [
      pageHead(d.name, t("Cabinet"), newDiaryButton({ customer: d.customer_id, cabinet: id })),
      // After a scan the due patrol is what the technician came for: it comes before the facts.
      await checklistSection(ctx, { customerId: d.customer_id, cabinetId: id }),
      h("section.card", facts([
        [t("Customer"), customer ? h("a", { href: pathOf("customer", customer.id) }, customer.data.name) : ""],
        [t("Code"), d.code],
        [t("Site"), site?.data.name],
        [t("Room"), room ? `${room.data.name}${room.data.floor ? ` (${room.data.floor})` : ""}` : ""],
        [t("Location"), d.location],
        [t("Label code"), shortCode(d.qr_token)],
        [t("Notes"), d.notes],
      ])),
      section(t("Devices"), devices.length ? deviceList(devices, false) : null, t("No devices recorded.")),
      section(t("Service diary"), await diaryItems(diary), t("No diary entries yet.")),
    ]),
  };
}

/** A device: what it is, where it is, its tickets and diary. */
export async function deviceView(ctx) {
  const [id] = ctx.params;
  const device = await getRecord("device", id);
  if (!device || device.deleted) return missing(t("This equipment record is not on this device."));
  const d = device.data;
  const [customer, cabinet, room, tickets, diary] = await Promise.all([
    getRecord("customer", d.customer_id), getRecord("cabinet", d.cabinet_id), getRecord("room", d.room_id),
    listBy("device", "repair_ticket", id), listBy("device", "diary_entry", id),
  ]);
  const today = todayInSiteZone();
  let warranty = "";
  if (d.warranty_end) {
    const inWarranty = today <= d.warranty_end;
    warranty = h("span", [formatDate(d.warranty_end), " ",
      h(`span.tag${inWarranty ? ".tag-ok" : ".tag-bad"}`, inWarranty ? t("In warranty") : t("Out of warranty"))]);
  }
  return {
    title: d.name,
    node: h("div", [
      pageHead(d.name, label("category", d.category),
        newDiaryButton({ customer: d.customer_id, cabinet: d.cabinet_id, device: id })),
      h("section.card", facts([
        [t("Customer"), customer ? h("a", { href: pathOf("customer", customer.id) }, customer.data.name) : ""],
        [t("Cabinet"), cabinet ? h("a", { href: pathOf("cabinet", cabinet.id) }, cabinet.data.name) : ""],
        [t("Room"), room?.data.name],
        [t("Brand"), d.brand],
        [t("Model"), d.model],
        [t("Quantity"), d.quantity],
        [t("Protocol"), d.protocol],
        [t("Software version"), d.software_version],
        [t("Serial number"), d.serial],
        [t("IP address"), d.ip_address],
        [t("Installed on"), formatDate(d.install_date)],
        [t("Warranty until"), warranty],
        [t("Supplier"), d.supplier],
        [t("Label code"), shortCode(d.qr_token)],
        [t("Notes"), d.notes],
      ])),
      section(t("Repair tickets"), tickets.length ? h("ul.list", ticketItems(tickets)) : null, t("No repair tickets for this device.")),
      await knownIssuesSection(device),
      await checklistSection(ctx, { customerId: d.customer_id, cabinetId: d.cabinet_id, deviceId: id }),
      section(t("Service diary"), await diaryItems(diary), t("No diary entries yet.")),
    ]),
  };
}

/** Search the device's data: customers, cabinets and devices by name, code, serial or label code. */
export async function searchView(ctx) {
  const q = (ctx.query.get("q") || "").trim();
  const needle = q.toLowerCase();
  const has = (...values) => values.some((v) => (v || "").toString().toLowerCase().includes(needle));
  let results = [];
  if (needle) {
    const [customers, cabinets, devices] = await Promise.all([listKind("customer"), listKind("cabinet"), listKind("device")]);
    results = [
      ...customers.filter((c) => has(c.data.name, c.data.address)).sort(byName)
        .map((c) => ({ href: pathOf("customer", c.id), kind: t("Customer"), name: c.data.name, note: c.data.address })),
      ...cabinets.filter((c) => has(c.data.name, c.data.code, c.data.location, shortCode(c.data.qr_token))).sort(byName)
        .map((c) => ({ href: pathOf("cabinet", c.id), kind: t("Cabinet"), name: c.data.name, note: c.data.location })),
      ...devices.filter((d) => has(d.data.name, d.data.serial, d.data.model, d.data.ip_address, shortCode(d.data.qr_token)))
        .sort(byName)
        .map((d) => ({ href: pathOf("device", d.id), kind: t("Device"), name: d.data.name, note: `${d.data.brand || ""} ${d.data.model || ""}` })),
    ].slice(0, 200);
  }
  return {
    title: t("Search"),
    keepFocus: true,
    node: h("div", [
      pageHead(t("Search")),
      searchBar(ctx, q, true),
      !q ? null : results.length
        ? linkList(results.map((r) => ({ href: r.href, content: [h("span.tag", r.kind), h("strong", r.name), h("span.muted.small", r.note || "")] })))
        : h("p.empty", t("Nothing on this device matches “%(q)s”.", { q })),
    ]),
  };
}
