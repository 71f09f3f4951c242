// Memory Heat Map page script (webview): draws the regions of page cells the extension posts
// ({ regions: [{ start, cells: [{ address, reads, writes, level }] }] }) and reports a click as
// { select: address }, and { ready: true } once it listens. Built with DOM calls only (no
// innerHTML), and receives numbers only.
(function () {
  const vscode = acquireVsCodeApi();
  const map = document.getElementById('map');
  const empty = document.getElementById('empty');
  const legend = document.getElementById('legend');
  const hex = (n) => '0x' + n.toString(16);
  let selected = -1;

  for (let l = 0; l < 8; l++) {
    const c = document.createElement('span');
    c.className = 'cell l' + l;
    legend.appendChild(c);
  }
  legend.appendChild(document.createTextNode(' few → many accesses'));

  function draw(regions) {
    map.replaceChildren();
    empty.style.display = regions.length ? 'none' : '';
    legend.style.display = regions.length ? '' : 'none';
    for (const r of regions) {
      const title = document.createElement('div');
      title.className = 'region';
      title.textContent = hex(r.start) + ' (' + r.cells.length + ' pages)';
      map.appendChild(title);
      const grid = document.createElement('div');
      grid.className = 'grid';
      for (const c of r.cells) {
        const cell = document.createElement('span');
        cell.className = 'cell l' + c.level + (c.address === selected ? ' sel' : '');
        cell.title = hex(c.address) + '\nreads ' + c.reads + '\nwrites ' + c.writes;
        cell.dataset.address = String(c.address);
        cell.addEventListener('click', () => {
          selected = c.address;
          for (const s of map.querySelectorAll('.sel')) s.classList.remove('sel');
          cell.classList.add('sel');
          vscode.postMessage({ select: c.address });
        });
        grid.appendChild(cell);
      }
      map.appendChild(grid);
    }
  }

  window.addEventListener('message', (e) => { if (e.data && Array.isArray(e.data.regions)) draw(e.data.regions); });
  draw([]);
  // Messages posted before this script ran are lost: ask for the current data now.
  vscode.postMessage({ ready: true });
})();
