// The search page (search/index.md). Loaded only there: no other page downloads anything
// for search. A query is answered in this order:
//   1. exact names and 文号 (search/exact/, see fundsite/search_records.py): the one shard
//      the normalised query hashes to;
//   2. Pagefind's results (pagefind/, merged with the further bundles that search/bundles.json
//      lists on a large site), whose first results are re-ordered so that pages whose title is
//      the query, then pages whose title contains it, come first;
//   3. when no title holds the query (a typo, a word written another way), pages whose
//      titles share most of its two-character pieces go first, marked 近似.
// The query and the facets live in the URL (?q=…&kind=…), so a search can be shared.

import { normalise, pieces, searchTerms, shardOf } from "./search-keys.js";

const root = new URL("../", import.meta.url);
const FACETS = [["类型", "kind"], ["地区", "region"], ["文件", "doc"], ["年份", "year"]];
// Among pages whose titles hold the query, bigger answers first (search_records.KIND_ORDER).
const KIND_ORDER = ["地区", "单位", "规划", "对比", "文件", "资金", "项目", "规划指标"];
const PAGE = 20; // results shown at a time
const RANKED = 30; // Pagefind results whose titles are read to bring title matches first

const cache = new Map();
async function json(path) {
  if (!cache.has(path)) {
    cache.set(path, fetch(new URL(path, root)).then((r) => (r.ok ? r.json() : {})).catch(() => ({})));
  }
  return cache.get(path);
}

async function exactHits(key) {
  if (!key) return [];
  const meta = await json("search/exact/meta.json");
  if (!meta.shards) return [];
  const shard = await json(`search/exact/${shardOf(key, meta.shards)}.json`);
  return Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : [];
}

// Pagefind with every bundle of the index merged into it; bundles: null when there is one,
// else the bundles' names in the hidden filter that tags the records of the second and later
// ones ("2", "3", ...; the first bundle, "1", is untagged). A failed load is tried again,
// afresh, by the next query.
let loading = null;
let bundles = null;
const LOAD_SECONDS = 20; // a load not done by then (a stalled connection) is given up and said

function within(seconds, promise) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), seconds * 1000))]);
}

function engine() {
  loading ||= (async () => {
    // Not json(): that caches a failed fetch as {}, which would search the first bundle alone for good.
    const [pf, listing] = await Promise.all([import(new URL("pagefind/pagefind.js", root).href),
      fetch(new URL("search/bundles.json", root)).then((r) => {
        if (!r.ok) throw new Error(`search/bundles.json: HTTP ${r.status}`);
        return r.json();
      })]);
    const options = { baseUrl: root.pathname, excerptLength: 30 };
    const folders = listing.bundles || ["pagefind/"];
    try {
      await within(LOAD_SECONDS, (async () => {
        await pf.options(options);
        await pf.init();
        for (const folder of folders.slice(1)) await pf.mergeIndex(new URL(folder, root).pathname, options);
      })());
    } catch (error) {
      await pf.destroy().catch(() => {}); // a bundle that failed stays in Pagefind's list: start afresh
      throw error;
    }
    bundles = folders.length > 1 ? { filter: listing.filter, names: folders.map((_, n) => String(n + 1)) } : null;
    return pf;
  })().catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

const NOTHING = { results: [], unfilteredResultCount: 0, filters: {}, totalFilters: {} };

const termCounts = new Map(); // a word's pages per bundle, looked up once per page view

function countsOf(pf, term) {
  if (!termCounts.has(term)) {
    termCounts.set(term, pf.search(term, { filters: { [bundles.filter]: "0" } }).then((found) => {
      const counts = { ...found.totalFilters[bundles.filter] };
      counts[bundles.names[0]] = found.unfilteredResultCount - Object.values(counts).reduce((a, b) => a + b, 0);
      return counts;
    }).catch((error) => {
      termCounts.delete(term); // looked up again by the next query
      throw error;
    }));
  }
  return termCounts.get(term);
}

// Pagefind's search over the merged bundles, as strict as over one index. A bundle that lacks
// one of the query's words drops that word and returns its pages holding the others; one index
// would return none of them, unless no page at all holds the word (then it is dropped
// everywhere). So each word is looked up on its own, counting its pages per bundle (a filter
// no record has returns only the counts; the first bundle's records carry no filter, so its
// count is the rest), and only the bundles holding every word that some bundle holds are searched.
async function strictSearch(pf, query, options = {}) {
  const terms = searchTerms(query);
  if (!bundles || terms.length < 2) return pf.search(query, options);
  let keep = bundles.names;
  // All at once: the words' index chunks are fetched side by side.
  for (const counts of await Promise.all(terms.map((term) => countsOf(pf, term)))) {
    if (Object.values(counts).some((n) => n > 0)) keep = keep.filter((name) => counts[name] > 0);
  }
  if (!keep.length) return NOTHING;
  if (keep.length === bundles.names.length) return pf.search(query, options);
  // The first bundle's pages carry no filter: kept, they are there unless excluded by name.
  const only = { [bundles.filter]: keep.includes(bundles.names[0])
    ? { none: bundles.names.filter((name) => !keep.includes(name)) } : { any: keep } };
  const found = await pf.search(query, { ...options, filters: { ...options.filters, ...only } });
  if (Object.keys(options.filters || {}).length) {
    // The facets' counts without the reader's filters, over the same bundles.
    found.totalFilters = (await pf.search(query, { filters: only })).filters;
  }
  return found;
}

// A result's page: its record's url meta (Pagefind's own url is the record file's).
function pageUrl(data) {
  return new URL(data.meta.url, root).pathname;
}

function passes(filters, wanted) {
  return Object.entries(wanted).every(([facet, value]) => (filters[facet] || []).includes(value));
}

// Pagefind's results with their data, title matches first (stable: Pagefind's order within a tier).
async function ranked(results, key) {
  const head = await Promise.all(results.slice(0, RANKED).map(async (r) => ({ r, data: await r.data() })));
  for (const item of head) {
    const title = normalise(item.data.meta.title || "");
    item.tier = title === key ? 0 : title.includes(key) ? 1 : 2;
  }
  const order = (item) => (item.tier < 2 ? (KIND_ORDER.indexOf(item.data.meta.kind) + 1 || KIND_ORDER.length + 1) : 0);
  head.sort((a, b) => a.tier - b.tier || order(a) - order(b));
  return head.concat(results.slice(RANKED).map((r) => ({ r, data: null, tier: 2 })));
}

// Pages whose titles share most of the query's two-character pieces (a typo, a word written
// another way), best first; used when no title holds the query itself.
async function approximate(pf, query, filters) {
  const parts = pieces(query);
  if (parts.length < 2) return [];
  const found = new Map();
  for (const part of parts) {
    const search = await strictSearch(pf, part, { filters });
    for (const r of search.results) {
      const seen = found.get(r.id) || { r, count: 0, score: 0 };
      seen.count += 1;
      seen.score += r.score;
      found.set(r.id, seen);
    }
  }
  const enough = Math.max(2, Math.ceil(parts.length * 0.6));
  const likely = [...found.values()].filter((x) => x.count >= enough)
    .sort((a, b) => b.count - a.count || b.score - a.score).slice(0, RANKED);
  const read = await Promise.all(likely.map(async ({ r }) => {
    const data = await r.data();
    const own = new Set(pieces(data.meta.title || ""));
    return { r, data, shared: parts.filter((part) => own.has(part)).length, approximate: true };
  }));
  return read.filter((x) => x.shared >= enough).sort((a, b) => b.shared - a.shared);
}

function safeExcerpt(excerpt) {
  // Pagefind escapes the indexed text and adds <mark>; nothing else may become markup.
  return (excerpt || "").replace(/<(?!\/?mark>)/g, "&lt;");
}

function resultItem(url, title, kind, summary, excerpt, badge) {
  const li = document.createElement("li");
  li.className = "fs-result";
  const head = document.createElement("p");
  head.className = "fs-result__head";
  const link = document.createElement("a");
  link.href = url;
  link.textContent = title;
  link.className = "fs-result__title";
  head.append(link);
  const tag = document.createElement("span");
  tag.className = "fs-result__kind";
  tag.textContent = kind;
  head.append(" ", tag);
  if (badge) {
    const mark = document.createElement("span");
    mark.className = "fs-result__badge";
    mark.textContent = badge;
    head.append(" ", mark);
  }
  li.append(head);
  if (summary && summary !== kind) {
    const line = document.createElement("p");
    line.className = "fs-result__summary";
    line.textContent = summary;
    li.append(line);
  }
  if (excerpt) {
    const line = document.createElement("p");
    line.className = "fs-result__excerpt";
    line.innerHTML = safeExcerpt(excerpt);
    li.append(line);
  }
  return li;
}

const form = document.getElementById("fs-search");
const input = document.getElementById("fs-q");
const list = document.getElementById("fs-results");
const status = document.getElementById("fs-status");
const more = document.getElementById("fs-more");
const facetsBox = document.getElementById("fs-facets-box");
let current = 0;
let pending = [];
let exactShown = new Set(); // pages listed as exact matches, not listed again

function wantedFilters() {
  const wanted = {};
  for (const [facet, param] of FACETS) {
    const value = form.elements[param].value;
    if (value) wanted[facet] = value;
  }
  return wanted;
}

function remember() {
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  for (const [, param] of FACETS) {
    if (form.elements[param].value) params.set(param, form.elements[param].value);
  }
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

// Each facet's values with their counts among the results; a facet already chosen counts
// the query's results without any facet, so that its other values stay in reach.
function fillFacets(totals, search) {
  for (const [facet, param] of FACETS) {
    const select = form.elements[param];
    const chosen = select.value;
    const values = Object.keys(totals[facet] || {}).sort((a, b) => a.localeCompare(b, "zh"));
    const counts = search ? (chosen ? search.totalFilters : search.filters)[facet] || {} : totals[facet];
    select.replaceChildren(new Option("全部", ""));
    for (const value of values) {
      const count = counts[value] || 0;
      if (count || value === chosen) select.append(new Option(`${value}（${count}）`, value));
    }
    select.value = chosen;
  }
}

async function showMore(token) {
  const batch = pending.splice(0, PAGE);
  more.disabled = true; // until this batch is in: a second click would interleave two batches
  for (const item of batch) {
    const data = item.data || (await item.r.data());
    if (token !== current) return;
    const url = pageUrl(data);
    if (exactShown.has(url)) continue;
    list.append(resultItem(url, data.meta.title || url, data.meta.kind || "", data.meta.summary || "",
      data.excerpt, item.approximate ? "近似" : ""));
  }
  more.disabled = false;
  more.hidden = pending.length === 0;
}

async function run() {
  const token = ++current;
  const query = input.value.trim();
  const wanted = wantedFilters();
  remember();
  list.replaceChildren();
  more.hidden = true;
  pending = [];
  exactShown = new Set();
  list.removeAttribute("data-done-for");
  list.removeAttribute("data-failed-for");
  if (!query) {  // nothing is fetched until there is something to look for
    status.textContent = "输入文号（如 穗财社〔2024〕27号 或 27号）、项目、地区、单位或指标的名称。";
    if (facetsBox.open) fillFacets(await (await engine()).filters(), null);
    list.dataset.doneFor = "";
    return;
  }
  const pf = await engine();
  if (token !== current) return;
  status.textContent = "正在搜索……";
  const key = normalise(query);
  // The facets' values (a fifth of a query's bytes at scale) are fetched once the facets are
  // opened; then first, since a search run while they load counts some facets as empty.
  const totals = facetsBox.open ? await pf.filters() : null;
  // Pagefind's answer takes seconds on a large site when the words are on most pages (it reads
  // every page's entry for each word): the exact matches are shown as soon as they are in.
  const searching = strictSearch(pf, query, { filters: wanted });
  const hits = await exactHits(key);
  if (token !== current) return;
  const shown = exactShown;
  for (const [url, title, kind, summary, filters] of hits) {
    const href = new URL(url, root).pathname;
    if (!passes(filters, wanted) || shown.has(href)) continue;
    shown.add(href);
    list.append(resultItem(href, title, kind, summary, "", "名称或文号完全匹配"));
  }
  if (shown.size) status.textContent = "名称或文号完全匹配的页面在上，正在查找其他结果……";
  const search = await searching;
  if (token !== current) return;
  let items = await ranked(search.results, key);
  let approximateOnly = false;
  if (!shown.size && !items.some((item) => item.tier < 2)) {
    // No title holds the query: pages whose titles nearly do come first, marked 近似.
    const near = await approximate(pf, query, wanted);
    const ids = new Set(near.map((x) => x.r.id));
    approximateOnly = near.length > 0 && !items.length;
    items = near.concat(items.filter((item) => !ids.has(item.r.id)));
  }
  if (token !== current) return;
  pending = items.filter((item) => !(item.data && shown.has(pageUrl(item.data))));
  const count = shown.size + pending.length;
  if (totals) fillFacets(totals, search);
  await showMore(token);
  if (token !== current) return;
  if (!list.children.length) {
    status.textContent = `没有找到“${query}”。试试更短的词、去掉筛选条件，或从文件、项目、地区的目录查找。`;
  } else if (approximateOnly) {
    status.textContent = `没有完全符合“${query}”的结果；下面是相近的 ${count} 条。`;
  } else {
    status.textContent = `“${query}”：${count} 条结果` + (shown.size ? `，其中 ${shown.size} 条名称或文号完全匹配` : "") + "。";
  }
  list.dataset.doneFor = query;
}

// A query whose index files did not load (a dropped connection) says so; the next query tries
// them again (engine()).
async function answer() {
  const token = current + 1; // the token run() takes
  try {
    await run();
  } catch (error) {
    if (token !== current) return;
    status.textContent = "搜索没有完成：索引文件没有加载成功，请检查网络后再试。";
    more.hidden = true;
    list.dataset.failedFor = input.value.trim();
  }
}

let timer = 0;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(answer, 250);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  answer();
});
form.addEventListener("change", (event) => {
  if (event.target.tagName === "SELECT") answer();
});
more.addEventListener("click", () => showMore(current));
facetsBox.addEventListener("toggle", () => {
  if (facetsBox.open) answer();
});

const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";
let faceted = false;
for (const [, param] of FACETS) {
  const value = params.get(param);
  if (value) {
    form.elements[param].append(new Option(value, value, true, true));
    faceted = true;
  }
}
if (faceted) {
  facetsBox.open = true;  // a shared search with facets shows them; opening runs the search (toggle)
} else {
  answer();
}
