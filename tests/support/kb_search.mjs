// Runs the device's knowledge-base search (static/js/kb-search.js) in Node for the Python tests.
// stdin: {"articles": [{"id", "data"}], "queries": ["..."], "texts": ["..."], "limit": 3}
// stdout: {"results": {query: [ids best first]}, "terms": {text: [[term, weight], ...]}}
import { buildIndex, search, terms } from "../../static/js/kb-search.js";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { articles = [], queries = [], texts = [], limit = 3 } = JSON.parse(input);
const index = buildIndex(articles);
const results = {};
for (const q of queries) results[q] = search(index, q, limit).map((r) => r.id);
const out = {};
for (const text of texts) out[text] = [...terms(text)];
process.stdout.write(JSON.stringify({ results, terms: out }));
