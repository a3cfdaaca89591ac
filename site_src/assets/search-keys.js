// How the search page turns a query into the keys of the exact-name table: the same as
// fundsite/search_records.py does for the names (tests/test_search.py runs both on the same
// strings). Kept apart from search.js so that it can be loaded on its own.

const FOLDED = /[\s〔〕\[\]()（）【】〈〉《》<>「」『』"'“”‘’·・.,，。、:：;；!！?？\-—–_/\\]+/g;
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;

// NFKC (full-width digits and brackets to ASCII), lower case, spaces and brackets removed.
export function normalise(text) {
  return text.normalize("NFKC").toLowerCase().replace(FOLDED, "");
}

// FNV-1a (32 bits) of the key's UTF-8 bytes, modulo the number of shards.
export function shardOf(key, shards) {
  let value = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    value = Math.imul(value ^ byte, 16777619) >>> 0;
  }
  return value % shards;
}

// Every two neighbouring Chinese characters, each once.
export function pieces(text) {
  const out = [];
  for (const run of text.match(HAN) || []) {
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return [...new Set(out)];
}

// The words Pagefind looks up for a query, split as its pagefind.js does before searching:
// Intl.Segmenter's words, punctuation dropped, lower case. The search page checks each word
// against every index bundle (search.js, strictSearch).
const PUNCTUATION = /^\p{Pd}|\p{Pe}|\p{Pf}|\p{Pi}|\p{Po}|\p{Ps}$/u; // pagefind.js's own test
export function searchTerms(query, language = "zh") {
  if (typeof Intl.Segmenter === "undefined") return query.split(/\s+/).filter(Boolean);
  const graphemes = new Intl.Segmenter(language, { granularity: "grapheme" });
  const words = [];
  for (const { segment } of new Intl.Segmenter(language, { granularity: "word" }).segment(query)) {
    const kept = [...graphemes.segment(segment)].map((g) => g.segment).filter((g) => !PUNCTUATION.test(g));
    if (kept.length) words.push(kept.join("").toLocaleLowerCase());
  }
  return [...new Set(words.join(" ").split(/\s+/).filter(Boolean))];
}
