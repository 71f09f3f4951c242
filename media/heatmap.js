// Memory Heat Map page script (webview view or editor panel): draws the groups of page cells the
// extension posts ({ regions: [{ start, label, kind, cells: [{ address, reads, writes, level,
// readLevel, writeLevel }] }], cell: px, max, ended }), with a reads+writes / reads / writes
// toggle, a legend of the colour scale with counts, and zoom into one group (click its title).
// Reports a cell click as { select: address }, its size as { size }, and { ready: true } once it
// listens. Built with DOM calls only (no innerHTML).
(function () {
  const vscode = acquireVsCodeApi();
  const map = document.getElementById('map');
  const empty = document.getElementById('empty');
  const legend = document.getElementById('legend');
  const modes = document.getElementById('modes');
  const status = document.getElementById('status');
  const hex = (n) => '0x' + n.toString(16);
  const state = vscode.getState() || { mode: 'all', zoom: null };
  let selected = -1;
  let last = { regions: [], cell: 14, max: 0, ended: false };

  const MODES = [['all', 'R+W'], ['reads', 'Reads'], ['writes', 'Writes']];
  for (const [m, text] of MODES) {
    const b = document.createElement('button');
    b.textContent = text;
    b.dataset.mode = m;
    b.addEventListener('click', () => { state.mode = m; vscode.setState(state); draw(); });
    modes.appendChild(b);
  }

  function levelOf(c) { return state.mode === 'reads' ? c.readLevel : state.mode === 'writes' ? c.writeLevel : c.level; }

  function drawLegend() {
    legend.replaceChildren();
    legend.appendChild(document.createTextNode('0 '));
    for (let l = 0; l < 8; l++) {
      const c = document.createElement('span');
      c.className = 'cell l' + l;
      legend.appendChild(c);
    }
    legend.appendChild(document.createTextNode(' ' + last.max + ' accesses (log scale)'));
  }

  function draw() {
    for (const b of modes.children) b.classList.toggle('on', b.dataset.mode === state.mode);
    const regions = state.zoom === null ? last.regions : last.regions.filter((r) => r.start === state.zoom);
    map.replaceChildren();
    empty.style.display = last.regions.length ? 'none' : '';
    legend.style.display = last.regions.length ? '' : 'none';
    status.textContent = last.ended ? 'ended' : '';
    document.documentElement.style.setProperty('--cell', (state.zoom === null ? last.cell : Math.max(last.cell, 20)) + 'px');
    if (state.zoom !== null) {
      const back = document.createElement('button');
      back.textContent = '← all mappings';
      back.addEventListener('click', () => { state.zoom = null; vscode.setState(state); draw(); });
      map.appendChild(back);
    }
    for (const r of regions) {
      const title = document.createElement('div');
      title.className = 'region';
      title.textContent = r.label + '  ' + hex(r.start) + '  (' + r.cells.length + ' pages, R ' + r.reads + ' W ' + r.writes + ')';
      title.title = state.zoom === null ? 'Zoom into ' + r.label : '';
      title.addEventListener('click', () => { state.zoom = r.start; vscode.setState(state); draw(); });
      map.appendChild(title);
      const grid = document.createElement('div');
      grid.className = 'grid';
      for (const c of r.cells) {
        const cell = document.createElement('span');
        cell.className = 'cell l' + levelOf(c) + (c.address === selected ? ' sel' : '');
        cell.title = hex(c.address) + ' (' + r.label + ')\nreads ' + c.reads + '\nwrites ' + c.writes;
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
    drawLegend();
  }

  window.addEventListener('message', (e) => {
    if (!e.data || !Array.isArray(e.data.regions)) return;
    last = e.data;
    if (state.zoom !== null && !last.regions.some((r) => r.start === state.zoom)) state.zoom = null;
    draw();
  });
  const size = () => vscode.postMessage({ size: { width: document.body.clientWidth, height: window.innerHeight } });
  window.addEventListener('resize', size);
  draw();
  // Messages posted before this script ran are lost: ask for the current data now.
  vscode.postMessage({ ready: true });
  size();
})();
