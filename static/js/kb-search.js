// The knowledge base's search on the device: the same terms and ranking as the server
// (webapp/knowledge/tokens.py and search.py), both read from kb-rules.json. Pure: no DOM, no store,
// so tests run it in Node on the same relevance table as the server.
import RULES from "./kb-rules.json" with { type: "json" };

const JOIN = [...RULES.joiners].map((ch) => ("-\\]^".includes(ch) ? `\\${ch}` : ch)).join("");
const SEGMENT = new RegExp(`([${RULES.cjk}]+)|([a-z0-9]+(?:[${JOIN}][a-z0-9]+)*)`, "g");
const JOINER = new RegExp(`[${JOIN}]`);
const TERM_LENGTH = 64;
const { k1: K1, b: B } = RULES.bm25;

/** NFKC and lower case: how every text is read before it is cut. */
export function fold(text) {
  return (text || "").normalize("NFKC").toLowerCase();
}

/** The loose form of a brand or model (DS-2CD 2T47 -> ds2cd2t47). */
export function key(text) {
  let out = fold(text).trim();
  for (const ch of RULES.key_strip) out = out.split(ch).join("");
  return out;
}

function add(out, term, weight) {
  const t = term.slice(0, TERM_LENGTH);
  out.set(t, (out.get(t) || 0) + weight);
}

/** A text's terms with their weights (a Map in the order first met); `full` collects the whole
 * words and character pairs a query's result must match one of. */
export function terms(text, { query = false, full = new Set() } = {}) {
  const out = new Map();
  for (const match of fold(text).matchAll(SEGMENT)) {
    const [, han, word] = match;
    if (han) {
      const chars = [...han];
      if (chars.length === 1) {
        add(out, han, 1);
        full.add(han);
        continue;
      }
      for (let i = 0; i < chars.length - 1; i++) {
        add(out, chars[i] + chars[i + 1], 1);
        full.add(chars[i] + chars[i + 1]);
      }
      for (const ch of chars) add(out, ch, RULES.unigram_weight);
      continue;
    }
    const parts = word.split(JOINER).filter(Boolean);
    const squashed = parts.join("");
    full.add(query ? squashed.slice(0, RULES.max_prefix) : squashed.slice(0, TERM_LENGTH));
    if (query) {
      add(out, squashed.slice(0, RULES.max_prefix), 1);
      continue;
    }
    const exact = [...new Set([squashed, ...parts])].sort();
    for (const t of exact) add(out, t, 1);
    const prefixes = new Set();
    for (const t of exact) {
      for (let n = RULES.min_prefix; n < Math.min(t.length, RULES.max_prefix + 1); n++) prefixes.add(t.slice(0, n));
    }
    for (const t of exact) prefixes.delete(t);
    for (const t of [...prefixes].sort()) add(out, t, RULES.prefix_weight);
  }
  return out;
}

/** A query's terms and the set a result must match one of. */
export function queryTerms(text) {
  const full = new Set();
  return { terms: terms(text, { query: true, full }), full };
}

function asText(value) {
  if (value == null) return "";
  return Array.isArray(value) ? value.map(String).join("\n") : String(value);
}

/** The weighted terms of an article's content (each field's terms times its weight). */
export function documentTerms(content) {
  const out = new Map();
  for (const [name, fieldWeight] of Object.entries(RULES.fields)) {
    for (const [term, weight] of terms(asText(content[name]))) add(out, term, fieldWeight * weight);
  }
  return out;
}

/** An index over articles ({id, data}): terms -> postings, each article's length. */
export function buildIndex(articles) {
  const postings = new Map();
  const lengths = new Map();
  const titles = new Map();
  let total = 0;
  for (const article of articles) {
    const doc = documentTerms(article.data);
    let length = 0;
    for (const [term, weight] of doc) {
      length += weight;
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push([article.id, weight]);
    }
    lengths.set(article.id, length);
    titles.set(article.id, article.data.title || "");
    total += length;
  }
  return { postings, lengths, titles, count: lengths.size, average: lengths.size ? total / lengths.size : 0 };
}

/** Ids in rank order: score, then title, then id (the server's order too). */
function rank(scores, titles) {
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return [...scores.keys()].sort((a, b) => scores.get(b) - scores.get(a) || cmp(titles.get(a) || "", titles.get(b) || "") || cmp(a, b));
}

/** [{id, score}] best first, as the server's BM25 ranks them. */
export function search(index, text, limit = 20) {
  const { terms: query, full } = queryTerms(text);
  if (!query.size || !index.count) return [];
  const docs = new Map();
  for (const term of query.keys()) {
    for (const [id, weight] of index.postings.get(term) || []) {
      if (!docs.has(id)) docs.set(id, new Map());
      docs.get(id).set(term, weight);
    }
  }
  const scores = new Map();
  for (const [id, doc] of docs) {
    if (![...full].some((t) => doc.has(t))) continue;
    const length = index.lengths.get(id);
    let score = 0;
    for (const [term, queryWeight] of query) {
      const tf = doc.get(term);
      if (!tf) continue;
      const n = (index.postings.get(term) || []).length;
      const idf = Math.log(1 + (index.count - n + 0.5) / (n + 0.5));
      score += queryWeight * idf * (tf * (K1 + 1)) / (tf + K1 * (1 - B + B * length / index.average));
    }
    scores.set(id, score);
  }
  return rank(scores, index.titles).slice(0, limit).map((id) => ({ id, score: scores.get(id) }));
}

/** True when an article ({data}) is about this device ({data}): webapp/knowledge/scope.py's rule. */
export function appliesTo(article, device) {
  const a = article.data;
  const d = device.data;
  const models = (a.models || []).map(key).filter(Boolean);
  const brand = key(a.brand || "");
  if (!(a.device_category || brand || models.length)) return false;
  if (a.device_category && a.device_category !== d.category) return false;
  if (brand && brand !== key(d.brand || "")) return false;
  const model = key(d.model || "");
  return !models.length || models.some((m) => model.startsWith(m));
}

/** Articles for a ticket: its text's matches, those about its device first (from_ticket.suggestions). */
export function suggest(index, articles, text, device, limit = 5) {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const scored = search(index, text, 50).map(({ id, score }) => {
    const article = byId.get(id);
    return { article, score: score * (device && appliesTo(article, device) ? RULES.applies_boost : 1) };
  });
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  scored.sort((x, y) => y.score - x.score || cmp(x.article.data.title || "", y.article.data.title || "") || cmp(x.article.id, y.article.id));
  return scored.slice(0, limit).map((s) => s.article);
}
