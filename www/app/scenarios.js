// Starter graphs for the scenario menu, in today's language (`id : cpu <dur> [after a, b]`).
// Guarantees: every scenario parses without diagnostics (tested end to end; the deadlock
// starter's one warning is its lesson) and says in its comment roughly how long it runs.
import { TAIL_SCENARIOS } from './scenarios-tails.js';

/** The groups starter (issue 14), also the worked example of docs/scheduler.md ("Groups")
 *  and the graph tests/e2e/groups.test.mjs runs in every mode: every decision 20 ms apart. */
export const GROUPS_STARTER = `# Nested groups: four searches and a summary form the group research, which
# may run at most 2 of its tasks at once (workers 2), though the pool has 4.
# A nested group (inner) holds the summary; the report waits for the whole
# group ("after research": its last tasks, a2, a3, a4 and b) and for solo.
# Click a group's label in the graph to fold it into one node; the timeline
# draws a bracket per group. About 0.6 s of CPU; 0.24 s on 4 workers.
workers 4
group research workers 2 {
  a1 : cpu 80ms
  a2 : cpu 120ms
  a3 : cpu 80ms
  a4 : cpu 80ms
  group inner {
    b : cpu 60ms after a1
  }
}
solo   : cpu 180ms
report : cpu 20ms after research, solo
`;

export const SCENARIOS = [
  {
    id: 'analyses-report',
    title: 'Three analyses, then a report',
    text: `# Three independent analyses, then a report that needs all three.
# About 0.5 s of CPU in all; on 3 or more workers it finishes in about
# the longest analysis plus the report (~0.2 s).
sales_by_region   : cpu 150ms
churn_model       : cpu 120ms
inventory_aging   : cpu 90ms
report            : cpu 40ms after sales_by_region, churn_model, inventory_aging
`,
  },
  {
    id: 'longest-dependency',
    title: '10 s, 0 s and 3 s scripts, then one that needs them all',
    text: `# A lesson about the longest dependency: the last script needs all three,
# so it cannot start before the 10 s one ends, however many workers you add.
# Takes about 10.1 s to run (13.1 s of CPU in all).
slow_script   : cpu 10s
instant_script: cpu 0s
medium_script : cpu 3s
final_script  : cpu 100ms after slow_script, instant_script, medium_script
`,
  },
  {
    id: 'search-analyze-report',
    title: 'Parallel searches, merged, analysed in parallel, reported',
    text: `# Fan out, fan in, fan out again: four searches run in parallel, their
# sources are merged, four analyses of the merged sources run in parallel,
# and a final report waits for them. About 0.75 s of CPU in all, ~0.3 s on 4 workers.
search_papers   : cpu 80ms
search_news     : cpu 60ms
search_patents  : cpu 100ms
search_forums   : cpu 50ms
merge_sources   : cpu 30ms after search_papers, search_news, search_patents, search_forums
analyze_topics  : cpu 90ms after merge_sources
analyze_authors : cpu 70ms after merge_sources
analyze_trends  : cpu 110ms after merge_sources
analyze_quality : cpu 60ms after merge_sources
final_report    : cpu 40ms after analyze_topics, analyze_authors, analyze_trends, analyze_quality
`,
  },
  {
    id: 'map-reduce',
    title: 'Map-reduce: split, six maps, merge',
    text: `# A map-reduce: split the input, map 6 chunks in parallel, merge. About 0.4 s of CPU.
split  : cpu 20ms
map1   : cpu 60ms after split
map2   : cpu 60ms after split
map3   : cpu 60ms after split
map4   : cpu 60ms after split
map5   : cpu 60ms after split
map6   : cpu 60ms after split
merge  : cpu 30ms after map1, map2, map3, map4, map5, map6
`,
  },
  {
    id: 'work-stealing',
    title: 'Work stealing: idle workers steal the oldest task',
    text: `# Work stealing: each worker has its own deque. The two sources are dealt
# round-robin (split_a to w0, split_b to w1). A finished task's successors go on
# its worker's deque; a worker runs its newest task, and an idle one steals the
# oldest task of another worker's deque: the arrow-heads on the timeline say
# from whom. Try policy critical-path to compare. About 0.14 s on 4 workers.
policy work-stealing
workers 4
split_a : cpu 10ms
split_b : cpu 30ms
part_a[1..6] : cpu 40ms after split_a
part_b[1..3] : cpu 40ms after split_b
merge : cpu 10ms after part_a[*], part_b[*]
`,
  },
  {
    id: 'autoscaling',
    title: 'Autoscaling: a pool of 1 to 4 workers grows and shrinks',
    text: `# An autoscaling pool: it starts with 1 worker. A task that waited 20 ms for
# a worker adds one (it takes 10 ms to start); a worker idle for 50 ms goes
# away. Watch the lanes appear (hatched: starting) and disappear (grey: off),
# and compare the worker-seconds with a fixed pool of 4 in the metrics.
# Set Workers to 4 (the pool's most). About 0.7 s of CPU in all.
workers 1..4
scale_up 20ms
scale_down 50ms
worker_start 10ms
burst[1..8] : cpu 40ms
pause : cpu 150ms after burst1
again[1..6] : cpu 40ms after pause
`,
  },
  {
    id: 'batching',
    title: 'Batching: 400 tiny tasks, 20 per dispatch',
    text: `# Batching: 400 tasks of 250 µs each. Sent one by one, every task costs a
# message round trip to its worker; batch 20 makes each dispatch carry
# 20 ready members of the family w, run back to back on one worker: each
# batch is outlined on the timeline. Remove "batch 20" and run again to compare.
# About 0.1 s of CPU in all.
w[1..400] : cpu 250us batch 20
total : cpu 1ms after w[*]
`,
  },
  {
    id: 'groups',
    title: 'Nested groups: a research group capped at 2 workers',
    text: GROUPS_STARTER,
  },
  ...TAIL_SCENARIOS,
];

/** The default text for a first visit. */
export const DEFAULT_TEXT = SCENARIOS[3].text;

/** Fills `select` with the scenarios (value = scenario id). */
export function fillScenarioMenu(select) {
  const placeholder = new Option('Choose a starter…', '');
  placeholder.disabled = true;
  placeholder.selected = true;
  select.replaceChildren(placeholder, ...SCENARIOS.map((s) => new Option(s.title, s.id)));
}

export const scenarioById = (id) => SCENARIOS.find((s) => s.id === id) ?? null;
