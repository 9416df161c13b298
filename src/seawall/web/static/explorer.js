// Public explorer: markets (REST + WebSocket streams), charts, the log (checkpoint signatures,
// inclusion and consistency proofs, all checked in the browser), reserves.
"use strict";
(() => {
  const S = window.seawall;
  const $ = (id) => document.getElementById(id);
  const STRIP = ["BTCUSD", "ETHUSD", "BCHUSD", "LTCUSD", "DOGEUSD", "BSVUSD"];
  const tickers = {};

  function renderStrip() {
    $("ticker").replaceChildren(...STRIP.map((s) => {
      const t = tickers[s] || {};
      const change = Number(t.change || 0);
      return S.el("div", { id: `tick-${s}` },
        S.el("b", { text: s.replace("USD", "") }), " ",
        S.el("span", { text: t.price || "–" }), " ",
        S.el("span", { class: change >= 0 ? "up" : "down", text: `${change >= 0 ? "+" : ""}${t.change || "0"}%` }),
        S.el("div", { class: "muted", text: `vol ${t.volume || "0"}` }));
    }));
  }
  function renderMarkets() {
    const rows = Object.keys(tickers).sort().map((s) => {
      const t = tickers[s];
      return [s, t.price, `${t.change}%`, t.volume, t.quoteVolume];
    });
    S.fillTable($("markets"), rows);
  }
  async function loadTickers() {
    const all = await S.getJson("/api/v3/ticker/24hr");
    for (const t of all) {
      tickers[t.symbol] = { price: t.lastPrice, change: t.priceChangePercent, volume: t.volume, quoteVolume: t.quoteVolume };
    }
    const select = $("symbol");
    if (!select.options.length) {
      for (const s of Object.keys(tickers).sort()) select.append(S.el("option", { value: s, text: s }));
      select.value = "BTCUSD";
    }
    renderStrip(); renderMarkets();
  }
  function connectStreams() {
    const names = Object.keys(tickers).map((s) => `${s.toLowerCase()}@ticker`).join("/");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/stream?streams=${names}`);
    ws.onopen = () => { $("ws-state").textContent = "streams: live"; };
    ws.onclose = () => { $("ws-state").textContent = "streams: closed"; };
    ws.onmessage = (message) => {
      const { data } = JSON.parse(message.data);
      if (!data || data.e !== "24hrTicker") return;
      tickers[data.s] = { price: data.c, change: data.P, volume: data.v, quoteVolume: data.q };
      renderStrip(); renderMarkets();
      if (data.s === $("symbol").value) loadMarket();
    };
  }

  let candleChart, candleSeries, volumeSeries;
  function makeCharts() {
    const LWC = window.LightweightCharts;
    const opts = { layout: { background: { color: "#182029" }, textColor: "#c9d1d9" }, grid: { vertLines: { color: "#26313c" }, horzLines: { color: "#26313c" } }, autoSize: true, timeScale: { timeVisible: true } };
    candleChart = LWC.createChart($("candles"), opts);
    candleSeries = candleChart.addCandlestickSeries();
    volumeSeries = candleChart.addHistogramSeries({ priceScaleId: "", priceFormat: { type: "volume" } });
    volumeSeries.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    return opts;
  }
  async function loadMarket() {
    const symbol = $("symbol").value;
    const [klines, depth, trades] = await Promise.all([
      S.getJson(`/api/v3/klines?symbol=${symbol}&interval=${$("interval").value}&limit=200`),
      S.getJson(`/api/v3/depth?symbol=${symbol}&limit=10`),
      S.getJson(`/api/v3/trades?symbol=${symbol}&limit=20`),
    ]);
    candleSeries.setData(klines.map((k) => ({ time: Math.floor(k[0] / 1000), open: +k[1], high: +k[2], low: +k[3], close: +k[4] })));
    volumeSeries.setData(klines.map((k) => ({ time: Math.floor(k[0] / 1000), value: +k[5], color: +k[4] >= +k[1] ? "#26a69a88" : "#ef535088" })));
    const rows = [];
    const side = (levels, name) => {
      let cum = 0;
      return levels.map(([p, q]) => { cum += +q; return [name, p, q, cum]; });
    };
    const asks = side(depth.asks, "ask").reverse();
    const bids = side(depth.bids, "bid");
    const most = Math.max(1e-12, ...asks.map((r) => r[3]), ...bids.map((r) => r[3]));
    for (const r of [...asks, ...bids]) {
      const bar = S.el("span", { class: `bar ${r[0]}`, style: `width:${Math.round((r[3] / most) * 80)}px` });
      rows.push(S.el("tr", {}, S.el("td", { text: r[0] }), S.el("td", { text: r[1] }), S.el("td", { text: r[2] }), S.el("td", {}, bar, ` ${r[3].toPrecision(6)}`)));
    }
    $("depth").replaceChildren(...rows);
    S.fillTable($("trades"), trades.slice().reverse().map((t) => [new Date(t.time).toISOString().slice(11, 19), t.price, t.qty, t.isBuyerMaker ? "sell" : "buy"]));
  }

  let checkpoints = [];
  let latestNote = "";
  const verifierKeys = () => $("log-keys").value.split("\n").map((l) => l.trim()).filter(Boolean);
  // The checkpoint a proof is checked against must carry a valid signature by the log's key
  // (and no failed cosignature) under the keys in the form.
  async function checkSignatures(noteText) {
    const result = await S.verifyCheckpointNote(noteText, verifierKeys());
    S.setStatus($("log-sig-result"), result.ok, result.message);
    $("log-sig-table").replaceChildren(...result.signers.map((s) => S.el("tr", {},
      S.el("td", { text: s.name }), S.el("td", { text: s.role }), S.el("td", { text: s.keyIdHex }),
      S.el("td", { class: s.status === "verified" ? "ok" : s.status === "FAILED" ? "fail" : "muted", text: s.status }),
      S.el("td", { text: s.timestamp === undefined ? "" : new Date(Number(s.timestamp) * 1000).toISOString().slice(0, 19) }))));
    return result;
  }
  async function checkLatest(event) {
    if (event) event.preventDefault();
    const status = await S.getJson("/web/api/log/status");
    if (!status.published) return;
    latestNote = status.checkpoint;
    await checkSignatures(latestNote);
  }
  async function loadLog() {
    const status = await S.getJson("/web/api/log/status");
    if (!status.published) { $("log-size").textContent = "not published yet"; return; }
    latestNote = status.checkpoint;
    const cp = S.parseCheckpoint(status.checkpoint);
    $("log-size").textContent = String(cp.size);
    $("log-root").textContent = S.bytesToHex(cp.root).slice(0, 16) + "…";
    $("log-signers").textContent = cp.signers.join(", ");
    $("log-checkpoint").textContent = status.checkpoint;
    checkpoints = (await S.getJson("/web/api/log/checkpoints")).map((row) => ({ ...S.parseCheckpoint(row.checkpoint), note: row.checkpoint }));
    for (const id of ["cons-old", "cons-new"]) {
      $(id).replaceChildren(...checkpoints.map((c, i) => S.el("option", { value: String(i), text: `size ${c.size}` })));
    }
    $("cons-old").value = "0";
    $("cons-new").value = String(checkpoints.length - 1);
    $("log-keys").value = (await S.getJson("/web/api/log/keys")).keys.join("\n");
    await checkSignatures(latestNote);
  }
  async function checkEntry(event) {
    event.preventDefault();
    const out = $("entry-result");
    out.textContent = "checking…"; out.className = "";
    try {
      // The root comes from the signed checkpoint the browser parses itself.
      const status = await S.getJson("/web/api/log/status");
      const signed = await checkSignatures(status.checkpoint);
      if (!signed.ok) throw new Error("the checkpoint's signatures do not verify; no proof against it can be trusted");
      const cp = signed.checkpoint;
      const index = Number($("entry-index").value);
      const got = await S.getJson(`/web/api/log/entry/${index}`);
      const entry = S.b64ToBytes(got.entry_b64);
      const leaf = await S.rfc6962.leafHash(entry);
      const proof = got.proof_hex.map(S.hexToBytes);
      const ok = got.tree_size === cp.size && await S.verifyInclusion(index, cp.size, leaf, proof, cp.root);
      S.setStatus(out, ok, ok
        ? `VERIFIED: entry ${index} (leaf ${S.bytesToHex(leaf).slice(0, 16)}…) is in the tree of size ${cp.size}`
        : `FAILED: the proof does not lead to the checkpoint's root; do not trust this entry`);
      $("entry-body").textContent = JSON.stringify(got.decoded, null, 1);
    } catch (err) {
      S.setStatus(out, false, `FAILED: ${err.message}`);
    }
  }
  async function checkConsistency(event) {
    event.preventDefault();
    const out = $("cons-result");
    try {
      const a = checkpoints[Number($("cons-old").value)], b = checkpoints[Number($("cons-new").value)];
      const [older, newer] = a.size <= b.size ? [a, b] : [b, a];
      for (const cp of [older, newer]) {
        const signed = await S.verifyCheckpointNote(cp.note, verifierKeys());
        if (!signed.ok) throw new Error(`checkpoint of size ${cp.size}: ${signed.message}`);
      }
      const got = await S.getJson(`/web/api/log/consistency?from=${older.size}&to=${newer.size}`);
      const ok = await S.verifyConsistency(older.size, newer.size, got.proof_hex.map(S.hexToBytes), older.root, newer.root);
      S.setStatus(out, ok, ok ? `CONSISTENT: the tree of size ${newer.size} extends the tree of size ${older.size}` : "FAILED: the two checkpoints are not consistent");
    } catch (err) {
      S.setStatus(out, false, `FAILED: ${err.message}`);
    }
  }

  async function loadReserves(chartOpts) {
    const snaps = await S.getJson("/web/api/por/snapshots");
    if (!snaps.length) { $("por-latest").textContent = "none yet"; return; }
    const last = snaps[snaps.length - 1];
    const decimals = Object.fromEntries(last.assets.map((a) => [a.code, a.decimals]));
    $("por-latest").textContent = `${last.snapshot} (${last.status})`;
    S.fillTable($("por-ratios"), last.coverage.map((c) => [c.asset, S.minorToText(c.liabilities_minor, decimals[c.asset] || 0), S.minorToText(c.reserves_minor, decimals[c.asset] || 0), `${(c.ratio_bps / 100).toFixed(2)} %`]));
    const chart = window.LightweightCharts.createChart($("por-history"), { ...chartOpts, height: 200 });
    const colours = ["#4aa3ff", "#26a69a", "#f5a623", "#ef5350", "#ab47bc", "#8bc34a", "#ffeb3b", "#90a4ae"];
    last.coverage.forEach((c, i) => {
      const series = chart.addLineSeries({ color: colours[i % colours.length], title: c.asset, lineWidth: 2 });
      const points = new Map();
      for (const snap of snaps) {
        const row = snap.coverage.find((r) => r.asset === c.asset);
        if (row) points.set(Math.floor(snap.timestamp_ns / 1e9), row.ratio_bps / 100);
      }
      series.setData([...points.entries()].sort((x, y) => x[0] - y[0]).map(([time, value]) => ({ time, value })));
    });
  }
  async function loadSummary() {
    const summary = await S.getJson("/web/api/summary");
    $("alerts-total").textContent = String(summary.alerts);
    $("breaks-total").textContent = String(summary.breaks);
    $("cycles").textContent = String(summary.reconciliation_cycles);
    $("halted").textContent = summary.halted.join(", ") || "none";
    S.fillTable($("alert-counts"), Object.entries(summary.alert_counts));
  }

  async function main() {
    const opts = makeCharts();
    await loadTickers();
    connectStreams();
    $("symbol").addEventListener("change", loadMarket);
    $("interval").addEventListener("change", loadMarket);
    $("entry-form").addEventListener("submit", checkEntry);
    $("cons-form").addEventListener("submit", checkConsistency);
    $("keys-form").addEventListener("submit", checkLatest);
    await Promise.all([loadMarket(), loadLog(), loadReserves(opts), loadSummary()]);
    document.body.dataset.ready = "1";
  }
  main();
})();
