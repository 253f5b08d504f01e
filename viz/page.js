/* dangjian view page: draws the view's data with vis-network (inlined), and adds the legend with
   type filters, the search box (name or pinyin) and the details panel. Every name is data: it is
   only ever set with textContent or handed to vis-network as a string (drawn on the canvas, or
   shown with innerText in tooltips), never parsed as HTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("dj-data").textContent);
  var T = DATA.text, S = DATA.S;
  var sevLabel = {};
  DATA.severities.forEach(function (s) { sevLabel[s.severity] = s.label; });
  // expand the compact form written by dangjian.viz.page (repeated strings are numbers into S)
  DATA.nodes = DATA.nodes.map(function (c) {
    var g = DATA.legend[c.g], name = c.n !== undefined ? c.n : c.l;
    return { id: c.id, label: c.l, name: name, group: g.group, shape: g.shape, type: S[c.t], size: c.z,
             color: c.c, x: c.x, y: c.y, path: c.p !== undefined ? S[c.p] : "",
             facts: (c.k || []).map(function (f) { return [S[f[0]], f[1]]; }),
             findings: (c.f || []).map(function (f) {
               // an action is a number into S with the node's name cut out (as "\u0000"), or text
               var action = typeof f[3] === "number" ? S[f[3]].split("\u0000").join(name) : f[3];
               return [f[0], sevLabel[f[0]] || f[0], S[f[1]], S[f[2]], action];
             }),
             q: (String(c.id) + " " + name + " " + (c.q || "")).toLowerCase().replace(/\s+/g, "") };
  });
  DATA.edges = DATA.edges.map(function (e) { return { from: e[0], to: e[1], title: S[e[2]], dashes: e[3] === 1 }; });
  var byId = new Map();
  DATA.nodes.forEach(function (n) { byId.set(n.id, n); });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function tooltip(n) {
    var lines = [n.name, n.type];
    if (n.path) lines.push(n.path);
    if (n.findings.length) lines.push(T.findings + ": " + n.findings.length);
    return lines.join("\n");
  }

  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    return { id: n.id, label: n.label, x: n.x, y: n.y, shape: n.shape, size: n.size,
             color: { background: n.color, border: n.color, highlight: { background: n.color, border: "#222" },
                      hover: { background: n.color, border: "#222" } },
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

  document.getElementById("dj-counts").textContent =
    T.nodes + " " + DATA.counts.nodes + " · " + T.edges + " " + DATA.counts.edges;

  // -- legend and filters by type ------------------------------------------------------------
  var legend = document.getElementById("dj-legend");
  legend.querySelector("h2").textContent = T.legend;
  var hiddenKinds = new Set();
  DATA.legend.forEach(function (item) {
    var li = el("li");
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.dataset.group = item.group;
    box.addEventListener("change", function () {
      if (box.checked) hiddenKinds.delete(item.group); else hiddenKinds.add(item.group);
      var updates = [];
      DATA.nodes.forEach(function (n) {
        if (n.group === item.group) updates.push({ id: n.id, hidden: !box.checked });
      });
      nodes.update(updates);
    });
    var sw = el("span", "dj-swatch " + item.shape);
    sw.style.background = item.color;
    li.appendChild(box); li.appendChild(sw); li.appendChild(el("span", null, item.label));
    legend.querySelector("ul").appendChild(li);
  });
  var sev = document.getElementById("dj-severity");
  DATA.severities.forEach(function (s) {
    var span = el("span");
    var sw = el("span", "dj-swatch"); sw.style.background = s.color;
    span.appendChild(sw); span.appendChild(document.createTextNode(" " + s.label));
    sev.appendChild(span);
  });

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
    body.dataset.node = id;
  }

  network.on("click", function (params) {
    if (params.nodes.length) showDetails(params.nodes[0]);
  });

  // -- search: id, name, pinyin, pinyin initials ---------------------------------------------------
  var input = document.getElementById("dj-search");
  var results = document.getElementById("dj-results");
  input.placeholder = T.search;
  function focus(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showDetails(id);
    results.textContent = "";
  }
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase().replace(/\s+/g, "");
    results.textContent = "";
    if (!q) return;
    var hits = [];
    for (var i = 0; i < DATA.nodes.length && hits.length < 20; i++) {
      var n = DATA.nodes[i];
      if (!hiddenKinds.has(n.group) && n.q.indexOf(q) >= 0) hits.push(i);
    }
    if (!hits.length) { results.appendChild(el("li", "dj-empty", T.noMatch)); return; }
    hits.forEach(function (i) {  // by position: ids may be numbers, dataset values are strings
      var n = DATA.nodes[i];
      var li = el("li", null, n.name);
      li.appendChild(el("small", null, n.type));
      li.dataset.index = String(i);
      li.addEventListener("click", function () { focus(n.id); });
      results.appendChild(li);
    });
  });
  input.addEventListener("keydown", function (ev) {
    var first = results.querySelector("li[data-index]");
    if (ev.key === "Enter" && first) focus(DATA.nodes[Number(first.dataset.index)].id);
    if (ev.key === "Escape") { results.textContent = ""; }
  });

  network.once("afterDrawing", function () { document.body.dataset.ready = "1"; });
  window.dangjianView = { network: network, nodes: nodes, edges: edges, data: DATA, showDetails: showDetails };
})();
