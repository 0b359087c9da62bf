// Progressive enhancement only: every feature works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search");
    var box = document.getElementById("q");

    // '/' focuses the search box unless the user is typing somewhere.
    document.addEventListener("keydown", function (event) {
      var tag = (event.target && event.target.tagName) || "";
      if (event.key === "/" && box && !/^(INPUT|TEXTAREA|SELECT)$/.test(tag) && !event.target.isContentEditable) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    });

    if (!form) { return; }
    // Filters: always shown on wide screens; folded on phones (they come before the results).
    var filters = document.getElementById("filters");
    if (filters) {
      var narrow = window.matchMedia("(max-width: 760px)");
      var summary = filters.querySelector("summary");
      var fit = function () {
        filters.open = !narrow.matches;
        summary.tabIndex = narrow.matches ? 0 : -1;
      };
      fit();
      if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
      summary.addEventListener("click", function (event) {
        if (!narrow.matches) { event.preventDefault(); }
      });
    }
    // Facet checkboxes and the sort and scope selects apply at once; page resets.
    form.addEventListener("change", function (event) {
      var t = event.target;
      if ((t.type === "checkbox" && t.name.indexOf("f.") === 0) || t.id === "sort" || t.id === "scope") {
        form.submit();
      }
    });

    // A small filter box for long facets.
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.facet"), function (fieldset) {
      var items = fieldset.querySelectorAll("ul.values li");
      var details = fieldset.querySelector("details");
      if (!details || items.length <= 8) { return; }
      var legend = fieldset.querySelector("legend");
      var input = document.createElement("input");
      input.type = "search";
      input.className = "facet-filter";
      input.placeholder = "Filter " + (legend ? legend.textContent.toLowerCase() : "values");
      input.setAttribute("aria-label", input.placeholder);
      // Enter in the filter box must not submit the search form.
      input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        if (needle) { details.open = true; }
        Array.prototype.forEach.call(items, function (li) {
          var label = li.querySelector(".value");
          var text = label ? label.textContent.toLowerCase() : "";
          li.classList.toggle("hidden-by-filter", needle !== "" && text.indexOf(needle) === -1);
        });
      });
      fieldset.insertBefore(input, legend ? legend.nextSibling : fieldset.firstChild);
    });
  });
})();
