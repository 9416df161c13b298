// Client page: signed Binance-style requests from the browser, and one's own proof checked here.
"use strict";
(() => {
  const S = window.seawall;
  const $ = (id) => document.getElementById(id);
  let cred = null;

  async function signed(method, path, params = {}) {
    const query = new URLSearchParams({ ...params, timestamp: String(Date.now()), recvWindow: "10000" }).toString();
    const signature = await S.hmacHex(cred.secret, query);
    const response = await fetch(`${path}?${query}&signature=${signature}`, { method, headers: { "X-MBX-APIKEY": cred.key } });
    const text = await response.text();
    let body;
    try { body = JSON.parse(text); } catch { body = text; }
    if (!response.ok) throw new Error((body && (body.msg || body.error)) || `HTTP ${response.status}`);
    return body;
  }

  async function refresh() {
    const account = await signed("GET", "/api/v3/account");
    S.fillTable($("balances"), account.balances.filter((b) => +b.free || +b.locked).map((b) => [b.asset, b.free, b.locked]));
    const open = await signed("GET", "/api/v3/openOrders");
    $("open-orders").replaceChildren(...open.map((o) => {
      const cancel = S.el("button", { type: "button", "aria-label": `cancel order ${o.orderId}`, text: "Cancel" });
      cancel.addEventListener("click", async () => {
        try { await signed("DELETE", "/api/v3/order", { symbol: o.symbol, orderId: String(o.orderId) }); } catch (err) { $("order-result").textContent = err.message; }
        await refresh();
      });
      return S.el("tr", { "data-order-id": String(o.orderId) }, ...[o.orderId, o.symbol, o.side, o.price, o.origQty, o.executedQty].map((c) => S.el("td", { text: String(c) })), S.el("td", {}, cancel));
    }));
    const trades = await signed("GET", "/api/v3/myTrades", { symbol: $("o-symbol").value });
    S.fillTable($("my-trades"), trades.map((t) => [new Date(t.time).toISOString().slice(0, 19), t.symbol, t.isBuyer ? "buy" : "sell", t.price, t.qty]));
  }

  async function login(event) {
    event.preventDefault();
    cred = { key: $("api-key").value.trim(), secret: $("api-secret").value.trim() };
    try {
      await refresh();
      S.setStatus($("login-state"), true, "signed in");
    } catch (err) {
      cred = null;
      S.setStatus($("login-state"), false, `sign-in failed: ${err.message}`);
    }
  }

  async function placeOrder(event) {
    event.preventDefault();
    if (!cred) { S.setStatus($("order-result"), false, "sign in first"); return; }
    try {
      const order = await signed("POST", "/api/v3/order", {
        symbol: $("o-symbol").value, side: $("o-side").value, type: "LIMIT", timeInForce: "GTC",
        price: $("o-price").value.trim(), quantity: $("o-qty").value.trim(),
      });
      S.setStatus($("order-result"), true, `order ${order.orderId} ${order.status}`);
    } catch (err) {
      S.setStatus($("order-result"), false, `refused: ${err.message}`);
    }
    await refresh();
  }

  let snapshots = [];
  async function checkProof(event) {
    event.preventDefault();
    const out = $("proof-result");
    if (!cred) { S.setStatus(out, false, "sign in first"); return; }
    try {
      const snap = snapshots.find((s) => s.snapshot === $("p-snapshot").value);
      const proof = await signed("GET", "/web/api/por/proof", { snapshot: snap.snapshot });
      const result = await S.verifyLiabilitiesProof(proof, snap.root);
      const balances = proof.account.balances.map((b, i) => `${proof.assets[i].code} ${S.minorToText(b, proof.assets[i].decimals)}`).filter((t) => !/ 0$/.test(t));
      S.setStatus(out, result.ok, result.ok ? `VERIFIED: ${result.message}. Your balances: ${balances.join(", ")}` : `FAILED: ${result.message}`);
      const link = $("proof-download");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(proof, null, 1)], { type: "application/json" }));
      link.hidden = false;
    } catch (err) {
      S.setStatus(out, false, `FAILED: ${err.message}`);
    }
  }

  async function main() {
    const info = await S.getJson("/api/v3/exchangeInfo");
    for (const s of info.symbols.map((x) => x.symbol).sort()) $("o-symbol").append(S.el("option", { value: s, text: s }));
    $("o-symbol").value = "BTCUSD";
    snapshots = await S.getJson("/web/api/por/snapshots");
    $("p-snapshot").replaceChildren(...snapshots.slice().reverse().map((s) => S.el("option", { value: s.snapshot, text: s.snapshot })));
    $("login").addEventListener("submit", login);
    $("order-form").addEventListener("submit", placeOrder);
    $("proof-form").addEventListener("submit", checkProof);
    $("o-symbol").addEventListener("change", () => cred && refresh());
    document.body.dataset.ready = "1";
  }
  main();
})();
