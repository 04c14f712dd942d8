// The playground page: reads the controls, starts a session on the server, draws the frames it
// streams (server-sent events). No library, no request leaves 127.0.0.1.
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  const palette = [[224, 123, 36], [47, 111, 214], [40, 160, 90], [170, 60, 190], [200, 50, 60]];
  const fields = ["dataset", "points", "noise", "dataSeed", "testShare", "preprocess", "output", "init", "seed", "optimizer", "learningRate", "batchSize", "precision", "l2", "dropout"];
  const numeric = new Set(["points", "noise", "dataSeed", "testShare", "seed", "learningRate", "batchSize", "l2", "dropout"]);
  const paces = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const paceText = p => p === 0 ? "max (as fast as it trains)" : p + (p === 1 ? " epoch/s" : " epochs/s");
  let options = null, session = null, source = null, activations = [], restartTimer = 0;

  function showError(message) {
    const box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }

  function fill(select, names) {
    select.replaceChildren(...names.map(n => { const o = document.createElement("option"); o.value = n; o.textContent = n; return o; }));
  }

  function addLayerRow(units, activation) {
    const row = document.createElement("div");
    row.className = "layer";
    const u = document.createElement("input");
    u.type = "number"; u.min = "1"; u.value = units; u.className = "units";
    const a = document.createElement("select");
    a.className = "activation";
    fill(a, activations);
    a.value = activation;
    row.append("units", u, a);
    $("layers").append(row);
  }

  function setForm(settings) {
    for (const f of fields) $(f).value = settings[f];
    $("layers").replaceChildren();
    for (const l of settings.layers) addLayerRow(l.units, l.activation);
  }

  function readForm() {
    const s = {};
    for (const f of fields) s[f] = numeric.has(f) ? Number($(f).value) : $(f).value;
    s.pace = Number($("pace").value); // not a restart when changed: see setPace
    s.layers = [...document.querySelectorAll("#layers .layer")].map(r => ({ units: Number(r.querySelector(".units").value), activation: r.querySelector(".activation").value }));
    return s;
  }

  async function post(path) {
    const r = await fetch(path, { method: "POST" });
    if (!r.ok) { const e = await r.json().catch(() => ({ error: r.statusText })); showError(e.error); return null; }
    return r.status === 204 ? {} : r.json();
  }

  // Ends the session: the DELETE goes out before the event stream closes, because the server also ends a
  // session whose stream closed, and a DELETE that arrived second would find no session (a 404 in the console).
  function stop() {
    if (session) { fetch("/api/sessions/" + session.id, { method: "DELETE" }).catch(() => {}); session = null; }
    if (source) { source.close(); source = null; }
  }

  async function start() {
    stop();
    document.body.dataset.epoch = "";
    const r = await fetch("/api/sessions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(readForm()) });
    const body = await r.json().catch(() => ({ error: "The server answered " + r.status + "." }));
    if (!r.ok) { showError(body.error); $("status").textContent = "not started: fix the setting above"; return; }
    showError("");
    session = body;
    $("gradcheckResult").replaceChildren();
    $("code").value = body.code;
    const dl = $("explain");
    dl.replaceChildren();
    for (const e of body.explain) {
      const dt = document.createElement("dt"); dt.textContent = e.title;
      const dd = document.createElement("dd"); dd.textContent = e.formula + " ";
      const src = document.createElement("span"); src.className = "src"; src.textContent = "(" + e.source + ")";
      dd.append(src); dl.append(dt, dd);
    }
    source = new EventSource("/api/sessions/" + body.id + "/events");
    source.onmessage = m => draw(JSON.parse(m.data));
    source.onerror = () => { if (source && source.readyState === EventSource.CLOSED) $("status").textContent = "the server ended this session: reload the page"; };
  }

  // The pace changes the running session in place: the run goes on (network, optimiser state, loss curves kept).
  function setPace() {
    const p = Number($("pace").value);
    $("paceShown").textContent = paceText(p);
    if (session) post("/api/sessions/" + session.id + "/pace?epochsPerSecond=" + (p === 0 ? "max" : p));
  }

  function restartSoon() { clearTimeout(restartTimer); restartTimer = setTimeout(start, 250); }

  function draw(frame) {
    const last = frame.trainLoss.length - 1;
    const pct = v => (100 * v).toFixed(1) + "%";
    const fmt = v => typeof v === "number" ? v.toPrecision(4) : String(v);
    let text = `epoch ${frame.epoch} of at most ${frame.maxEpochs} ${frame.playing ? "▶ training at " + paceText(frame.pace) : "❚❚ paused"} · train loss ${fmt(frame.trainLoss[last])} (${pct(frame.trainAccuracy)})`;
    if (frame.testAccuracy !== null) text += ` · test loss ${fmt(frame.testLoss[last])} (${pct(frame.testAccuracy)})`;
    $("status").textContent = text;
    // Why training stopped by itself (the epoch cap, NaN, divergence): a line of its own, never silent.
    $("notice").textContent = frame.message || "";
    $("notice").hidden = !frame.message;
    document.body.dataset.epoch = frame.epoch;
    document.body.dataset.trainLoss = frame.trainLoss[last];
    document.body.dataset.playing = frame.playing;
    document.body.dataset.pace = frame.pace;
    document.body.dataset.capReached = frame.capReached;
    drawBoundary(frame.boundary);
    drawLoss(frame);
    drawLayers(frame.layers);
  }

  function drawBoundary(b) {
    const canvas = $("boundary"), ctx = canvas.getContext("2d");
    const k = session.points.classCount;
    const image = ctx.createImageData(b.size, b.size);
    for (let i = 0; i < b.classes.length; i++) {
      const c = palette[b.classes[i] % palette.length];
      const strength = Math.max(0, Math.min(1, (b.confidence[i] - 1 / k) / (1 - 1 / k)));
      const t = 0.25 + 0.55 * strength;
      for (let j = 0; j < 3; j++) image.data[4 * i + j] = Math.round(255 + (c[j] - 255) * t);
      image.data[4 * i + 3] = 255;
    }
    const small = document.createElement("canvas");
    small.width = small.height = b.size;
    small.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
    const sx = x => (x - b.xMin) / (b.xMax - b.xMin) * canvas.width;
    const sy = y => (b.yMax - y) / (b.yMax - b.yMin) * canvas.height;
    const dot = (p, test) => {
      const c = palette[p[2] % palette.length];
      ctx.beginPath();
      ctx.arc(sx(p[0]), sy(p[1]), 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      ctx.fill();
      ctx.lineWidth = test ? 1.6 : 0.8;
      ctx.strokeStyle = test ? "#111" : "#fff";
      ctx.stroke();
    };
    for (const p of session.points.train) dot(p, false);
    for (const p of session.points.test) dot(p, true);
  }

  function drawLoss(frame) {
    const canvas = $("loss"), ctx = canvas.getContext("2d");
    // The curves' data as drawn (thinned to at most 400 points), for anyone who wants the numbers.
    canvas.dataset.epochs = JSON.stringify(frame.epochs);
    canvas.dataset.trainLoss = JSON.stringify(frame.trainLoss);
    canvas.dataset.testLoss = JSON.stringify(frame.testLoss);
    const w = canvas.width, h = canvas.height, left = 44, bottom = 20;
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, w, h);
    const all = frame.trainLoss.concat(frame.testLoss).filter(Number.isFinite);
    if (all.length === 0) return;
    const top = Math.max(...all) * 1.05 || 1, maxEpoch = Math.max(1, frame.epochs[frame.epochs.length - 1]);
    const px = e => left + (w - left - 8) * e / maxEpoch, py = v => 6 + (h - bottom - 6) * (1 - v / top);
    ctx.strokeStyle = "#c8cdd8"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(left, 6); ctx.lineTo(left, h - bottom); ctx.lineTo(w - 8, h - bottom); ctx.stroke();
    ctx.fillStyle = "#55607a"; ctx.font = "11px sans-serif";
    ctx.fillText(top.toPrecision(3), 2, 14); ctx.fillText("0", 30, h - bottom); ctx.fillText("epoch " + maxEpoch, w - 70, h - 4);
    const line = (values, colour) => {
      if (values.length === 0) return;
      ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.beginPath();
      values.forEach((v, i) => { const x = px(frame.epochs[i]), y = py(Number.isFinite(v) ? v : top); i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
      ctx.stroke();
    };
    line(frame.trainLoss, "#2f6fd6");
    line(frame.testLoss, "#e07b24");
  }

  function drawLayers(layers) {
    const box = $("layerStats");
    const maxNorm = Math.max(...layers.map(l => l.gradientNorm), 1e-12);
    box.replaceChildren(...layers.map(l => {
      const row = document.createElement("div"); row.className = "layerStat";
      const info = document.createElement("div");
      info.textContent = `${l.name}: mean ${l.mean.toPrecision(3)}, std ${l.standardDeviation.toPrecision(3)}, range [${l.min.toPrecision(3)}, ${l.max.toPrecision(3)}]; ‖∂J/∂W‖ ${l.gradientNorm.toExponential(2)}`;
      const bar = document.createElement("div"); bar.className = "bar"; bar.style.width = (100 * l.gradientNorm / maxNorm) + "%";
      info.append(bar);
      const c = document.createElement("canvas"); c.width = 160; c.height = 44;
      const ctx = c.getContext("2d"), most = Math.max(...l.counts, 1), bw = c.width / l.counts.length;
      ctx.fillStyle = "#2f6fd6";
      l.counts.forEach((n, i) => { const bh = (c.height - 2) * n / most; ctx.fillRect(i * bw, c.height - bh, bw - 1, bh); });
      row.append(info, c);
      return row;
    }));
  }

  async function gradientCheck() {
    if (!session) return;
    $("gradcheckResult").textContent = "checking…";
    const r = await post("/api/sessions/" + session.id + "/gradient-check");
    if (!r) { $("gradcheckResult").textContent = ""; return; }
    const table = document.createElement("table");
    table.innerHTML = "<tr><th>parameter</th><th>max relative error</th><th></th></tr>";
    for (const l of r.lines) {
      const tr = document.createElement("tr");
      tr.innerHTML = `<td></td><td class="err"></td><td class="${l.passed ? "pass" : "fail"}">${l.passed ? "✓" : "✗"}</td>`;
      tr.children[0].textContent = l.parameter;
      tr.children[1].textContent = l.maxRelativeError.toExponential(2);
      tr.children[1].dataset.error = l.maxRelativeError;
      table.append(tr);
    }
    const note = document.createElement("p"); note.className = "legend";
    const kinks = r.lines.reduce((s, l) => s + l.excludedAtKinks, 0);
    note.textContent = `backprop against central differences at epoch ${r.epoch}, ${r.rows} training rows; pass below ${r.threshold}` +
      (kinks > 0 ? `; ${kinks} entries left out: their ±h step crosses a ReLU kink, where a central difference estimates no derivative.` : ".");
    $("gradcheckResult").replaceChildren(table, note);
  }

  async function copyCode() {
    if (!session) return;
    const r = await fetch("/api/sessions/" + session.id + "/code");
    if (!r.ok) { showError((await r.json().catch(() => ({ error: r.statusText }))).error); return; }
    const code = await r.text();
    $("code").value = code;
    try { await navigator.clipboard.writeText(code); } catch { /* no clipboard permission: the text is in the box */ }
  }

  async function init() {
    options = await (await fetch("/api/options")).json();
    activations = options.activations;
    fill($("dataset"), options.dataSets); fill($("preprocess"), options.preprocessings); fill($("output"), options.outputs);
    fill($("init"), options.initializers); fill($("optimizer"), options.optimizers); fill($("precision"), options.precisions);
    setForm(options.defaults);
    $("pace").replaceChildren(...paces.filter(p => p <= options.limits.maxPace).concat([0]).map(p => {
      const o = document.createElement("option"); o.value = p; o.textContent = p === 0 ? "max" : String(p); return o;
    }));
    $("pace").value = options.defaults.pace;
    $("paceShown").textContent = paceText(options.defaults.pace);
    $("pace").onchange = setPace;
    for (const p of options.presets) {
      const b = document.createElement("button"); b.type = "button"; b.textContent = p.title; b.dataset.preset = p.id;
      b.onclick = () => { setForm(p.settings); $("lesson").textContent = p.lesson; start(); };
      $("presets").append(b);
    }
    $("controls").addEventListener("change", restartSoon);
    $("addLayer").onclick = () => { addLayerRow(8, "relu"); restartSoon(); };
    $("removeLayer").onclick = () => { const rows = document.querySelectorAll("#layers .layer"); if (rows.length) { rows[rows.length - 1].remove(); restartSoon(); } };
    for (const c of ["play", "pause", "step", "reset"]) $(c).onclick = () => session && post("/api/sessions/" + session.id + "/" + c);
    $("gradcheck").onclick = gradientCheck;
    $("copy").onclick = copyCode;
    window.addEventListener("pagehide", stop);
    await start();
  }

  init();
})();
