// custodes atlas: draws the world map from /static/world.json, shades countries
// from the page's JSON twin, and re-fetches that JSON when the filters change.
// Every piece of data is set with textContent or attributes, never as HTML.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var geometryCache = {};

  function bin(n) {
    if (!n) return 0;
    if (n === 1) return 1;
    if (n === 2) return 2;
    if (n <= 4) return 3;
    if (n <= 7) return 4;
    return 5;
  }

  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) {
          var message = (body && body.error && body.error.message) || ("HTTP " + r.status);
          throw new Error(message);
        }
        return body;
      });
    });
  }

  function geometry(url) {
    if (!geometryCache[url]) geometryCache[url] = getJSON(url);
    return geometryCache[url];
  }

  function showInfo(box, c) {
    box.textContent = "";
    if (!c) {
      box.appendChild(el("p", { "class": "muted" }, "Hover over or tab to a country to see its figures; click or press Enter to open its profile."));
      return;
    }
    box.appendChild(el("h3", {}, c.name));
    var dl = el("dl");
    [["Technologies", c.technologies], ["Deployments", c.deployments], ["Named vendors", c.vendors]]
      .forEach(function (pair) {
        dl.appendChild(el("dt", {}, pair[0]));
        dl.appendChild(el("dd", {}, String(pair[1] || 0)));
      });
    box.appendChild(dl);
  }

  function Atlas(container) {
    this.container = container;
    this.info = container.parentNode.querySelector(".map-info");
    this.nodes = {};   // iso2 -> svg element(s)
    this.names = {};
    this.data = {};
  }

  Atlas.prototype.draw = function (geo) {
    var self = this;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + geo.width + " " + geo.height);
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", this.container.getAttribute("aria-label") || "World map");
    var shapes = document.createElementNS(SVG, "g");
    geo.shapes.forEach(function (s) {
      var p = document.createElementNS(SVG, "path");
      p.setAttribute("d", s.d);
      p.setAttribute("class", "country b0");
      p.setAttribute("data-iso2", s.iso2);
      shapes.appendChild(p);
      self.nodes[s.iso2] = p;
      self.names[s.iso2] = s.name;
    });
    svg.appendChild(shapes);
    var dots = document.createElementNS(SVG, "g");
    geo.points.forEach(function (pt) {
      var c = document.createElementNS(SVG, "circle");
      c.setAttribute("cx", pt.x);
      c.setAttribute("cy", pt.y);
      c.setAttribute("r", 4);
      c.setAttribute("class", "dot b0");
      c.setAttribute("data-iso2", pt.iso2);
      c.setAttribute("display", "none");
      dots.appendChild(c);
      self.nodes[pt.iso2] = c;
    });
    svg.appendChild(dots);
    this.container.textContent = "";
    this.container.appendChild(svg);

    function countryOf(target) {
      var iso2 = target && target.getAttribute && target.getAttribute("data-iso2");
      return iso2 && self.data[iso2] ? self.data[iso2] : null;
    }
    function open(target) {
      var c = countryOf(target);
      if (c) window.location.href = "/countries/" + encodeURIComponent(c.iso2);
    }
    svg.addEventListener("mouseover", function (e) { var c = countryOf(e.target); if (c) showInfo(self.info, c); });
    svg.addEventListener("focusin", function (e) { var c = countryOf(e.target); if (c) showInfo(self.info, c); });
    svg.addEventListener("click", function (e) { open(e.target); });
    svg.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(e.target); }
    });
  };

  Atlas.prototype.shade = function (countries) {
    var self = this;
    this.data = {};
    countries.forEach(function (c) { self.data[c.iso2] = c; });
    Object.keys(this.nodes).forEach(function (iso2) {
      var node = self.nodes[iso2];
      var c = self.data[iso2];
      var isDot = node.tagName.toLowerCase() === "circle";
      node.setAttribute("class", (isDot ? "dot" : "country") + " b" + bin(c ? c.technologies : 0) + (c ? " has-data" : ""));
      if (c) {
        node.setAttribute("tabindex", "0");
        node.setAttribute("role", "link");
        node.setAttribute("aria-label", c.name + ": " + c.technologies + " technologies, " + c.deployments + " deployments");
        if (isDot) node.removeAttribute("display");
      } else {
        node.removeAttribute("tabindex");
        node.removeAttribute("role");
        node.setAttribute("aria-label", (self.names[iso2] || iso2) + ": no data");
        if (isDot) node.setAttribute("display", "none");
      }
    });
    this.container.setAttribute("data-shaded", String(countries.length));
    showInfo(this.info, null);
  };

  function formQuery(form) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value && field.type !== "submit") params.set(field.name, field.value);
    });
    return params.toString();
  }

  function updateTable(countries) {
    var tbody = document.querySelector("#country-table tbody");
    if (!tbody) return;
    tbody.textContent = "";
    if (!countries.length) {
      var empty = el("tr");
      empty.appendChild(el("td", { colspan: "4", "class": "muted" }, "No country matches these filters."));
      tbody.appendChild(empty);
    }
    countries.forEach(function (c) {
      var tr = el("tr");
      var td = el("td");
      td.appendChild(el("a", { href: "/countries/" + encodeURIComponent(c.iso2) }, c.name));
      tr.appendChild(td);
      [c.technologies, c.deployments, c.vendors].forEach(function (n) {
        tr.appendChild(el("td", { "class": "num" }, String(n)));
      });
      tbody.appendChild(tr);
    });
  }

  function wireFilters(atlas, form) {
    var status = document.getElementById("filter-status");
    var pending = 0;
    function apply() {
      var query = formQuery(form);
      var ticket = ++pending;
      form.setAttribute("aria-busy", "true");
      getJSON("/index.json" + (query ? "?" + query : "")).then(function (data) {
        if (ticket !== pending) return;
        atlas.shade(data.countries);
        updateTable(data.countries);
        if (status) status.textContent = data.countries.length + (data.countries.length === 1 ? " country matches." : " countries match.");
        history.replaceState(null, "", "/" + (query ? "?" + query : ""));
        Array.prototype.forEach.call(document.querySelectorAll("a[href^='/index.csv'], a[href^='/index.json']"), function (a) {
          var base = a.getAttribute("href").split("?")[0];
          var extra = base === "/index.csv" ? "table=countries" : "";
          var q = [query, extra].filter(Boolean).join("&");
          a.setAttribute("href", base + (q ? "?" + q : ""));
        });
      }).catch(function (err) {
        if (status) status.textContent = "Cannot apply these filters: " + err.message;
      }).then(function () { form.removeAttribute("aria-busy"); });
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    var reset = form.querySelector("a.reset");
    if (reset) reset.addEventListener("click", function (e) {
      e.preventDefault();
      form.reset();
      Array.prototype.forEach.call(form.elements, function (f) { if (f.tagName === "SELECT") f.value = ""; else if (f.type === "number") f.value = ""; });
      apply();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-map"), function (container) {
      var atlas = new Atlas(container);
      Promise.all([geometry(container.getAttribute("data-geometry")), getJSON(container.getAttribute("data-source"))])
        .then(function (results) {
          atlas.draw(results[0]);
          atlas.shade(results[1].countries || []);
          if (container.getAttribute("data-filters")) {
            var form = document.querySelector("form.filters");
            if (form) wireFilters(atlas, form);
          }
        })
        .catch(function (err) {
          container.textContent = "";
          container.appendChild(el("p", { "class": "muted map-loading" }, "The map could not be drawn: " + err.message));
        });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
