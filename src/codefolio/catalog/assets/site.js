// The catalogue index: filter rows as the reader types, sort by a column heading.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("codes");
  const body = table.tBodies[0];
  const search = document.getElementById("search");
  const status = document.getElementById("search-status");
  const headers = Array.from(table.tHead.rows[0].cells);

  function filterRows() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of body.rows) {
      const text = row.dataset.search;
      row.hidden = !words.every((word) => text.includes(word));
      if (!row.hidden) shown += 1;
    }
    status.textContent = `${shown} of ${body.rows.length} codes shown`;
  }

  function sortKey(row, index, numeric) {
    const cell = row.cells[index];
    const value = cell.dataset.sort ?? cell.textContent.trim();
    return numeric ? Number(value) : value;
  }

  function sortBy(header) {
    const index = header.cellIndex;
    const numeric = header.dataset.type === "number";
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = sortKey(a, index, numeric);
      const y = sortKey(b, index, numeric);
      const order = numeric ? x - y : x.localeCompare(y, undefined, { numeric: true });
      return ascending ? order : -order;
    });
    for (const other of headers) other.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    body.append(...rows);
  }

  search.addEventListener("input", filterRows);
  for (const header of headers) {
    header.querySelector("button").addEventListener("click", () => sortBy(header));
  }
  filterRows();
});
