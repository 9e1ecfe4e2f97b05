import type { SweepRecord } from '../engine/sweep';

/**
 * A self-contained SVG of score against tokens per step, one curve per strategy (and task when
 * several), with 95% intervals: the headless twin of the page's trade-off chart. Curves are told
 * apart by marker shape and dash as well as colour (Okabe-Ito palette, colour-blind safe).
 */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

export function plotSvg(records: readonly SweepRecord[], title = 'Score vs tokens per step', star?: { tps: number; score: number; label: string }): string {
  const W = 720;
  const H = 440;
  const m = { l: 60, r: 220, t: 40, b: 50 };
  const tasks = new Set(records.map((r) => r.task));
  const groups = new Map<string, SweepRecord[]>();
  for (const r of records) {
    const key = tasks.size > 1 ? `${r.strategy} · ${r.task}` : r.strategy;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const maxTps = Math.max(1, ...records.map((r) => r.tps), star?.tps ?? 1);
  const logMax = Math.log2(maxTps) || 1;
  const x = (tps: number) => m.l + (Math.log2(Math.max(1, tps)) / logMax) * (W - m.l - m.r);
  const y = (score: number) => m.t + (1 - score) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${m.l}" y="24" font-size="15">${escapeXml(title)}</text>`);
  for (let s = 0; s <= 10; s += 2) {
    const yy = y(s / 10);
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${yy}" y2="${yy}" stroke="#ddd"/><text x="${m.l - 8}" y="${yy + 4}" text-anchor="end">${s * 10}%</text>`);
  }
  for (let p = 0; 2 ** p <= maxTps * 1.001; p++) {
    const xx = x(2 ** p);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${xx}" y="${H - m.b + 18}" text-anchor="middle">${2 ** p}</text>`);
  }
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">tokens per step (log scale)</text>`);
  parts.push(`<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">score</text>`);
  [...groups.entries()].forEach(([name, rs], gi) => {
    const colour = COLOURS[gi % COLOURS.length];
    const dash = DASHES[Math.floor(gi / COLOURS.length) % DASHES.length] || DASHES[gi % DASHES.length];
    const pts = [...rs].sort((a, b) => a.tps - b.tps);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ''} points="${pts.map((r) => `${x(r.tps)},${y(r.score)}`).join(' ')}"/>`);
    for (const r of pts) {
      parts.push(`<line x1="${x(r.tps)}" x2="${x(r.tps)}" y1="${y(r.ci95[0])}" y2="${y(r.ci95[1])}" stroke="${colour}"/>`);
      parts.push(marker(gi, x(r.tps), y(r.score), colour));
    }
    const ly = m.t + 10 + gi * 20;
    parts.push(`<line x1="${W - m.r + 12}" x2="${W - m.r + 40}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ''}/>`);
    parts.push(marker(gi, W - m.r + 26, ly, colour));
    parts.push(`<text x="${W - m.r + 46}" y="${ly + 4}">${escapeXml(name)}</text>`);
  });
  if (star) {
    // The oracle star (App. G.2): a five-pointed star, labelled in the legend below the curves.
    const pts = (cx: number, cy: number, r: number) =>
      Array.from({ length: 10 }, (_, i) => {
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const rr = i % 2 === 0 ? r : r * 0.45;
        return `${(cx + rr * Math.cos(a)).toFixed(1)},${(cy + rr * Math.sin(a)).toFixed(1)}`;
      }).join(' ');
    const ly = m.t + 10 + groups.size * 20;
    parts.push(`<polygon class="oracle-star" points="${pts(x(star.tps), y(star.score), 9)}" fill="#D55E00" stroke="black"/>`);
    parts.push(`<polygon points="${pts(W - m.r + 26, ly, 7)}" fill="#D55E00" stroke="black"/><text x="${W - m.r + 46}" y="${ly + 4}">${escapeXml(star.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function marker(i: number, cx: number, cy: number, colour: string): string {
  switch (i % 4) {
    case 0: return `<circle cx="${cx}" cy="${cy}" r="4" fill="${colour}"/>`;
    case 1: return `<rect x="${cx - 4}" y="${cy - 4}" width="8" height="8" fill="${colour}"/>`;
    case 2: return `<path d="M${cx} ${cy - 5} L${cx + 5} ${cy + 4} L${cx - 5} ${cy + 4} Z" fill="${colour}"/>`;
    default: return `<path d="M${cx} ${cy - 5} L${cx + 5} ${cy} L${cx} ${cy + 5} L${cx - 5} ${cy} Z" fill="${colour}"/>`;
  }
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
