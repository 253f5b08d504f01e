/* dangjian view page: draws the view's data with vis-network (inlined), and adds the legend with
   filters by type and by severity, the findings panel (filter by rule, the communities with no
   organization in one click), the search box (name, id, pinyin; exact names first), the details
   panel, a sortable table of what is shown (CSV made in the page), print and PNG. Every name is
   data: it is only ever set with textContent or handed to vis-network as a string (drawn on the
   canvas, or shown with innerText in tooltips), never parsed as HTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("dj-data").textContent);
  var T = DATA.text, S = DATA.S;
  var sevLabel = {}, sevRank = {};
  DATA.severities.forEach(function (s, i) { sevLabel[s.severity] = s.label; sevRank[s.severity] = i; });
  var NO_ORG = "community-without-org";
  // expand the compact form written by dangjian.viz.page (repeated strings are numbers into S)
  DATA.nodes = DATA.nodes.map(function (c) {
    var g = DATA.legend[c.g], name = c.n !== undefined ? c.n : c.l;
    return { id: c.id, label: c.l, name: name, group: g.group, shape: g.shape, type: S[c.t], size: c.z,
             color: c.c, x: c.x, y: c.y, fx: c.fx, fy: c.fy, path: c.p !== undefined ? S[c.p] : "", up: c.u,
             facts: (c.k || []).map(function (f) { return [S[f[0]], f[1]]; }),
             findings: (c.f || []).map(function (f) {
               // an action is a number into S with the node's name cut out (as "\u0000"), or text
               var action = typeof f[3] === "number" ? S[f[3]].split("\u0000").join(name) : f[3];
               return [f[0], sevLabel[f[0]] || f[0], S[f[1]], S[f[2]], action, S[f[4]]];
             }),
             inside: (c.i || []).map(function (f) { return [f[0], S[f[1]], S[f[2]], f[3]]; }),
             q: (String(c.id) + " " + name + " " + (c.q || "")).toLowerCase().replace(/\s+/g, ""),
             plain: String(name).toLowerCase().replace(/\s+/g, "") };
  });
  DATA.edges = DATA.edges.map(function (e) { return { from: e[0], to: e[1], title: S[e[2]], dashes: e[3] === 1 }; });
  var byId = new Map(), kids = new Map();
  DATA.nodes.forEach(function (n) { byId.set(n.id, n); });
  DATA.nodes.forEach(function (n) {
    if (n.up !== undefined && byId.has(n.up) && n.up !== n.id) {
      if (!kids.has(n.up)) kids.set(n.up, []);
      kids.get(n.up).push(n.id);
    }
  });
  // -- folding: a big view opens with the levels below DATA.fold folded into their parents -------
  var depthOf = new Map();
  function depth(n) {
    var chain = [], x = n, d;
    while (x && !depthOf.has(x.id) && chain.length < 64) { chain.push(x); x = byId.get(x.up); if (chain.indexOf(x) >= 0) x = null; }
    d = x && depthOf.has(x.id) ? depthOf.get(x.id) : -1;
    for (var i = chain.length - 1; i >= 0; i--) { d += 1; depthOf.set(chain[i].id, d); }
    return depthOf.get(n.id);
  }
  var below = new Map();  // id -> how many nodes lie below it
  function countBelow(id) {
    if (below.has(id)) return below.get(id);
    below.set(id, 0);
    var k = 0;
    (kids.get(id) || []).forEach(function (c) { k += 1 + countBelow(c); });
    below.set(id, k);
    return k;
  }
  function openingFolds() {
    var f = new Set();
    if (DATA.fold === null || DATA.fold === undefined) return f;
    DATA.nodes.forEach(function (n) { if (depth(n) === DATA.fold && kids.has(n.id)) f.add(n.id); });
    return f;
  }
  var folded = openingFolds(), unfolded = false;
  function opening() { return folded.size > 0 && !unfolded && !findingFilter(); }
  function foldedLabel(n) { return folded.has(n.id) ? n.label + " ▸" + countBelow(n.id) : n.label; }
  var worstBelowOf = new Map();  // id -> the worst severity rank of the findings at or below it (9: none)
  function worstBelow(id) {
    if (worstBelowOf.has(id)) return worstBelowOf.get(id);
    worstBelowOf.set(id, 9);
    var n = byId.get(id), w = 9;
    n.findings.forEach(function (f) { w = Math.min(w, sevRank[f[0]]); });
    (kids.get(id) || []).forEach(function (c) { w = Math.min(w, worstBelow(c)); });
    worstBelowOf.set(id, w);
    return w;
  }
  function colourOf(n, plain) {  // a folded node takes the colour of the worst finding it folds
    var w = folded.has(n.id) && !plain ? worstBelow(n.id) : 9;
    var c = w < 9 ? DATA.severities[w].color : n.color;
    return { background: c, border: c, highlight: { background: c, border: "#222" }, hover: { background: c, border: "#222" } };
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fill(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) { return k in params ? String(params[k]) : m; });
  }
  function byText(id, key) { document.getElementById(id).textContent = T[key]; }

  function tooltip(n) {
    var lines = [n.name, n.type];
    if (n.path) lines.push(n.path);
    if (n.findings.length) lines.push(T.findings + ": " + n.findings.length);
    return lines.join("\n");
  }

  var layoutOpen = folded.size > 0;  // the nodes sit where the opening layout put them
  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var atOpen = layoutOpen && n.fx !== undefined;
    return { id: n.id, label: foldedLabel(n), x: atOpen ? n.fx : n.x, y: atOpen ? n.fy : n.y, shape: n.shape, size: n.size,
             hidden: layoutOpen && underFold(n),
             color: colourOf(n),
             title: tooltip(n), kind: n.group };
  }));
  var edges = new vis.DataSet(DATA.edges.map(function (e, i) {
    return { id: i, from: e.from, to: e.to, title: e.title, dashes: !!e.dashes };
  }));
  var big = DATA.nodes.length > 3000;
  var network = new vis.Network(document.getElementById("dj-net"), { nodes: nodes, edges: edges }, {
    physics: false,
    layout: { improvedLayout: false },
    nodes: { font: { size: 13, face: "sans-serif" }, borderWidth: 1 },
    edges: { smooth: false, color: { color: "#b9b9b9", highlight: "#a61b1b" }, width: 1,
             arrows: { to: { enabled: false } } },
    interaction: { hover: !big, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big }
  });

  // -- what is shown: types, severities, one rule ----------------------------------------------
  var hiddenKinds = new Set(), sevOn = new Set(Object.keys(sevLabel)), rule = null;
  var shown = new Set(DATA.nodes.filter(function (n) { return !(folded.size && underFold(n)); }).map(function (n) { return n.id; }));
  var labelled = new Map();  // id -> the label drawn now
  DATA.nodes.forEach(function (n) { if (folded.has(n.id)) labelled.set(n.id, foldedLabel(n)); });
  var countsBox = document.getElementById("dj-counts");

  function findingFilter() { return rule !== null || sevOn.size < DATA.severities.length; }
  function matches(n) {
    return n.findings.some(function (f) { return sevOn.has(f[0]) && (rule === null || f[5] === rule); });
  }
  function underFold(n) {
    for (var x = byId.get(n.up), guard = 0; x && guard < 64; x = byId.get(x.up), guard++) {
      if (folded.has(x.id)) return true;
    }
    return false;
  }
  function visibleSet() {
    var keep = new Set();
    if (!findingFilter()) {  // folds count when no finding filter is on (a filter shows what it names)
      DATA.nodes.forEach(function (n) { if (!hiddenKinds.has(n.group) && !(folded.size && underFold(n))) keep.add(n.id); });
      return keep;
    }
    DATA.nodes.forEach(function (n) {  // a node the filter names, and the tree above it (its community ...)
      if (hiddenKinds.has(n.group) || !matches(n)) return;
      for (var x = n, guard = 0; x && !keep.has(x.id) && guard < 64; x = byId.get(x.up), guard++) {
        if (!hiddenKinds.has(x.group)) keep.add(x.id);
      }
    });
    return keep;
  }
  function countEdges(keep) {
    var k = 0;
    DATA.edges.forEach(function (e) { if (keep.has(e.from) && keep.has(e.to)) k++; });
    return k;
  }
  function showCounts() {
    var total = DATA.counts.nodes, all = shown.size === total;
    countsBox.textContent = all
      ? T.nodes + " " + total + " · " + T.edges + " " + DATA.counts.edges
      : T.shown + " " + T.nodes + " " + shown.size + "/" + total + " · " + T.edges + " " + countEdges(shown) + "/" +
        DATA.counts.edges;
  }
  function apply() {
    var keep = visibleSet(), updates = [], open = opening(), moved = open !== layoutOpen;
    layoutOpen = open;
    DATA.nodes.forEach(function (n) {
      var was = shown.has(n.id), now = keep.has(n.id), u = null;
      if (was !== now) u = { id: n.id, hidden: !now };
      var label = findingFilter() ? n.label : foldedLabel(n);
      if ((labelled.has(n.id) ? labelled.get(n.id) : n.label) !== label) {
        u = u || { id: n.id }; u.label = label; labelled.set(n.id, label); u.color = colourOf(n, findingFilter());
      }
      if (moved) {
        var atOpen = open && n.fx !== undefined;
        u = u || { id: n.id }; u.x = atOpen ? n.fx : n.x; u.y = atOpen ? n.fy : n.y;
      }
      if (u) updates.push(u);
    });
    shown = keep;
    if (updates.length) nodes.update(updates);
    showCounts();
    markRules();
    if (!tableBox.hidden) drawTable();
  }

  // -- legend: types and severities ------------------------------------------------------------
  var legend = document.getElementById("dj-legend");
  legend.querySelector("h2").textContent = T.legend;
  DATA.legend.forEach(function (item) {
    var li = el("li");
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.dataset.group = item.group;
    box.addEventListener("change", function () {
      if (box.checked) hiddenKinds.delete(item.group); else hiddenKinds.add(item.group);
      apply();
    });
    var sw = el("span", "dj-swatch " + item.shape);
    sw.style.background = item.color;
    li.appendChild(box); li.appendChild(sw); li.appendChild(el("span", null, item.label));
    legend.querySelector("ul").appendChild(li);
  });
  byText("dj-severity-title", "severityTitle");
  var sev = document.getElementById("dj-severity");
  DATA.severities.forEach(function (s) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.dataset.severity = s.severity;
    box.addEventListener("change", function () {
      if (box.checked) sevOn.add(s.severity); else sevOn.delete(s.severity);
      apply();
    });
    var sw = el("span", "dj-swatch"); sw.style.background = s.color;
    label.appendChild(box); label.appendChild(sw); label.appendChild(document.createTextNode(" " + s.label));
    sev.appendChild(label);
  });
  if (DATA.kind === "overview") {
    var note = document.getElementById("dj-colour-note");
    note.textContent = T.colourNote; note.hidden = false;
  }

  // -- the findings panel: rules with counts ---------------------------------------------------
  var rules = new Map();  // rule -> {title, severity, entities}
  DATA.nodes.forEach(function (n) {
    var seen = new Set();
    n.findings.forEach(function (f) {
      if (seen.has(f[5])) return;
      seen.add(f[5]);
      var r = rules.get(f[5]);
      if (!r) { r = { title: f[2], severity: f[0], n: 0 }; rules.set(f[5], r); }
      r.n++;
    });
  });
  var rulePanel = document.getElementById("dj-rules");
  rulePanel.querySelector("h2").textContent = T.rulesTitle;
  var ruleList = rulePanel.querySelector("ul");
  Array.from(rules.entries())
    .sort(function (a, b) { return (sevRank[a[1].severity] - sevRank[b[1].severity]) || (b[1].n - a[1].n); })
    .forEach(function (entry) {
      var li = el("li"), button = el("button", "dj-rule " + entry[1].severity);
      button.type = "button"; button.dataset.rule = entry[0];
      button.appendChild(el("span", null, entry[1].title));
      button.appendChild(el("span", "dj-n", entry[1].n));
      button.addEventListener("click", function () { rule = rule === entry[0] ? null : entry[0]; apply(); });
      li.appendChild(button);
      ruleList.appendChild(li);
    });
  var noOrg = document.getElementById("dj-no-org");
  noOrg.textContent = T.noOrg + " (" + (rules.has(NO_ORG) ? rules.get(NO_ORG).n : 0) + ")";
  noOrg.disabled = !rules.has(NO_ORG);
  noOrg.addEventListener("click", function () { rule = NO_ORG; sevOn = new Set(Object.keys(sevLabel)); syncBoxes(); apply(); });
  var allButton = document.getElementById("dj-all");
  allButton.textContent = T.all;
  allButton.addEventListener("click", function () { reset(false); });
  function markRules() {
    ruleList.querySelectorAll("button[data-rule]").forEach(function (b) {
      b.classList.toggle("active", b.dataset.rule === rule);
    });
    noOrg.classList.toggle("active", rule === NO_ORG);
  }
  function syncBoxes() {
    legend.querySelectorAll("input[data-group]").forEach(function (b) { b.checked = !hiddenKinds.has(b.dataset.group); });
    legend.querySelectorAll("input[data-severity]").forEach(function (b) { b.checked = sevOn.has(b.dataset.severity); });
  }
  function reset(fit) {
    hiddenKinds.clear(); sevOn = new Set(Object.keys(sevLabel)); rule = null;
    folded = openingFolds(); unfolded = false;
    syncBoxes(); apply();
    if (fit) network.fit({ animation: false });
  }

  // -- details panel ---------------------------------------------------------------------------
  var details = document.getElementById("dj-details");
  details.querySelector("h2").textContent = T.details;
  var body = document.getElementById("dj-details-body");
  body.appendChild(el("p", "dj-empty", T.clickHint));

  function showDetails(id) {
    var n = byId.get(id);
    if (!n) return;
    body.textContent = "";
    body.appendChild(el("div", "dj-name", n.name));
    body.appendChild(el("div", "dj-type", n.type));
    if (n.path) body.appendChild(el("div", "dj-path", n.path));
    if (n.facts.length) {
      var dl = el("dl");
      n.facts.forEach(function (f) { dl.appendChild(el("dt", null, f[0])); dl.appendChild(el("dd", null, f[1])); });
      body.appendChild(dl);
    }
    var h = el("h2", null, T.findings + " (" + n.findings.length + ")");
    body.appendChild(h);
    if (!n.findings.length) body.appendChild(el("p", "dj-empty", T.noFindings));
    n.findings.forEach(function (f) {
      var box = el("div", "dj-finding " + f[0]);
      box.appendChild(el("div", "dj-title", "[" + f[1] + "] " + f[2]));
      box.appendChild(el("div", "dj-action", f[4]));
      box.appendChild(el("div", "dj-cite", T.cite + ": " + f[3]));
      body.appendChild(box);
    });
    if (n.inside.length) {
      body.appendChild(el("h2", null, T.inside + " (" + n.inside.length + ")"));
      var ol = el("ul", "dj-inside");
      n.inside.forEach(function (f) {
        ol.appendChild(el("li", "dj-finding " + f[0], "[" + (sevLabel[f[0]] || f[0]) + "] " + f[2] + "：" + f[3]));
      });
      body.appendChild(ol);
    }
    body.dataset.node = id;
  }

  function toggleFold(id) {  // unfold one level (its children that have children stay folded), or fold again
    if (folded.has(id)) {
      folded.delete(id);
      (kids.get(id) || []).forEach(function (c) { if (kids.has(c)) folded.add(c); });
      unfolded = true;
    } else if (kids.has(id) && (unfolded || folded.size)) {
      folded.add(id);
    } else {
      return false;
    }
    apply();
    network.focus(id, { scale: Math.max(network.getScale(), 0.6), animation: false });
    return true;
  }
  network.on("click", function (params) {
    if (!params.nodes.length) return;
    showDetails(params.nodes[0]);
    if (!findingFilter()) toggleFold(params.nodes[0]);
  });

  // -- search: exact names first, then names, then ids and pinyin; the area path tells apart -------
  var input = document.getElementById("dj-search");
  var results = document.getElementById("dj-results");
  input.placeholder = T.search;
  var CAP = 20;
  function focus(id) {
    if (!shown.has(id)) {
      reset(false);
      var n = byId.get(id);
      for (var x = byId.get(n && n.up), guard = 0; x && guard < 64; x = byId.get(x.up), guard++) {
        if (folded.has(x.id)) { folded.delete(x.id); unfolded = true; }
      }
      if (unfolded) apply();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showDetails(id);
    results.textContent = "";
  }
  function search(q) {
    var hits = [];
    for (var i = 0; i < DATA.nodes.length; i++) {
      var n = DATA.nodes[i];
      if (hiddenKinds.has(n.group)) continue;  // folded nodes are found too: opening one unfolds the way to it
      var score = n.plain === q ? 0 : n.plain.indexOf(q) === 0 ? 1 : n.plain.indexOf(q) >= 0 ? 2 :
                  n.q.indexOf(q) >= 0 ? 3 : -1;
      if (score >= 0) hits.push([score, n.plain.length, i]);
    }
    hits.sort(function (a, b) { return (a[0] - b[0]) || (a[1] - b[1]) || (a[2] - b[2]); });
    return hits.map(function (h) { return h[2]; });
  }
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase().replace(/\s+/g, "");
    results.textContent = "";
    if (!q) return;
    var hits = search(q);
    if (!hits.length) { results.appendChild(el("li", "dj-empty", T.noMatch)); return; }
    hits.slice(0, CAP).forEach(function (i) {  // by position: ids may be numbers, dataset values are strings
      var n = DATA.nodes[i];
      var li = el("li", null, n.name);
      li.appendChild(el("small", null, n.type));
      if (n.path) li.appendChild(el("div", "dj-where", n.path));
      li.dataset.index = String(i);
      li.addEventListener("click", function () { focus(n.id); });
      results.appendChild(li);
    });
    if (hits.length > CAP) results.appendChild(el("li", "dj-empty dj-more", fill(T.more, { shown: CAP, n: hits.length })));
  });
  input.addEventListener("keydown", function (ev) {
    var first = results.querySelector("li[data-index]");
    if (ev.key === "Enter" && first) focus(DATA.nodes[Number(first.dataset.index)].id);
    if (ev.key === "Escape") { results.textContent = ""; }
  });

  // -- the table of what is shown, CSV, print, PNG ---------------------------------------------
  var tableBox = document.getElementById("dj-table-box");
  var mode = document.getElementById("dj-table-mode");
  [["entities", T.tableEntities], ["findings", T.tableFindings]].forEach(function (m) {
    var o = el("option", null, m[1]); o.value = m[0]; mode.appendChild(o);
  });
  var sortBy = { key: null, down: false };
  var TABLE_CAP = 2000;
  var COLUMNS = {
    entities: [["name", T.colName], ["type", T.colType], ["path", T.colPath], ["count", T.colCount], ["worst", T.colWorst]],
    findings: [["severity", T.colSeverity], ["title", T.colTitle], ["name", T.colName], ["path", T.colPath],
               ["action", T.colAction], ["cite", T.colCite]]
  };
  function tableRows() {
    var rows = [];
    DATA.nodes.forEach(function (n) {
      if (!shown.has(n.id)) return;
      if (mode.value === "entities") {
        if (findingFilter() && !matches(n)) return;  // the entities the filter names, not the tree above them
        var worst = n.findings.length ? n.findings[0] : null;
        rows.push({ name: n.name, type: n.type, path: n.path, count: n.findings.length,
                    worst: worst ? worst[1] : "", rank: worst ? sevRank[worst[0]] : 9 });
      } else {
        n.findings.forEach(function (f) {
          if (sevOn.has(f[0]) && (rule === null || f[5] === rule)) {
            rows.push({ severity: f[1], rank: sevRank[f[0]], title: f[2], name: n.name, path: n.path, action: f[4], cite: f[3] });
          }
        });
      }
    });
    if (sortBy.key) {
      var k = sortBy.key === "worst" || sortBy.key === "severity" ? "rank" : sortBy.key, sign = sortBy.down ? -1 : 1;
      rows.sort(function (a, b) {
        var x = a[k], y = b[k];
        return sign * (typeof x === "number" ? x - y : String(x).localeCompare(String(y), "zh"));
      });
    }
    return rows;
  }
  function drawTable() {
    var cols = COLUMNS[mode.value], rows = tableRows();
    var table = document.getElementById("dj-table");
    var head = table.querySelector("thead"), tbody = table.querySelector("tbody");
    head.textContent = ""; tbody.textContent = "";
    var tr = el("tr");
    cols.forEach(function (c) {
      var th = el("th", sortBy.key === c[0] ? (sortBy.down ? "dj-down" : "dj-up") : null, c[1]);
      th.dataset.key = c[0];
      th.addEventListener("click", function () {
        sortBy = { key: c[0], down: sortBy.key === c[0] ? !sortBy.down : false };
        drawTable();
      });
      tr.appendChild(th);
    });
    head.appendChild(tr);
    var frag = document.createDocumentFragment();
    rows.slice(0, TABLE_CAP).forEach(function (r) {
      var row = el("tr");
      cols.forEach(function (c) { row.appendChild(el("td", null, r[c[0]])); });
      frag.appendChild(row);
    });
    tbody.appendChild(frag);
    document.getElementById("dj-table-count").textContent = rows.length > TABLE_CAP
      ? fill(T.rowsCapped, { n: rows.length, shown: TABLE_CAP }) : fill(T.rows, { n: rows.length });
    return rows;
  }
  mode.addEventListener("change", function () { sortBy = { key: null, down: false }; drawTable(); });
  var toggle = document.getElementById("dj-table-toggle");
  toggle.addEventListener("click", function () {
    tableBox.hidden = !tableBox.hidden;
    toggle.classList.toggle("active", !tableBox.hidden);
    if (!tableBox.hidden) drawTable();
    network.redraw();
  });
  function safeCell(v) {  // a spreadsheet runs none of it as a formula
    var s = String(v === undefined || v === null ? "" : v);
    if (/^[\s\u3000]*[=+\-@\t\r＝＋－＠]/.test(s)) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function download(blob, name) {
    var a = el("a");
    a.href = URL.createObjectURL(blob); a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }
  function fileName(ext) { return String(DATA.title).replace(/[\\\/:*?"<>|\u0000-\u001f]/g, "_") + ext; }
  document.getElementById("dj-csv").addEventListener("click", function () {
    var cols = COLUMNS[mode.value], rows = tableRows();
    var lines = [cols.map(function (c) { return safeCell(c[1]); }).join(",")];
    rows.forEach(function (r) { lines.push(cols.map(function (c) { return safeCell(r[c[0]]); }).join(",")); });
    download(new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" }), fileName(".csv"));
  });
  document.getElementById("dj-print").addEventListener("click", function () {
    if (tableBox.hidden) toggle.click();
    window.print();
  });
  document.getElementById("dj-png").addEventListener("click", function () {
    var canvas = document.querySelector("#dj-net canvas");
    canvas.toBlob(function (blob) { if (blob) download(blob, fileName(".png")); }, "image/png");
  });
  document.getElementById("dj-fit").addEventListener("click", function () { network.fit({ animation: false }); });
  document.getElementById("dj-reset").addEventListener("click", function () { input.value = ""; results.textContent = ""; reset(true); });
  [["dj-fit", "fit"], ["dj-reset", "reset"], ["dj-table-toggle", "table"], ["dj-print", "print"], ["dj-png", "png"],
   ["dj-csv", "csv"]].forEach(function (b) { byText(b[0], b[1]); });

  showCounts();
  network.once("afterDrawing", function () { document.body.dataset.ready = "1"; });
  window.dangjianView = { network: network, nodes: nodes, edges: edges, data: DATA, showDetails: showDetails,
                          shown: function () { return Array.from(shown); }, tableRows: tableRows,
                          folded: function () { return Array.from(folded); }, toggleFold: toggleFold };
})();
