// Other engines (issue 16): the Export menu's Dask and asyncio scripts, and importing a
// measured timeline (Chrome Trace JSON). Guarantees:
//  - "Dask" / "asyncio" download the script `fanout export --to dask|asyncio` writes, for the
//    editor's text (graph.dask.py, graph.asyncio.py); what the target cannot express is
//    reported with its line, and nothing is downloaded;
//  - "Import trace" reads a file (an exported script's trace, fanout's own, a Dask task
//    stream, Ray's ray.timeline()), simulates the editor's graph on as many workers as the
//    trace has lanes, and adds both runs to the run history, simulation first, so Compare
//    shows the measured run beside the simulation on one time scale; events that match no
//    task are listed in #import-status, not dropped.
import { plural } from './format.js';
import { normalizeRun } from './run-model.js';

/**
 * Wires the buttons. `client`: { exportPython, importTrace, simulate }; `getInput()` gives
 * `{ text, graph, seed }` (graph: parsed tasks [{ id, deps }]); `download(text, filename)`.
 */
export function mountEngines({ root = document, client, history, getInput, download, setStatus }) {
  const $ = (id) => root.getElementById(id);
  const status = $('import-status');
  for (const target of ['dask', 'asyncio']) {
    $(`export-${target}`)?.addEventListener('click', async () => {
      try {
        const { text, errors } = await client.exportPython(getInput().text, target);
        if (text === null) setStatus(errors.map((e) => `line ${e.line}: ${e.message}`).join(' '), true);
        else download(text, `graph.${target}.py`);
      } catch (e) {
        const n = e.diagnostics?.length;
        setStatus(n ? `The graph has ${plural(n, 'error')}: fix ${n === 1 ? 'it' : 'them'} to export it to ${target}.` : e.message, true);
      }
    });
  }
  const file = $('import-file');
  $('import-trace')?.addEventListener('click', () => file.click());
  file?.addEventListener('change', async () => {
    const f = file.files?.[0];
    file.value = '';
    if (f) await importText(await f.text(), f.name);
  });

  /** Imports trace text (also for tests): resolves to the history entry of the imported run. */
  async function importText(traceText, name = 'trace.json') {
    const input = getInput();
    status.dataset.state = 'busy';
    try {
      const imported = await client.importTrace(traceText, input.text);
      const { result } = imported;
      const sim = await client.simulate(input.text, { workers: Math.max(1, result.workers), seed: input.seed });
      history.add({ text: input.text, result: sim, model: normalizeRun(sim), graph: input.graph,
        settings: { workers: result.workers, mode: 'simulated', seed: input.seed } });
      const entry = history.add({ text: input.text, result, model: normalizeRun(result), graph: input.graph,
        settings: { workers: result.workers, mode: result.mode } });
      const notes = [`Imported ${name}: ${result.mode}, ${plural(result.tasks.length, 'task')} on ${plural(result.workers, 'lane')} (${imported.lanes.join(', ')}), shown in Compare beside the simulation.`];
      if (imported.unmatched.length) notes.push(`Unmatched events (no task of the graph): ${imported.unmatched.map(([n, k]) => `${n} (${k})`).join(', ')}.`);
      if (imported.missing.length) notes.push(`No event for: ${imported.missing.join(', ')}.`);
      status.textContent = notes.join(' ');
      status.dataset.state = imported.unmatched.length ? 'unmatched' : 'imported';
      status.dataset.unmatched = imported.unmatched.map(([n]) => n).join(',');
      return entry;
    } catch (e) {
      status.textContent = `Could not import ${name}: ${e.message}`;
      status.dataset.state = 'error';
      return null;
    }
  }
  return { importText };
}
