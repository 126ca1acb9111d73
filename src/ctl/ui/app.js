// SPDX-License-Identifier: BSD-3-Clause
// The live view: GET /ui/topology every second, its SVG (laid out by
// graphviz in spp-ctl) swapped in without reloading the page; a click on a
// node shows the counters spp-ctl sent with it.
"use strict";

const PERIOD_MS = 1000;
let selected = null;
let details = {};

function showDetails() {
  const box = document.getElementById("details");
  const d = selected && details[selected];
  if (!d) {
    return;
  }
  const table = document.createElement("table");
  for (const [name, value, rate] of d.rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = name;
    const v = tr.insertCell();
    v.textContent = value;
    v.className = "num";
    const r = tr.insertCell();
    r.textContent = rate;
    r.className = "num";
  }
  const h = document.createElement("h2");
  h.textContent = d.title;
  box.replaceChildren(h, table);
}

function select(id) {
  selected = id;
  for (const el of document.querySelectorAll("#graph .selected")) {
    el.classList.remove("selected");
  }
  const el = document.getElementById(id);
  if (el) {
    el.classList.add("selected");
  }
  showDetails();
}

function draw(topo) {
  const graph = document.getElementById("graph");
  graph.innerHTML = topo.svg;
  details = topo.details;
  for (const el of graph.querySelectorAll("g.node, g.edge")) {
    // graphviz gives each element the id spp-ctl set, as the details' key
    if (details[el.id]) {
      el.addEventListener("click", () => select(el.id));
    }
  }
  if (selected) {
    select(selected);
  }
  const state = document.getElementById("state");
  state.className = "";
  state.textContent = topo.processes + " processes, updated " +
    new Date().toLocaleTimeString() +
    (topo.rates_over ? ", rates over " + topo.rates_over.toFixed(1) + " s"
                     : ", rates from the next update");
}

async function refresh() {
  try {
    const r = await fetch("/ui/topology", {cache: "no-store"});
    const body = await r.json();
    if (!r.ok) {
      throw new Error(body.error || r.statusText);
    }
    draw(body);
  } catch (e) {
    const state = document.getElementById("state");
    state.className = "error";
    state.textContent = "spp-ctl does not answer: " + e.message;
  }
  setTimeout(refresh, PERIOD_MS);
}

refresh();
