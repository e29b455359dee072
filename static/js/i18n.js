// Strings, labels and dates in the language the server rendered the shell in.
// The strings come from the Python catalogue (webapp/pwa.py renders them into the page with _()).

let catalogue = null;

/** The catalogue embedded in the page as <script type="application/json" id="i18n">. */
function load() {
  if (!catalogue) {
    const node = document.getElementById("i18n");
    catalogue = node ? JSON.parse(node.textContent) : { strings: {}, labels: {}, lang: "en" };
  }
  return catalogue;
}

/** Translate an English message id; %(name)s placeholders are filled from params. */
export function t(message, params) {
  const text = load().strings[message] ?? message;
  if (!params) return text;
  return text.replace(/%\((\w+)\)s/g, (_, key) => (key in params ? String(params[key]) : ""));
}

/** The label of a code in a group (category, ticket_status, role...); the code when unknown. */
export function label(group, code) {
  return load().labels[group]?.[code] ?? code ?? "";
}

/** Every label of a group as {code: words}, in the server's order. */
export function labelGroup(group) {
  return load().labels[group] || {};
}

/** "zh" or "en". */
export function lang() {
  return load().lang;
}

/** The site's time zone (Asia/Shanghai unless the server says otherwise). */
export function timeZone() {
  return load().timezone || "Asia/Shanghai";
}

/** A locale tag for Intl. */
function intlLocale() {
  return lang() === "zh" ? "zh-CN" : "en-GB";
}

/** A UTC timestamp shown in the site's zone, short form. */
export function formatDateTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(), {
    timeZone: timeZone(), year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  }).format(d);
}

/** A calendar date (YYYY-MM-DD) shown in the reader's language. */
export function formatDate(ymd) {
  if (!ymd) return "";
  const [y, m, d] = ymd.split("-").map(Number);
  if (!y || !m || !d) return ymd;
  return new Intl.DateTimeFormat(intlLocale(), { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/** Today's date (YYYY-MM-DD) in the site's zone, whatever the device's own zone. */
export function todayInSiteZone(now = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timeZone(), year: "numeric", month: "2-digit", day: "2-digit" })
    .format(now);
}
