// The LKE page: files go to the Python worker, results come back as JSON and are shown
// here. Text that came from a workbook is only ever set with textContent (never
// innerHTML), so a unit named "<script>…" is shown as those characters.

// Every word of the interface comes from the message catalogue (the page.* keys of
// lketool/data/messages/<lang>.json), written into the site as messages.json by
// tools/build_page.py: one catalogue for the page and every other output. Until it has
// loaded (a few ms), the words already in index.html stay.
let T = {};
const messagesLoaded = fetch("messages.json")
  .then((r) => (r.ok ? r.json() : {}))
  .catch(() => ({}))
  .then((m) => { T = m; });

const $ = (sel) => document.querySelector(sel);
const state = {
  lang: "id", engine: "loading", readyMs: null, items: [], selected: null, nextId: 1,
  sort: { key: null, dir: 1 }, pending: new Map(), skipped: 0,
};
// Read by the tests and the benchmark (never by the page itself).
window.lkePage = { state, lastDownload: null, checkTimes: [] };

function t(key, params) {
  let s = (T[state.lang] && T[state.lang][key]) || (T.id && T.id[key]) || key;
  for (const [k, v] of Object.entries(params || {})) s = s.split(`{${k}}`).join(String(v));
  return s;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);  // strings become text nodes
  return node;
}

// ------------------------------------------------------------------ worker

const worker = new Worker("worker.js", { type: "module" });
let requestId = 0;

function ask(msg, transfer) {
  const id = ++requestId;
  return new Promise((resolve, reject) => {
    state.pending.set(id, { resolve, reject });
    worker.postMessage({ ...msg, id }, transfer || []);
  });
}

worker.onmessage = async (event) => {
  await messagesLoaded;  // the engine's status is worded: never show a bare key
  const m = event.data;
  if (m.type === "stage") {
    setEngine("loading", m.stage === "runtime" ? t("loadingRuntime") : t("loadingWheels"));
    return;
  }
  if (m.type === "ready") {
    state.engine = "ready";
    state.readyMs = m.ms;
    window.lkePage.readyMs = m.ms;
    window.lkePage.readyAt = performance.now();  // ms since the page started loading
    window.lkePage.version = m.version;
    window.lkePage.stages = m.stages;
    setEngine("ready", t("readyIn", { s: (m.ms / 1000).toFixed(1) }));
    return;
  }
  if (m.type === "failed") {
    state.engine = "failed";
    setEngine("failed", t("failedEngine", { m: m.message }));
    return;
  }
  const p = state.pending.get(m.id);
  if (!p) return;
  state.pending.delete(m.id);
  if (m.type === "error") p.reject(new Error(m.message));
  else p.resolve(m);
};

function setEngine(s, text) {
  const e = $("#engine");
  e.dataset.state = s;
  e.textContent = text;
}

// ------------------------------------------------------------------ adding files

function isWorkbook(name) {
  const base = name.split("/").pop();
  return /\.(xlsx|xlsm)$/i.test(base) && !base.startsWith("~$") && !base.startsWith(".");
}

async function addFiles(list, fromFolder) {
  const files = [];
  for (const { file, path } of list) {
    // Files picked one by one are kept whatever their name (a wrong file gets a clear
    // message); inside folders only workbooks are taken.
    if (fromFolder && !isWorkbook(path)) { state.skipped++; continue; }
    files.push({ file, path });
  }
  if (!files.length) { renderProgress(); return; }
  const added = files.map(({ file, path }) => {
    const item = { id: state.nextId++, name: path, status: "queued", view: null, key: null, ms: null, error: null };
    state.items.push(item);
    return { item, file };
  });
  if (state.selected === null || state.items.length === added.length) state.selected = added[0].item.id;
  render();
  // Files are handed over in order; the worker queues them until Python is ready.
  await Promise.all(added.map(async ({ item, file }) => {
    let data;
    try {
      data = new Uint8Array(await file.arrayBuffer());
    } catch (err) {
      item.status = "failed";
      item.error = { code: "file-unreadable", message: `${item.name}: ${err.message || err}` };
      scheduleRender();
      return;
    }
    item.status = "checking";
    try {
      const m = await ask({ type: "check", data, name: item.name, lang: state.lang }, [data.buffer]);
      item.view = JSON.parse(m.json);
      item.key = item.view.key;
      item.ms = m.ms;
      window.lkePage.checkTimes.push(m.ms);
      item.status = item.view.error ? "failed" : "done";
      item.error = item.view.error;
    } catch (err) {
      // One broken file never stops the rest.
      item.status = "failed";
      item.error = { code: "internal", message: `${item.name}: ${err.message || err}` };
    }
    scheduleRender();
  }));
}

function entriesFromInput(input) {
  return Array.from(input.files).map((f) => ({ file: f, path: f.webkitRelativePath || f.name }));
}

async function entriesFromDrop(dt) {
  const out = [];
  let folder = false;
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push({ file, path: prefix + entry.name });
    } else if (entry.isDirectory) {
      folder = true;
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e, prefix + entry.name + "/");
      }
    }
  };
  const items = Array.from(dt.items || []).filter((i) => i.kind === "file");
  const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
  if (entries.length && entries.every(Boolean)) {
    for (const e of entries) await walk(e, "");
  } else {
    for (const f of Array.from(dt.files)) out.push({ file: f, path: f.name });
  }
  return { list: out, folder };
}

// ------------------------------------------------------------------ rendering

function render() {
  renderProgress();
  renderRecap();
  renderDetail();
}

// A batch of hundreds of files finishes one by one: redraw at most every 100 ms.
let renderTimer = null;
function scheduleRender() {
  if (renderTimer !== null) return;
  renderTimer = setTimeout(() => { renderTimer = null; render(); }, 100);
}

function renderProgress() {
  const total = state.items.length;
  const done = state.items.filter((i) => i.status === "done" || i.status === "failed").length;
  const failed = state.items.filter((i) => i.status === "failed").length;
  const bar = $("#progress");
  const text = $("#progress-text");
  bar.hidden = total === 0;
  bar.max = Math.max(total, 1);
  bar.value = done;
  const parts = [];
  if (total) {
    parts.push(state.engine !== "ready" && done < total ? t("queued", { n: total - done }) : t("progress", { done, total }));
    if (failed) parts.push(t("progressFailed", { n: failed }));
  }
  if (state.skipped) parts.push(t("skipped", { n: state.skipped }));
  text.textContent = parts.join(" · ");
  document.body.dataset.checked = String(done);
  document.body.dataset.total = String(total);
}

const SORTERS = {
  unit: (i) => (i.view && i.view.unit) || "", name: (i) => i.name,
  // the total the verdict rests on (the TPI's for a TPI verdict), as the table shows it
  total: (i) => (i.view && i.view.recap ? i.view.recap.total : -1),
  basis: (i) => (i.view && i.view.recap ? i.view.recap.basis_text : ""),
  wbk: (i) => eligible(i, "wbk"), wbbm: (i) => eligible(i, "wbbm"),
  errors: (i) => (i.view ? i.view.counts.error : -1), warnings: (i) => (i.view ? i.view.counts.warning : -1),
};

function eligible(item, key) {
  const cards = item.view && item.view.verdict ? item.view.verdict.cards : [];
  const c = cards.find((x) => x.key === key);
  return c ? (c.eligible === true ? 1 : c.eligible === false ? 0 : 0.5) : -1;
}

function renderRecap() {
  const failed = state.items.filter((i) => i.status === "failed");
  $("#failures").hidden = failed.length === 0;
  $("#failure-list").replaceChildren(...failed.map((item) =>
    el("li", { "data-id": String(item.id) }, el("strong", { text: item.name }), " — ",
       (item.error && item.error.message) || t("unreadable"),
       item.error && item.error.remedy ? el("span", { class: "remedy", text: ` ${item.error.remedy}` }) : null)));
  const section = $("#recap");
  section.hidden = state.items.length < 2;
  if (section.hidden) return;
  const ok = state.items.filter((i) => i.status !== "failed");
  if (state.sort.key) {
    const f = SORTERS[state.sort.key];
    ok.sort((a, b) => {
      const x = f(a), y = f(b);
      return (x < y ? -1 : x > y ? 1 : 0) * state.sort.dir;
    });
  }
  document.querySelectorAll("#recap-table th").forEach((th) => {
    const k = th.querySelector("button").dataset.sort;
    if (k === state.sort.key) th.setAttribute("aria-sort", state.sort.dir > 0 ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  });
  const body = $("#recap-table tbody");
  body.replaceChildren(...ok.map((item) => {
    const v = item.view;
    const done = item.status === "done";
    const yn = (key) => {
      if (!done) return el("td", { text: "" });
      const c = v.verdict.cards.find((x) => x.key === key);
      if (!c) return el("td", { text: "" });
      return el("td", { class: c.eligible === true ? "yes" : c.eligible === false ? "no" : "unknown",
                        "data-status": c.status, text: c.short || c.word });
    };
    const tr = el("tr", { tabindex: "0", "data-id": String(item.id), class: done ? null : "pending",
                          "aria-selected": item.id === state.selected ? "true" : "false" },
      el("td", { class: "unit", text: done ? v.unit : (item.status === "queued" ? t("queuedRow") : t("pending")) }),
      el("td", { class: "file hide-narrow", text: item.name }),
      totalCell(item),
      yn("wbk"), yn("wbbm"),
      el("td", { class: "basis", "data-basis": done ? v.recap.basis : null, text: done ? v.recap.basis_text : "" }),
      el("td", { class: "num", text: done ? String(v.counts.error) : "" }),
      el("td", { class: "num hide-narrow", text: done ? String(v.counts.warning) : "" }));
    const pick = () => { state.selected = item.id; render(); $("#detail").scrollIntoView({ block: "start" }); };
    tr.addEventListener("click", pick);
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
    return tr;
  }));
  $("#dl-recap").disabled = !state.items.some((i) => i.status === "done")
    || state.items.some((i) => i.status === "queued" || i.status === "checking");
}

// The total beside the verdict: the TPI's when the verdict rests on TPI answers, with the
// unit's own (self-assessed) total under it, labelled; words and numbers from the bridge.
function totalCell(item) {
  if (item.status !== "done") return el("td", { class: "num total" });
  const r = item.view.recap;
  return el("td", { class: "num total", "data-basis": r.basis },
            el("span", { class: "value", text: r.total_text }),
            r.total_note ? el("span", { class: "total-note", text: r.total_note }) : null);
}

function renderDetail() {
  const item = state.items.find((i) => i.id === state.selected);
  const section = $("#detail");
  section.hidden = !item || item.status !== "done";
  if (section.hidden) return;
  const v = item.view;
  $("#detail-unit").textContent = v.unit || v.name;
  $("#detail-file").textContent = t("fileLabel", { f: item.name, l: v.layout, s: v.sheet });
  renderVerdict(v);
  renderScores(v);
  renderChart(v);
  renderFindings(v);
}

function renderVerdict(v) {
  // Everything here comes from the library (lketool.verdict via the bridge): the same
  // words as `lketool score`; this only lays them out.
  const box = $("#verdict");
  const vd = v.verdict;
  const cards = vd.cards.map((c) => {
    const cls = c.eligible === true ? "pred ok" : c.eligible === false ? "pred" : "pred unknown";
    const list = c.missed.length ? el("ul", {}, ...c.missed.map((m) => el("li", { text: m }))) : null;
    return el("div", { class: cls, "data-key": c.key, "data-status": c.status || "" },
              el("strong", { class: "pred-text", text: c.text }), list);
  });
  const notes = vd.notes.length ? el("ul", { class: "notes" }, ...vd.notes.map((n) => el("li", { text: n }))) : null;
  // The exact lines `lketool score` prints, for those who compare with the command line.
  const lines = el("details", { class: "lines" }, el("summary", { text: t("scoreLines") }),
    el("div", { id: "verdict-lines" }, ...vd.lines.map((l) => el("div", { class: "verdict-line", text: l }))));
  box.replaceChildren(el("h3", { text: t("verdictTitle") }), el("p", { class: "total-line" },
    `${t("total")} `, el("span", { id: "total", class: "big", text: v.total_text })), ...cards, notes, lines);
}

function renderScores(v) {
  const hasTpi = v.score_rows.some((r) => r.tpi !== null && r.tpi !== undefined);
  document.querySelectorAll(".tpi-col").forEach((e) => { e.hidden = !hasTpi; });
  $("#score-table tbody").replaceChildren(...v.score_rows.map((r) => {
    const tpi = el("td", { class: "num", text: r.tpi_text });
    tpi.hidden = !hasTpi;
    const value = r.share_text ? `${r.value_text} (${r.share_text})` : r.value_text;
    if (r.tpi_share_text) tpi.textContent = `${r.tpi_text} (${r.tpi_share_text})`;
    return el("tr", { class: `level-${r.level}`, "data-key": r.key }, el("td", { text: r.label }),
              el("td", { class: "num value", text: value }), tpi,
              el("td", { class: "num", text: r.workbook_text }));
  }));
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, val] of Object.entries(attrs || {})) n.setAttribute(k, String(val));
  if (text !== undefined) n.textContent = text;
  return n;
}

function renderChart(v) {
  // Horizontal bars: each area's share, with the predicates' minimum area shares as dashed
  // lines. The minimums and their display text come from the rubric through the bridge
  // (v.area_minimums, lowest first): the page keeps no threshold of its own.
  const mins = v.area_minimums || [];
  const areas = v.areas;
  const rowH = 30, left = 230, width = 640, top = 24, valueRoom = 64, barW = width - left - valueRoom;
  const h = top + areas.length * rowH + 24;
  const root = svg("svg", { viewBox: `0 0 ${width} ${h}`, role: "img", "aria-label": t("chartShare") });
  const x = (share) => left + Math.max(0, Math.min(1, share)) * barW;
  for (const m of mins) {
    const label = t("chartMin", { name: m.name, min: m.min_text });
    root.append(svg("line", { x1: x(m.min), x2: x(m.min), y1: top - 6, y2: h - 20, stroke: "#9a6700", "stroke-dasharray": "4 3" }));
    root.append(svg("text", { x: x(m.min), y: top - 10, "font-size": 11, "text-anchor": "middle", fill: "#5b6474" }, label));
  }
  areas.forEach((a, i) => {
    const y = top + i * rowH;
    const name = a.name.length > 34 ? a.name.slice(0, 33) + "…" : a.name;
    const label = svg("text", { x: left - 8, y: y + 17, "font-size": 12, "text-anchor": "end", fill: "#1d2430" }, name);
    label.append(svg("title", {}, a.name));
    root.append(label);
    root.append(svg("rect", { x: left, y: y + 5, width: barW, height: a.tpi_share !== null ? 9 : 16, fill: "#eef1f5" }));
    // red below every minimum, blue from the lowest, green from the highest
    const met = mins.filter((m) => a.share >= m.min).length;
    const color = !mins.length ? "#0b5cad" : !met ? "#b42318" : met === mins.length ? "#1e7b34" : "#0b5cad";
    root.append(svg("rect", { x: left, y: y + 5, width: x(a.share) - left, height: a.tpi_share !== null ? 9 : 16, fill: color }));
    if (a.tpi_share !== null) {
      root.append(svg("rect", { x: left, y: y + 15, width: x(a.tpi_share) - left, height: 7, fill: "#8fa3bf" }));
    }
    root.append(svg("text", { x: x(a.share) + 4, y: y + 17, "font-size": 12, fill: "#1d2430" }, a.share_text));
  });
  $("#chart").replaceChildren(root);
}

function renderFindings(v) {
  const sevSel = $("#filter-severity");
  const areaSel = $("#filter-area");
  const keepArea = areaSel.value;
  areaSel.replaceChildren(el("option", { value: "", text: t("all") }),
    ...v.areas.map((a) => el("option", { value: a.id, text: a.name })));
  areaSel.value = v.areas.some((a) => a.id === keepArea) ? keepArea : "";
  const sev = sevSel.value, area = areaSel.value;
  let total = 0, shown = 0;
  const groups = [];
  for (const g of v.findings) {
    total += g.problems.length;
    const probs = g.problems.filter((p) => (!sev || p.severity === sev) && (!area || p.area === area));
    if (!probs.length) continue;
    shown += probs.length;
    const sevLabel = g.severity === "error" ? t("sevError") : g.severity === "warning" ? t("sevWarning") : t("sevInfo");
    const summary = el("summary", {}, el("span", { class: `sev ${g.severity}`, text: sevLabel }),
                       `${g.title} (${probs.length})`);
    const list = probs.map((p) => {
      const where = [p.sheet, p.cell].filter(Boolean).join("!");
      const row = el("div", { class: "problem", "data-code": p.code, "data-severity": p.severity },
        where ? el("span", { class: "where", title: t("cell"), text: where }) : null,
        p.item ? el("span", { class: "item", title: t("item"), text: `[${p.item}] ` }) : null,
        el("span", { class: "message", text: p.message }));
      // the full question, unless the message already quotes it
      if (p.question && !p.message.includes(p.question)) row.append(el("p", { class: "question", text: `${t("question")}: ${p.question}` }));
      if (p.remedy) row.append(el("p", { class: "remedy", text: `${t("remedy")}: ${p.remedy}` }));
      return row;
    });
    groups.push(el("details", { class: "group", open: groups.length < 3 ? true : null, "data-cause": g.cause },
                   summary, ...list));
  }
  $("#findings-count").textContent = t("findingsCount", { shown, total });
  $("#findings").replaceChildren(...(groups.length ? groups : [el("p", { text: t("noFindings") })]));
}

// ------------------------------------------------------------------ downloads

function saveBytes(data, name, mime) {
  const blob = new Blob([data], { type: mime });
  // Kept for tests (browser downloads are not observable there) and harmless otherwise.
  let bin = "";
  for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
  window.lkePage.lastDownload = { name, mime, size: data.length, base64: btoa(bin) };
  document.body.dataset.lastDownload = name;
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

function stem(name) {
  return name.split("/").pop().replace(/\.(xlsx|xlsm)$/i, "");
}

async function download(kind) {
  const item = state.items.find((i) => i.id === state.selected);
  const text = $("#progress-text");
  const before = text.textContent;
  text.textContent = t("downloading");
  try {
    if (kind === "recap") {
      const keys = state.items.filter((i) => i.key).map((i) => i.key);
      const m = await ask({ type: "download", kind, keys, lang: state.lang });
      saveBytes(m.data, t("fileRecap"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    } else {
      const m = await ask({ type: "download", kind, key: item.key, lang: state.lang });
      const s = stem(item.name);
      if (kind === "annotated") saveBytes(m.data, t("fileAnnotated", { stem: s }),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      else if (kind === "report") saveBytes(m.data, t("fileReport", { stem: s }), "text/html");
      else saveBytes(m.data, `${s}.json`, "application/json");
    }
    text.textContent = before;
  } catch (err) {
    text.textContent = t("downloadFailed", { m: err.message || err });
  }
}

// ------------------------------------------------------------------ language

function applyLang(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((n) => {
    const text = t(n.dataset.i18n);
    if (text !== n.dataset.i18n) n.textContent = text;  // words not loaded: keep index.html's
  });
  $("#lang-id").setAttribute("aria-pressed", String(lang === "id"));
  $("#lang-en").setAttribute("aria-pressed", String(lang === "en"));
  if (state.engine === "ready") setEngine("ready", t("readyIn", { s: (state.readyMs / 1000).toFixed(1) }));
  // Messages and labels come from the library in the chosen language: ask again.
  Promise.all(state.items.filter((i) => i.key).map(async (item) => {
    const m = await ask({ type: "view", key: item.key, lang });
    item.view = JSON.parse(m.json);
    item.error = item.view.error;
  })).then(render, render);
  render();
}

// ------------------------------------------------------------------ wiring

async function init() {
  const drop = $("#drop");
  ["dragenter", "dragover"].forEach((ev) => drop.addEventListener(ev, (e) => {
    e.preventDefault();
    drop.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((ev) => drop.addEventListener(ev, () => drop.classList.remove("over")));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    const { list, folder } = await entriesFromDrop(e.dataTransfer);
    addFiles(list, folder);
  });
  // Dropping outside the box must not make the browser open the file instead.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("#file-input").click(); }
  });
  $("#file-input").addEventListener("change", (e) => { addFiles(entriesFromInput(e.target), false); e.target.value = ""; });
  $("#folder-input").addEventListener("change", (e) => { addFiles(entriesFromInput(e.target), true); e.target.value = ""; });
  $("#lang-id").addEventListener("click", () => applyLang("id"));
  $("#lang-en").addEventListener("click", () => applyLang("en"));
  $("#dl-annotated").addEventListener("click", () => download("annotated"));
  $("#dl-report").addEventListener("click", () => download("report"));
  $("#dl-json").addEventListener("click", () => download("json"));
  $("#dl-recap").addEventListener("click", () => download("recap"));
  $("#filter-severity").addEventListener("change", () => renderDetail());
  $("#filter-area").addEventListener("change", () => renderDetail());
  document.querySelectorAll("#recap-table th button").forEach((b) => b.addEventListener("click", () => {
    const k = b.dataset.sort;
    state.sort = { key: k, dir: state.sort.key === k ? -state.sort.dir : 1 };
    renderRecap();
  }));
  // Indonesian first; ?lang=en opens the page in English.
  await messagesLoaded;
  applyLang(new URLSearchParams(location.search).get("lang") === "en" ? "en" : "id");
  if ("serviceWorker" in navigator && location.protocol !== "file:") {
    // Offline after the first visit: the service worker keeps every file of the site.
    navigator.serviceWorker.register("sw.js").catch(() => {});
  }
}

init();
