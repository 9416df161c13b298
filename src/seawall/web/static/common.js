// Seawall pages: shared helpers. Every proof is checked here, in the browser, with WebCrypto
// SHA-256 and Ed25519; nothing the server says about a proof's validity is trusted.
"use strict";

const enc = new TextEncoder();

function hexToBytes(hex) {
  if (hex.length % 2) throw new Error("odd hex length");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const v = parseInt(hex.substr(i * 2, 2), 16);
    if (Number.isNaN(v)) throw new Error("bad hex");
    out[i] = v;
  }
  return out;
}
function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
function b64ToBytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function concat(...parts) {
  const size = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

// RFC 6962 hashing: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right).
const rfc6962 = {
  leafHash: (entry) => sha256(concat(new Uint8Array([0]), entry)),
  nodeHash: (left, right) => sha256(concat(new Uint8Array([1]), left, right)),
};

const lsb = (n) => n % 2 === 1;
const half = (n) => Math.floor(n / 2);

// RFC 9162 section 2.1.3.2: verify an inclusion proof of leafHash at index in a tree of size
// with the given root. Returns true or false.
async function verifyInclusion(index, size, leafHash, proof, root) {
  if (!(index >= 0 && index < size)) return false;
  let fn = index, sn = size - 1, r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = await rfc6962.nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      }
    } else {
      r = await rfc6962.nodeHash(r, p);
    }
    fn = half(fn); sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
}

// RFC 9162 section 2.1.4.2: verify a consistency proof between (size1, root1) and (size2, root2).
async function verifyConsistency(size1, size2, proof, root1, root2) {
  if (!(size1 > 0 && size1 <= size2)) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (proof.length === 0) return false;
  let path = proof.slice();
  if ((size1 & (size1 - 1)) === 0) path = [root1, ...path];
  let fn = size1 - 1, sn = size2 - 1;
  while (lsb(fn)) { fn = half(fn); sn = half(sn); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = await rfc6962.nodeHash(c, fr);
      sr = await rfc6962.nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      }
    } else {
      sr = await rfc6962.nodeHash(sr, c);
    }
    fn = half(fn); sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}

// A C2SP checkpoint note: origin, size, base64 root, then signature lines after a blank line.
function parseCheckpoint(text) {
  const [body, sigs = ""] = text.split("\n\n");
  const lines = body.split("\n");
  if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Error("malformed checkpoint");
  const root = b64ToBytes(lines[2]);
  if (root.length !== 32) throw new Error("root is not 32 bytes");
  const signers = sigs.split("\n").filter((l) => l.startsWith("\u2014 ")).map((l) => l.slice(2).split(" ")[0]);
  return { origin: lines[0], size: Number(lines[1]), root, signers };
}

// C2SP signed notes (c2sp.org/signed-note) and checkpoint cosignatures (c2sp.org/tlog-cosignature),
// checked with WebCrypto Ed25519, as seawall.transparency.note and .checkpoint define them.
const NOTE = { ED25519: 0x01, COSIGNATURE_V1: 0x04, SIG_PREFIX: "\u2014 " };

// A verifier key "<name>+<8 hex key ID>+<base64(type || public key)>": split on the first two
// "+" only (base64 may hold "+"); the key ID must be SHA-256(name || 0x0A || type || key)[:4].
async function parseVerifierKey(vkey) {
  const first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1);
  if (first <= 0 || second < 0) throw new Error(`not a verifier key: ${vkey}`);
  const name = vkey.slice(0, first), hexId = vkey.slice(first + 1, second);
  if (!/^[0-9a-fA-F]{8}$/.test(hexId)) throw new Error(`key ID of ${name} is not 8 hex digits`);
  const material = b64ToBytes(vkey.slice(second + 1));
  const keyId = (await sha256(concat(enc.encode(name), new Uint8Array([0x0a]), material))).slice(0, 4);
  if (!equalBytes(keyId, hexToBytes(hexId))) throw new Error(`key ID of ${name} does not match its key`);
  const type = material[0];
  if (type !== NOTE.ED25519 && type !== NOTE.COSIGNATURE_V1) throw new Error(`${name}: unsupported signature type ${type}`);
  if (material.length !== 33) throw new Error(`${name}: an Ed25519 key is 32 bytes`);
  return { name, keyId, type, publicKey: material.slice(1), vkey };
}

// A signed note: its text (ending in a newline) and signature lines after the last blank line.
function parseNote(noteText) {
  if (!noteText.endsWith("\n")) throw new Error("a signed note ends in a newline");
  const split = noteText.lastIndexOf("\n\n");
  if (split < 0) throw new Error("the note has no signature lines");
  const text = noteText.slice(0, split + 1);
  const signatures = noteText.slice(split + 2, -1).split("\n").map((line) => {
    if (!line.startsWith(NOTE.SIG_PREFIX)) throw new Error(`not a signature line: ${line}`);
    const parts = line.slice(NOTE.SIG_PREFIX.length).split(" ");
    if (parts.length !== 2 || !parts[0]) throw new Error(`malformed signature line: ${line}`);
    const raw = b64ToBytes(parts[1]);
    if (raw.length < 5) throw new Error(`signature of ${parts[0]} is too short`);
    return { name: parts[0], keyId: raw.slice(0, 4), signature: raw.slice(4) };
  });
  return { text, signatures };
}

async function ed25519Verify(publicKey, signature, message) {
  const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
}

// One signature by a known key: plain Ed25519 over the note text (type 0x01), or a
// cosignature/v1 (type 0x04): an 8-byte big-endian timestamp, then Ed25519 over
// "cosignature/v1\ntime <timestamp>\n" || the checkpoint text.
async function verifyNoteSignature(key, text, signature) {
  const body = enc.encode(text);
  if (key.type === NOTE.ED25519) {
    return { ok: signature.length === 64 && await ed25519Verify(key.publicKey, signature, body) };
  }
  if (signature.length !== 72) return { ok: false };
  const timestamp = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  if (timestamp > (1n << 63n) - 1n) return { ok: false, timestamp };
  const message = concat(enc.encode(`cosignature/v1\ntime ${timestamp}\n`), body);
  return { ok: await ed25519Verify(key.publicKey, signature.slice(8), message), timestamp };
}

// Check a signed checkpoint against verifier keys (the log's first, then the witnesses').
// Returns {ok, message, signers: [{name, role, keyIdHex, status, timestamp?}], checkpoint}.
// As C2SP's open rules: a known key whose signature fails rejects the note; a note without a
// verified signature by the log's key is rejected; signatures by unknown keys are listed, not
// trusted; a witness that did not cosign is reported, and does not reject the note.
async function verifyCheckpointNote(noteText, vkeys) {
  const signers = [];
  try {
    const keys = [];
    for (const vkey of vkeys) keys.push(await parseVerifierKey(vkey));
    if (!keys.length || keys[0].type !== NOTE.ED25519) throw new Error("the first verifier key must be the log's Ed25519 key");
    const note = parseNote(noteText);
    const checkpoint = parseCheckpoint(note.text);
    const used = new Set();
    let failed = false;
    for (const [i, key] of keys.entries()) {
      const role = i === 0 ? "log" : "witness";
      const keyIdHex = bytesToHex(key.keyId);
      const index = note.signatures.findIndex((s) => s.name === key.name && equalBytes(s.keyId, key.keyId));
      if (index < 0) { signers.push({ name: key.name, role, keyIdHex, status: "not signed" }); continue; }
      used.add(index);
      const result = await verifyNoteSignature(key, note.text, note.signatures[index].signature);
      failed ||= !result.ok;
      signers.push({ name: key.name, role, keyIdHex, status: result.ok ? "verified" : "FAILED", timestamp: result.timestamp });
    }
    const known = (s) => keys.some((k) => k.name === s.name && equalBytes(k.keyId, s.keyId));
    note.signatures.forEach((s, i) => {
      // A repeated signature by a known key counts once (the first); an unknown key's is listed.
      if (!used.has(i) && !known(s)) signers.push({ name: s.name, role: "unknown key", keyIdHex: bytesToHex(s.keyId), status: "not checked" });
    });
    const logSigned = signers[0].status === "verified";
    const ok = logSigned && !failed;
    const cosigned = signers.filter((s) => s.role === "witness" && s.status === "verified").length;
    const message = ok
      ? `VERIFIED: checkpoint of size ${checkpoint.size} signed by ${keys[0].name}, cosigned by ${cosigned} of ${keys.length - 1} witnesses`
      : `FAILED: ${failed ? "a signature does not verify: the checkpoint was changed or forged" : `no valid signature by the log's key ${keys[0].name}`}`;
    return { ok, message, signers, checkpoint };
  } catch (err) {
    return { ok: false, message: `FAILED: ${err.message || err}`, signers, checkpoint: null };
  }
}

// Proof of liabilities (seawall.reserves.format): Merkle sum tree, 128-bit signed big-endian
// balances, salted account commitments, root commitment bound to snapshot id and assets.
const POR = { ACCOUNT_TAG: enc.encode("seawall.por.account.v1\0"), ROOT_TAG: enc.encode("seawall.por.root.v1\0") };
const BAL_MAX = (1n << 127n) - 1n;
function balanceBytes(values) {
  const out = new Uint8Array(16 * values.length);
  values.forEach((v, i) => {
    let x = v < 0n ? v + (1n << 128n) : v;
    for (let j = 15; j >= 0; j--) { out[i * 16 + j] = Number(x & 0xffn); x >>= 8n; }
  });
  return out;
}
function uint(n, width) {
  const out = new Uint8Array(width);
  let x = BigInt(n);
  for (let j = width - 1; j >= 0; j--) { out[j] = Number(x & 0xffn); x >>= 8n; }
  return out;
}
// Returns {ok, message}. publishedRoot (hex) comes from the published snapshot, not the proof.
async function verifyLiabilitiesProof(proof, publishedRoot) {
  try {
    const assets = proof.assets;
    const big = (list) => list.map((s) => BigInt(s));
    const inRange = (vals, where) => {
      vals.forEach((v, i) => {
        if (v < 0n) throw new Error(`${where} has a negative ${assets[i].code} balance`);
        if (v > BAL_MAX) throw new Error(`${where} is out of range`);
      });
    };
    const account = big(proof.account.balances);
    const totals = big(proof.tree_root.balances);
    inRange(account, "the account"); inRange(totals, "the tree root");
    const sums = assets.map(() => 0n);
    const nonce = hexToBytes(proof.account.nonce);
    const treeRoot = hexToBytes(proof.tree_root.hash);
    for (const leaf of proof.leaves) {
      let current = big(leaf.balances);
      inRange(current, `leaf ${leaf.index}`);
      current.forEach((v, i) => { sums[i] += v; });
      const commitment = await sha256(concat(POR.ACCOUNT_TAG, nonce, uint(leaf.part, 4), enc.encode(proof.account.id)));
      let h = await sha256(concat(new Uint8Array([0]), commitment, balanceBytes(current)));
      let position = leaf.index;
      for (const step of leaf.path) {
        const sib = big(step.balances);
        inRange(sib, "a sibling");
        const sibHash = hexToBytes(step.hash);
        h = position % 2 === 1
          ? await sha256(concat(new Uint8Array([1]), sibHash, balanceBytes(sib), h, balanceBytes(current)))
          : await sha256(concat(new Uint8Array([1]), h, balanceBytes(current), sibHash, balanceBytes(sib)));
        current = current.map((v, i) => v + sib[i]);
        position = Math.floor(position / 2);
      }
      if (!equalBytes(h, treeRoot) || current.some((v, i) => v !== totals[i])) {
        throw new Error(`the path from leaf ${leaf.index} does not lead to the tree root: the proof was changed`);
      }
    }
    if (sums.some((v, i) => v !== account[i])) throw new Error("the leaves do not add up to the account's balances");
    const ident = enc.encode(proof.snapshot);
    const parts = [new Uint8Array([2]), POR.ROOT_TAG, uint(ident.length, 2), ident, uint(proof.leaf_count, 8), uint(assets.length, 2)];
    for (const a of assets) { const code = enc.encode(a.code); parts.push(uint(code.length, 1), code, uint(a.decimals, 1)); }
    parts.push(treeRoot, balanceBytes(totals));
    const root = bytesToHex(await sha256(concat(...parts)));
    if (root !== proof.root) throw new Error("the tree root and snapshot do not commit to the proof's root");
    if (publishedRoot && root !== publishedRoot) throw new Error(`the proof leads to ${root}, the published root is ${publishedRoot}`);
    return { ok: true, message: `included in snapshot ${proof.snapshot} with root ${root.slice(0, 16)}…; no negative balance on the path` };
  } catch (err) {
    return { ok: false, message: String(err.message || err) };
  }
}

// Binance-style HMAC-SHA256 signing of a query string.
async function hmacHex(secret, message) {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return bytesToHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(message))));
}

async function getJson(url, options) {
  const response = await fetch(url, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || body.msg || `HTTP ${response.status}`);
  return body;
}

// Minor units / decimal strings for display.
function minorToText(minor, decimals) {
  const v = BigInt(minor);
  const neg = v < 0n; const abs = neg ? -v : v;
  const s = abs.toString().padStart(decimals + 1, "0");
  const whole = decimals ? s.slice(0, -decimals) : s;
  const frac = decimals ? "." + s.slice(-decimals).replace(/0+$/, "") : "";
  return (neg ? "-" : "") + whole + (frac === "." ? "" : frac);
}
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}
function fillTable(tbody, rows) {
  tbody.replaceChildren(...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", { text: String(c) })))));
}
function setStatus(node, ok, text) {
  node.textContent = text;
  node.className = ok ? "ok" : "fail";
}

window.seawall = {
  hexToBytes, bytesToHex, b64ToBytes, sha256, rfc6962, verifyInclusion, verifyConsistency,
  parseCheckpoint, parseVerifierKey, parseNote, verifyCheckpointNote, verifyLiabilitiesProof,
  hmacHex, getJson, minorToText, el, fillTable, setStatus,
};
