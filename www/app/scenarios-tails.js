// Starter graphs for tails and faults (issue 15): variable durations, hedged requests,
// circuit breakers, deadlocks. Spread into SCENARIOS (scenarios.js); each parses without
// diagnostics (tested end to end).

export const TAIL_SCENARIOS = [
  {
    id: 'latency-tail',
    title: 'A latency tail: 50 calls with lognormal durations',
    text: `# A fan-out of 50 calls to a service with a latency tail: most answer in
# about 100 ms (the median), a few take much longer (lognormal, sigma 0.8).
# The merge waits for the slowest, so the tail sets the makespan: each seed
# draws other durations, and "Makespan over 100 seeds" shows the spread.
# About 0.3-0.8 s on 32 workers.
workers 32
call[1..50] : io lognormal 100ms 0.8
merge       : cpu 5ms after call[*]
`,
  },
  {
    id: 'hedged-calls',
    title: 'Hedged requests: the same 50 calls, hedged after 200 ms',
    text: `# The latency-tail fan-out with hedged requests: a call still running after
# 200 ms gets a second copy on a free worker; the first to end wins and the
# other is cancelled ("lost the hedge", drawn dashed). Compare the makespan
# over 100 seeds with the latency-tail starter: the tail shrinks, for a few
# extra calls per run. About 0.3-0.6 s on 32 workers.
workers 32
call[1..50] : io lognormal 100ms 0.8 hedge 200ms
merge       : cpu 5ms after call[*]
`,
  },
  {
    id: 'circuit-breaker',
    title: 'A circuit breaker: stop hammering a failing service',
    text: `# A service that is down for its first attempts: each call fails once.
# After 2 failures in a row the breaker on \`api\` opens for 100 ms: calls
# are rejected at once (no worker time), and retry after their backoff.
# Then one probe is let through (half-open); it succeeds and the breaker
# closes. The band above the timeline shows closed, open, half-open.
# About 0.2 s on 2 workers.
workers 2
breaker api after 2 failures open 100ms
call[1..6] : io 10ms retry 3 backoff 40ms fail attempts 1 uses api
report     : cpu 5ms after call[*]
`,
  },
  {
    id: 'deadlock',
    title: 'A deadlock: two tasks take two locks in opposite order',
    text: `# Hold and wait: each transfer takes one account's lock, does half its
# work, then takes the other lock while still holding the first. They take
# them in opposite orders, so after 50 ms each holds one lock and waits for
# the other: a deadlock. The checker warns about it; the scheduler finds the
# cycle at once, names it and stops the run (on_deadlock fail-run). Try
# on_deadlock fail-youngest, or take the locks in one order.
workers 2
limit alice 1
limit bob 1
pay_bob   : cpu 100ms uses alice then bob
pay_alice : cpu 100ms uses bob then alice
`,
  },
];
