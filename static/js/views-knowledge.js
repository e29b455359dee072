// The knowledge base on the device (疑难故障知识库), with no signal: the articles synced as
// `kb_article` records (those about the models at the technician's schools), a search over them
// with the server's rules (kb-search.js), an article's page, the known issues of a device's model
// and the articles a difficult ticket may need.
import { facts, h } from "./dom.js";
import { label, t } from "./i18n.js";
import { pageHead } from "./page.js";
import { appliesTo, buildIndex, search, suggest } from "./kb-search.js";
import { linkList, section } from "./record-lists.js";
import { getRecord, listKind } from "./store.js";

const RESULTS = 30;
let cached = { key: "", articles: [], index: null };

/** The published articles on this device and their index (rebuilt only when a record changed). */
export async function knowledge() {
  const articles = (await listKind("kb_article")).filter((a) => !a.deleted && a.data.status === "published");
  const key = articles.map((a) => `${a.id}:${a.version}`).sort().join(",");
  if (key !== cached.key || !cached.index) cached = { key, articles, index: buildIndex(articles) };
  return cached;
}

/** The app path of an article. */
export function articlePath(id) {
  return `/app/knowledge/${encodeURIComponent(id)}`;
}

function articleLinks(articles) {
  return linkList(articles.map((a) => ({
    href: articlePath(a.id),
    content: [h("strong", a.data.title), h("span.muted.small", [a.data.brand || "", " ", (a.data.models || []).join(", ")]),
      h("span.small.clip", a.data.symptoms || "")],
  })));
}

function searchForm(ctx, q) {
  const submit = (event) => {
    event.preventDefault();
    const typed = String(new FormData(event.target).get("q") || "").trim();
    ctx.navigate(`/app/knowledge?q=${encodeURIComponent(typed)}`);
  };
  return h("form.search-bar.kb-search", { action: "/app/knowledge", role: "search", onsubmit: submit }, [
    h("input", { type: "search", name: "q", value: q, placeholder: t("Symptom, brand or model"), "aria-label": t("Search the knowledge base") }),
    h("button.btn.btn-primary", { type: "submit" }, t("Search")),
  ]);
}

/** Search the articles on this device. */
export async function knowledgeSearchView(ctx) {
  const q = (ctx.query.get("q") || "").trim();
  const { articles, index } = await knowledge();
  const byId = new Map(articles.map((a) => [a.id, a]));
  const found = q ? search(index, q, RESULTS).map((r) => byId.get(r.id)) : [];
  let body;
  if (!articles.length) body = h("p.empty", t("No knowledge-base articles on this device yet."));
  else if (!q) body = h("p.muted.small", t("%(n)s articles on this device, about the devices at your schools.", { n: articles.length }));
  else body = found.length ? articleLinks(found) : h("p.empty", t("No article on this device matches “%(q)s”.", { q }));
  return {
    title: t("Knowledge base"),
    keepFocus: true,
    node: h("div", [pageHead(t("Knowledge base")), searchForm(ctx, q), body]),
  };
}

/** One article. */
export async function articleView(ctx) {
  const [id] = ctx.params;
  const article = await getRecord("kb_article", id);
  if (!article || article.deleted) {
    return { title: t("Not on this device"), node: h("section.card", [h("h1", t("Not on this device")), h("p", t("This article is not on this device."))]) };
  }
  const d = article.data;
  const part = (title, text) => (text ? [h("h2", title), h("p.kb-text", text)] : null);
  return {
    title: d.title,
    node: h("div.kb-article", [
      pageHead(d.title, t("Knowledge base")),
      h("section.card", [
        facts([
          [t("Kind of device"), d.device_category ? label("category", d.device_category) : ""],
          [t("Brand"), d.brand],
          [t("Models"), (d.models || []).join(", ")],
          [t("Software versions"), (d.software_versions || []).join(", ")],
          [t("Written from"), (d.sources || []).map((s) => s.label).join(", ")],
        ]),
        part(t("Symptoms"), d.symptoms),
        part(t("Cause"), d.cause),
        part(t("Solution"), d.solution),
        d.steps?.length ? [h("h2", t("Steps")), h("ol.kb-steps", d.steps.map((s) => h("li", s)))] : null,
      ]),
      h("p", h("a.btn", { href: "/app/knowledge" }, t("Search the knowledge base"))),
    ]),
  };
}

/** The "known issues for this model" section of a device's page. */
export async function knownIssuesSection(device) {
  const { articles } = await knowledge();
  const mine = articles.filter((a) => appliesTo(a, device));
  return h("div.kb-known", [
    section(t("Known issues for this model"), mine.length ? articleLinks(mine) : null, t("No known issues for this model.")),
    h("p", h("a.btn", { href: "/app/knowledge" }, t("Search the knowledge base"))),
  ]);
}

/** The articles a ticket classified as a difficult fault may need. */
export async function suggestedArticlesSection(ticket, device, resolved = null) {
  const { articles, index } = await knowledge();
  const text = [ticket.data.description, resolved?.fault_found, resolved?.cause].filter(Boolean).join("\n");
  const found = suggest(index, articles, text, device);
  return section(t("Articles that may help"), found.length ? articleLinks(found) : null, t("No article on this device matches this fault."));
}
