// Exports: the graph as `.dag` or JSON text, the last run as Chrome Trace JSON (Perfetto and
// chrome://tracing open it), and the timeline as a PNG. Guarantees: each export is one
// download of a non-empty file with a stable name; the PNG is the canvas as drawn (at device
// resolution, white background). Converting and tracing are the core's (see client).

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads `text` as `graph.dag` (a final newline is added when missing). */
export function exportGraphText(text, filename = 'graph.dag') {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  download(new Blob([body], { type: 'text/plain;charset=utf-8' }), filename);
}

/** Downloads `json` (text) as `filename`. */
export function exportJson(json, filename) {
  download(new Blob([json], { type: 'application/json' }), filename);
}

/** Downloads the canvas as a PNG; resolves once the download has started. */
export function exportCanvasPng(canvas, filename = 'timeline.png') {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) { reject(new Error('the timeline could not be encoded as PNG')); return; }
      download(blob, filename);
      resolve(blob.size);
    }, 'image/png');
  });
}
