// Regulator console: every action is a command the market journals with submitter "regulator":
// warrants, halts, and the case desk (open a case on surveillance alerts, read its file, assign,
// escalate, note, close). Refusals come back as journaled rejections with their stable codes.
"use strict";
(() => {
  const S = window.seawall;
  const $ = (id) => document.getElementById(id);
  let token = "";
  let desk = { alerts: [], cases: [] }; // surveillance's alerts and the case queue
  let current = null; // the case file on screen
  const selected = new Set(); // alert ids ticked for a new case
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
    desk = o.surveillance;
    renderDesk();
  }

  // --- case desk ---
  const analyst = () => $("analyst").value.trim();
  const short = (value) => { const text = typeof value === "string" ? value : JSON.stringify(value); return text.length > 80 ? `${text.slice(0, 79)}…` : text; };
  function renderDesk() {
    $("s-alerts").replaceChildren(...desk.alerts.slice().reverse().map((a) => {
      const box = S.el("input", { type: "checkbox", value: a.alert_id, "aria-label": `select alert ${a.alert_id}` });
      box.checked = selected.has(a.alert_id);
      box.addEventListener("change", () => { if (box.checked) selected.add(a.alert_id); else selected.delete(a.alert_id); });
      const cells = [a.alert_id, a.seq, time(a.timestamp_ns), a.alert_type, `${a.detector} v${a.detector_version}`, a.symbol || "–", a.subjects.join(" "), short(a.evidence), a.cases.join(", ") || "–"];
      return S.el("tr", {}, S.el("td", {}, box), ...cells.map((c) => S.el("td", { text: String(c) })));
    }));
    const filter = $("case-filter").value;
    const rows = desk.cases.filter((c) => !filter || c.status === filter);
    $("cases").replaceChildren(...rows.map((c) => {
      const button = S.el("button", { type: "button", "aria-label": `review case ${c.case_id}`, text: "Review" });
      button.addEventListener("click", () => review(c.case_id));
      const row = S.el("tr", current && current.case_id === c.case_id ? { "aria-current": "true" } : {},
        ...[c.case_id, c.status, c.assignee, c.alerts, c.opened_seq, c.last_seq, c.outcome || "–"].map((v) => S.el("td", { text: String(v) })),
        S.el("td", {}, button));
      return row;
    }));
    $("queue-result").textContent = `${rows.length} of ${desk.cases.length} cases`;
  }
  function showCase(file) {
    current = file;
    $("case-title").textContent = `Case file ${file.case_id}: ${file.status}`;
    const facts = [
      ["status", file.status], ["led by", file.assignee], ["opened by", `${file.investigator} at seq ${file.opened_seq}`],
      ["alerts", file.alert_ids.join(", ")], ["subjects", file.subjects.join(" ")],
      ["escalated", file.escalation ? `at seq ${file.escalation.seq}: ${file.escalation.reason}` : "no"],
      ["shared with", file.shared_with.join(", ") || "nobody"], ["warrants", file.warrants.map((w) => `${w.warrant_id} (${w.subject})`).join(", ") || "none"],
      ["outcome", file.outcome ? `${file.outcome}: ${file.close_reason}` : "open"],
    ];
    $("case-summary").replaceChildren(...facts.flatMap(([k, v]) => [S.el("dt", { text: k }), S.el("dd", { text: String(v) })]));
    $("case-history").replaceChildren(...file.history.map((h) => S.el("tr", {},
      S.el("td", { text: String(h.seq) }), S.el("td", { text: time(h.timestamp_ns) }), S.el("td", { text: h.kind }),
      S.el("td", { text: h.actor || "–" }), S.el("td", { class: "wrap", text: h.detail }))));
    $("case-controls").disabled = file.status === "closed";
    renderDesk();
  }
  function needAnalyst(node) {
    if (analyst()) return true;
    S.setStatus(node, false, "enter your name as analyst first: it is journaled with what you do");
    $("analyst").focus();
    return false;
  }
  async function review(caseId) {
    if (!needAnalyst($("case-result"))) return;
    try {
      const result = await post("/web/api/regulator/case/read", { case_id: caseId, analyst: analyst() });
      report($("case-result"), result, `read of ${caseId}`);
      if (result.accepted) { showCase(result.case); $("case-title").focus(); }
      await refresh();
    } catch (err) { S.setStatus($("case-result"), false, err.message); }
  }
  async function openCase(event) {
    event.preventDefault();
    const out = $("open-result");
    if (!needAnalyst(out)) return;
    if (!selected.size) { S.setStatus(out, false, "select one or more alerts first"); return; }
    try {
      const result = await post("/web/api/regulator/case/open", { alert_ids: [...selected], analyst: analyst(), reason: $("open-reason").value.trim() });
      report(out, result, `case ${result.case_id}`);
      if (result.accepted) { selected.clear(); $("open-reason").value = ""; showCase(result.case); }
      await refresh();
    } catch (err) { S.setStatus(out, false, err.message); }
  }
  async function act(event, action, body, clear) {
    event.preventDefault();
    const out = $("case-result");
    if (!current) { S.setStatus(out, false, "review a case first"); return; }
    try {
      const result = await post(`/web/api/regulator/case/${action}`, { case_id: current.case_id, ...body });
      report(out, result, `${action} ${current.case_id}`);
      if (result.accepted) { clear.forEach((id) => { $(id).value = ""; }); showCase(result.case); }
      await refresh();
    } catch (err) { S.setStatus(out, false, err.message); }
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
  $("open-form").addEventListener("submit", openCase);
  $("case-filter").addEventListener("change", renderDesk);
  $("assign-form").addEventListener("submit", (e) => act(e, "assign", { analyst: $("assign-analyst").value.trim(), reason: $("assign-reason").value.trim() }, ["assign-analyst", "assign-reason"]));
  $("escalate-form").addEventListener("submit", (e) => act(e, "escalate", { reason: $("escalate-reason").value.trim() }, ["escalate-reason"]));
  $("note-form").addEventListener("submit", (e) => {
    if (needAnalyst($("case-result"))) act(e, "note", { analyst: analyst(), note: $("note-text").value.trim() }, ["note-text"]);
    else e.preventDefault();
  });
  $("close-form").addEventListener("submit", (e) => act(e, "close", { outcome: $("close-outcome").value, reason: $("close-reason").value.trim() }, ["close-reason"]));
  document.body.dataset.ready = "1";
})();
