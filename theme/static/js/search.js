// The search page's script (theme/templates/search.html): Pagefind's index
// of this page's language, a query, two filters, a list of results with
// headline, outlet, date and section. Results are built as DOM text: no
// value from the index is parsed as HTML. A classic script, not a module:
// a page opened from a file (file://) runs it, where browsers block
// modules, and it can say there how to serve the site.
const form = document.querySelector("[data-search]");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const given = form.dataset.root || "";
// The page's words (theme/templates/search.html): plural forms by CLDR
// category, dates in the site's language and zone.
const words = form.dataset;
const plurals = new Intl.PluralRules(words.lang);
const found = JSON.parse(words.found);
const numbers = new Intl.NumberFormat(words.lang);
// (dateStyle cannot be combined with timeZoneName: the parts are named.)
const when = { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };
let dates;
try {
  dates = new Intl.DateTimeFormat(words.lang, { ...when, timeZone: words.zone });
} catch (error) {  // a zone this browser does not know: the reader's own
  dates = new Intl.DateTimeFormat(words.lang, when);
}
function counted(count) {
  const text = found[plurals.select(count)] || found.other || Object.values(found)[0];
  return text.replace("%(num)s", numbers.format(count));
}
// A relative SITEURL (development builds) means the server's root.
const root = new URL(/^[a-z]+:\/\//i.test(given) || given.startsWith("/") ? given.replace(/\/?$/, "/") : "/", location.href);

// Chinese and Japanese (data-characters): a query's words in those scripts
// are looked for as their characters in a row, which story pages carry
// (theme/templates/_search.html says why), each word on its own: 米軍 finds
// 米軍, not 米価 beside 軍事. Other words are Pagefind's usual search.
const unspaced = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const inARow = (word) => `"${Array.from(word).join(" ")}"`;

// Without words, the stories of the chosen section or outlet, newest first:
// a search ranks the results of all parts together by score, which for
// such a listing is a story's place in its own part, so the parts are
// listed one after another (each carries a filter of its number, `part`).
async function newest(pagefind, parts, options) {
  const each = await Promise.all(parts.map((_, n) => pagefind.search(null, {
    ...options, filters: { ...options.filters, part: String(n) } })));
  return { results: each.flatMap((search) => search.results) };
}

async function find(pagefind, query, options) {
  const words = query.split(/\s+/);
  const written = "characters" in form.dataset ? words.filter((word) => unspaced.test(word)) : [];
  if (!written.length) return pagefind.debouncedSearch(query, options, 250);
  const rest = words.filter((word) => !written.includes(word)).join(" ");
  const first = await pagefind.debouncedSearch(inARow(written[0]), options, 250);
  if (first === null) return null;
  const others = await Promise.all([...written.slice(1).map(inARow), ...(rest ? [rest] : [])]
    .map((words) => pagefind.search(words, options)));
  const found = others.map((search) => new Set(search.results.map((r) => r.id)));
  return { results: first.results.filter((r) => found.every((ids) => ids.has(r.id))) };
}

function option(select, value, count) {
  const item = document.createElement("option");
  item.value = value;
  item.textContent = `${value} (${numbers.format(count)})`;
  select.append(item);
}

function result(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = new URL(data.url, root).href;  // Pagefind prefixes baseUrl (the site's path)
  const title = document.createElement("bdi");
  title.textContent = data.meta.title || data.url;
  link.append(title);
  const meta = document.createElement("p");
  meta.className = "meta";
  const parts = [data.meta.outlet, data.meta.date ? dates.format(new Date(data.meta.date)) : "",
                 data.meta.section].filter(Boolean);
  parts.forEach((text, n) => {
    const part = document.createElement("bdi");
    part.textContent = text;
    if (n) meta.append(" · ");
    meta.append(part);
  });
  item.append(link, meta);
  return item;
}

async function start() {
  // The index comes in parts (pelican_gnews/publish/search.py), newest
  // first: the first part's script loads the others into one search, whose
  // results without a query stay newest first.
  const parts = JSON.parse(form.dataset.parts || "[]").map((name) => new URL(`pagefind/${name}/`, root).href);
  if (!parts.length) throw new Error("no index");
  const pagefind = await import(new URL("pagefind.js", parts[0]).href);
  await pagefind.options({ baseUrl: root.pathname, mergeFilter: { part: "0" } });
  await pagefind.init();
  // A part that failed to load leaves the others searchable.
  await Promise.allSettled(parts.slice(1).map((part, n) => pagefind.mergeIndex(part, {
    baseUrl: root.pathname, mergeFilter: { part: String(n + 1) } })));
  const filters = await pagefind.filters();
  for (const [name, select] of [["section", form.elements.section], ["outlet", form.elements.outlet]]) {
    for (const [value, count] of Object.entries(filters[name] || {}).sort()) option(select, value, count);
  }
  document.querySelector("[data-search-off]").hidden = true;
  form.hidden = false;
  let asked = 0;
  async function run() {
    const mine = ++asked;
    const query = form.elements.q.value.trim();
    const chosen = {};
    for (const name of ["section", "outlet"]) if (form.elements[name].value) chosen[name] = form.elements[name].value;
    if (!query && !Object.keys(chosen).length) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    const search = query ? await find(pagefind, query, { filters: chosen })
      : await newest(pagefind, parts, { filters: chosen, sort: { date: "desc" } });
    if (search === null || mine !== asked) return;  // a newer query took over
    const shown = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
    if (mine !== asked) return;
    list.replaceChildren(...shown.map(result));
    const count = search.results.length;
    // Two sentences, the first without a stop of its own in every catalog:
    // a line each, rather than run together.
    const first = count > 30 ? [document.createElement("br"), words.first.replace("{num}", numbers.format(30))] : [];
    status.replaceChildren(counted(count), ...first);
  }
  form.addEventListener("input", run);
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  const asked_for = new URLSearchParams(location.search).get("q");
  if (asked_for) { form.elements.q.value = asked_for; run(); }
}

start().catch(() => {
  if (location.protocol === "file:") {  // browsers load no index from files
    document.querySelector("[data-search-off]").hidden = true;
    document.querySelector("[data-search-local]").hidden = false;
  } else {
    status.textContent = words.unavailable;
  }
});
