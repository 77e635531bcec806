/**
 * The status page `node-runit web` serves: the ls table, live over server-sent events, each
 * service's recent log lines, and up/down/restart buttons. One self-contained document (no
 * build step, nothing fetched from elsewhere), so it works offline and under a strict CSP.
 */
export const WEB_PAGE = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>node-runit</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #ddd; vertical-align: top; }
  th { background: #f4f4f4; }
  .state-run { color: #1a7f37; font-weight: 600; }
  .state-down, .state-error, .loop { color: #cf222e; font-weight: 600; }
  .state-finish { color: #9a6700; }
  .state-unsupervised { color: #888; }
  pre.logs { margin: 0; font-size: 12px; color: #444; white-space: pre-wrap; max-height: 8em; overflow: auto; }
  #status { color: #888; margin-left: 1em; font-size: 12px; }
  button { margin-right: 4px; }
</style>
</head>
<body>
<h1>node-runit <span id="status">connecting…</span></h1>
<p id="token-note" hidden>Read-only: open the address node-runit printed (it carries the token) to use the buttons.</p>
<table>
  <thead><tr><th>name</th><th>state</th><th>pid</th><th>uptime</th><th>restarts</th><th>last exit</th><th>cpu</th><th>mem</th><th></th><th>recent log</th></tr></thead>
  <tbody id="services"></tbody>
</table>
<script>
"use strict";
const token = new URLSearchParams(location.hash.slice(1)).get("token") || sessionStorage.getItem("node-runit-token") || "";
if (token) sessionStorage.setItem("node-runit-token", token);
if (location.hash) history.replaceState(null, "", location.pathname);
document.getElementById("token-note").hidden = token !== "";
const duration = (s) => s < 60 ? s + "s" : s < 3600 ? Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s" : Math.floor(s / 3600) + "h" + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + "m";
const bytes = (n) => n < 1024 ? n + "B" : n < 1048576 ? (n / 1024).toFixed(1) + "K" : (n / 1048576).toFixed(1) + "M";
const COLUMNS = ["name", "state", "pid", "uptime", "restarts", "exit", "cpu", "mem", "actions", "log"];
async function control(service, action) {
  const response = await fetch("/api/control", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer " + token },
    body: JSON.stringify({ service, action }),
  });
  if (!response.ok) document.getElementById("status").textContent = action + " " + service + ": " + response.status;
}
/** A row per service, made once and then updated in place, so a button is never swapped under a click. */
function rowFor(body, name) {
  const existing = body.querySelector("tr[data-service=\"" + CSS.escape(name) + "\"]");
  if (existing) return existing;
  const row = document.createElement("tr");
  row.dataset.service = name;
  for (const column of COLUMNS) {
    const td = document.createElement("td");
    td.className = column;
    row.appendChild(td);
  }
  for (const action of ["up", "down", "restart"]) {
    const button = document.createElement("button");
    button.textContent = action;
    button.dataset.action = action;
    button.disabled = token === "";
    button.addEventListener("click", () => control(name, action));
    row.querySelector("td.actions").appendChild(button);
  }
  const pre = document.createElement("pre");
  pre.className = "logs";
  row.querySelector("td.log").appendChild(pre);
  return row;
}
function render(views) {
  const body = document.getElementById("services");
  const keep = new Set();
  for (const v of views) {
    const row = rowFor(body, v.name);
    keep.add(row);
    const set = (column, text) => (row.querySelector("td." + column).textContent = text);
    const loop = v.stats && v.stats.isCrashLoop;
    set("name", v.name);
    set("state", v.state + (loop ? ", crash loop" : "") + (v.state === "run" && v.want === "down" ? ", want down" : ""));
    row.querySelector("td.state").className = "state state-" + v.state + (loop ? " loop" : "");
    set("pid", v.pid > 0 ? String(v.pid) : "-");
    set("uptime", v.state === "unsupervised" ? "-" : duration(v.uptime));
    set("restarts", v.stats ? String(v.stats.restarts) : "-");
    const exit = v.stats && v.stats.lastExit;
    set("exit", exit ? (exit.code === null ? "signal " + exit.signal : "exit " + exit.code) : "-");
    set("cpu", v.cpuSeconds === undefined ? "-" : v.cpuSeconds.toFixed(2) + "s");
    set("mem", v.memoryBytes === undefined ? "-" : bytes(v.memoryBytes));
    row.querySelector("pre.logs").textContent = v.logs && v.logs.length ? v.logs.join("\n") : (v.logNote || "");
    body.appendChild(row); // in the listing's order
  }
  for (const row of [...body.children]) if (!keep.has(row)) row.remove();
}
const source = new EventSource("/api/events");
source.addEventListener("services", (event) => {
  render(JSON.parse(event.data));
  document.getElementById("status").textContent = "live, " + new Date().toLocaleTimeString();
});
source.addEventListener("error", () => (document.getElementById("status").textContent = "reconnecting…"));
</script>
</body>
</html>
`;
