// The device's knowledge-base index in Node (run by bench/kb_index_bench.py, not a test).
// stdin: {"articles": [{"id", "data"}], "queries": ["..."], "rounds": n}
// stdout: {"build_ms", "search_ms": [per query, median of rounds], "index_json_bytes", "hits": {q: n}}
import { buildIndex, search } from "../static/js/kb-search.js";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { articles, queries, rounds = 20 } = JSON.parse(input);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (let i = 0; i < 3; i++) buildIndex(articles); // warm the JIT as a second visit would
const builds = [];
let index;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  index = buildIndex(articles);
  builds.push(performance.now() - t0);
}
const searchMs = {};
const hits = {};
for (const q of queries) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    hits[q] = search(index, q, 20).length;
    times.push(performance.now() - t0);
  }
  searchMs[q] = median(times);
}
// the index as it would be if it were stored instead of rebuilt (it is rebuilt from the records)
const stored = JSON.stringify({ postings: [...index.postings], lengths: [...index.lengths] });
process.stdout.write(JSON.stringify({ build_ms: median(builds), search_ms: searchMs, hits,
                                      index_json_bytes: Buffer.byteLength(stored), index_json: stored }));
