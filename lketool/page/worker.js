// The page's Python: Pyodide runs lketool in this Web Worker so the page stays
// responsive. Everything is loaded from this site (files.json lists it); nothing is
// fetched from anywhere else and nothing is sent anywhere.
import { loadPyodide } from "./pyodide/pyodide.mjs";

let bridge = null;

function post(msg, transfer) { self.postMessage(msg, transfer || []); }

async function fetchBytes(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

const ready = (async () => {
  const t0 = performance.now();
  const manifest = await (await fetch("files.json")).json();
  post({ type: "stage", stage: "runtime" });
  const py = await loadPyodide({
    indexURL: new URL("./pyodide/", self.location.href).href,
    stdout: () => {}, stderr: (s) => console.warn(s),
  });
  const t1 = performance.now();
  post({ type: "stage", stage: "wheels" });
  // The wheels are unpacked as they are: lketool without its declared dependencies
  // (those would pull pandas and numpy), plus exactly the wheels its page needs.
  // Into site-packages: the bridge changes the working directory, the default target.
  const site = py.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  for (const w of manifest.wheels) {
    py.unpackArchive(await fetchBytes(`wheels/${w}`), "wheel", { extractDir: site });
  }
  const t2 = performance.now();
  py.runPython("import lketool.api, lketool.page.bridge");
  bridge = py.pyimport("lketool.page.bridge");
  const version = py.runPython("import lketool, sys; lketool.__version__ + ' / Python ' + sys.version.split()[0]");
  const t3 = performance.now();
  post({ type: "ready", ms: t3 - t0, version, pyodide: manifest.pyodide,
         stages: { runtime: t1 - t0, wheels: t2 - t1, imports: t3 - t2 } });
})();
ready.catch((err) => post({ type: "failed", message: String(err && err.message || err) }));

// A Python error's message is its whole traceback: the page shows the last line.
function short(err) {
  const text = String(err && err.message || err).trim().split("\n").filter((l) => l.trim());
  return text.length ? text[text.length - 1].trim() : "error";
}

function bytesOf(proxy) {
  const out = proxy.toJs();
  proxy.destroy();
  return out;
}

// One message at a time: Python is single-threaded and every call below is synchronous.
let chain = Promise.resolve();
self.onmessage = (event) => {
  chain = chain.then(() => handle(event.data));
};

async function handle(m) {
  try {
    await ready;
  } catch (err) {
    post({ type: "error", id: m.id, message: String(err && err.message || err) });
    return;
  }
  const t0 = performance.now();
  try {
    if (m.type === "check") {
      const json = bridge.check_bytes(m.data, m.name, m.lang);
      post({ type: "result", id: m.id, json, ms: performance.now() - t0 });
    } else if (m.type === "view") {
      post({ type: "view", id: m.id, json: bridge.view_json(m.key, m.lang) });
    } else if (m.type === "forget") {
      bridge.forget(m.key);
    } else if (m.type === "download") {
      let data;
      if (m.kind === "annotated") data = bytesOf(bridge.annotated_copy(m.key, m.lang));
      else if (m.kind === "report") data = bytesOf(bridge.report_html(m.key, m.lang));
      else if (m.kind === "json") data = bytesOf(bridge.result_json(m.key, m.lang));
      else if (m.kind === "recap") data = bytesOf(bridge.recap_workbook(m.keys, m.lang));
      else throw new Error(`unknown download ${m.kind}`);
      post({ type: "download", id: m.id, data, ms: performance.now() - t0 }, [data.buffer]);
    }
  } catch (err) {
    // A Python error becomes a message for this one request; the next ones still run.
    console.warn(err);
    post({ type: "error", id: m.id, message: short(err) });
  }
}
