// Regulator console: every action is a command the market journals with submitter "regulator".
"use strict";
(() => {
  const S = window.seawall;
  const $ = (id) => document.getElementById(id);
  let token = "";
  const headers = () => ({ "X-Seawall-Console-Token": token, "Content-Type": "application/json" });
  const post = (path, body) => S.getJson(path, { method: "POST", headers: headers(), body: JSON.stringify(body) });
  const time = (ns) => new Date(Number(BigInt(ns) / 1000000n)).toISOString().slice(0, 19);

  async function refresh() {
    const o = await S.getJson("/web/api/regulator/overview", { headers: headers() });
    $("alert-summary").textContent = Object.entries(o.alert_counts).map(([k, v]) => `${k}: ${v}`).join(", ") || "no alerts";
    S.fillTable($("alerts"), o.alerts.slice().reverse().map((a) => [a.seq, time(a.timestamp_ns), a.source, a.code, a.detail]));
    S.fillTable($("breaks"), o.breaks.slice().reverse().map((b) => [b.cycle, b.kind, b.broker_id, b.account_id, b.asset, b.difference_minor, b.detail]));
    S.fillTable($("licences"), o.licences.map((l) => [l.institution_id, l.role, l.status, l.granted_seq, l.changed_seq]));
    S.fillTable($("warrants"), o.warrants.slice().reverse().map((w) => [w.warrant_id, w.account_id, w.officer, w.reason, w.seq, w.disclosed ? `${w.disclosed.full_name} (${w.disclosed.document_type} ${w.disclosed.document_number}, ${w.disclosed.nationality})` : "not disclosed"]));
    $("halted").textContent = o.halted.map((m) => `${m.symbol} (${m.reason})`).join(", ") || "none";
  }
  async function open(event) {
    event.preventDefault();
    token = $("token").value;
    try { await refresh(); S.setStatus($("token-state"), true, "console open"); } catch (err) { S.setStatus($("token-state"), false, err.message); }
  }
  function report(node, result, what) {
    if (result.accepted) S.setStatus(node, true, `${what}: journaled at seq ${result.seq}`);
    else S.setStatus(node, false, `${what} refused: ${result.rejection.name}: ${result.rejection.message}`);
  }
  async function warrant(event) {
    event.preventDefault();
    const reason = $("w-reason").value.trim();
    if (!reason) { S.setStatus($("warrant-result"), false, "a warrant needs a reason"); return; }
    try {
      const result = await post("/web/api/regulator/warrant", { account_id: $("w-account").value.trim(), officer: $("w-officer").value.trim(), reason });
      report($("warrant-result"), result, `warrant ${result.warrant_id}`);
      if (result.accepted && result.warrant && result.warrant.disclosed) {
        $("warrant-result").textContent += `; identity: ${result.warrant.disclosed.full_name}`;
      }
      await refresh();
    } catch (err) { S.setStatus($("warrant-result"), false, err.message); }
  }
  async function halt(resume) {
    try {
      const result = await post(`/web/api/regulator/${resume ? "resume" : "halt"}`, { symbol: $("h-symbol").value.trim(), reason: $("h-reason").value.trim() });
      report($("halt-result"), result, resume ? "resume" : "halt");
      await refresh();
    } catch (err) { S.setStatus($("halt-result"), false, err.message); }
  }
  $("token-form").addEventListener("submit", open);
  $("warrant-form").addEventListener("submit", warrant);
  $("halt-form").addEventListener("submit", (e) => { e.preventDefault(); halt(false); });
  $("h-resume").addEventListener("click", () => halt(true));
  document.body.dataset.ready = "1";
})();
