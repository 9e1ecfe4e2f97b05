/**
 * The chart as a file: the recharts SVG on screen, with every computed style written inline (CSS
 * variables and the stylesheet do not travel with a file), the legend (HTML on screen) drawn in
 * SVG below the plot, and a PNG rendered from that SVG through a canvas at 2x.
 */

const STYLE_PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'text-anchor', 'dominant-baseline', 'visibility', 'display'];
const SVG_NS = 'http://www.w3.org/2000/svg';

export interface LegendEntry {
  name: string;
  colour: string;
  dash?: string;
}

export function chartSvg(svg: SVGSVGElement, legend: LegendEntry[], title: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [clone, ...clone.querySelectorAll('*')];
  from.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).filter((d) => !d.endsWith(':')).join(';');
    to[i].setAttribute('style', style);
    // Attributes that name CSS variables would not resolve in a file.
    for (const attr of ['fill', 'stroke']) {
      if (to[i].getAttribute(attr)?.includes('var(')) to[i].setAttribute(attr, cs.getPropertyValue(attr));
    }
  });
  const width = svg.width.baseVal.value || svg.getBoundingClientRect().width;
  const height = svg.height.baseVal.value || svg.getBoundingClientRect().height;
  const fg = getComputedStyle(document.documentElement).getPropertyValue('--fg') || '#000';
  const bg = getComputedStyle(document.documentElement).getPropertyValue('--bg') || '#fff';
  const rowH = 16;
  const legendH = legend.length * rowH + 28;
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height + legendH));
  clone.setAttribute('viewBox', `0 0 ${width} ${height + legendH}`);
  const doc = clone.ownerDocument;
  const back = doc.createElementNS(SVG_NS, 'rect');
  for (const [k, v] of Object.entries({ x: 0, y: 0, width, height: height + legendH, fill: bg })) back.setAttribute(k, String(v));
  clone.insertBefore(back, clone.firstChild);
  const t = doc.createElementNS(SVG_NS, 'title');
  t.textContent = title;
  clone.insertBefore(t, clone.firstChild);
  const g = doc.createElementNS(SVG_NS, 'g');
  g.setAttribute('class', 'export-legend');
  legend.forEach((e, i) => {
    const y = height + 16 + i * rowH;
    const line = doc.createElementNS(SVG_NS, 'line');
    for (const [k, v] of Object.entries({ x1: 20, x2: 44, y1: y, y2: y, stroke: e.colour.includes('var(') ? fg : e.colour, 'stroke-width': 2, 'stroke-dasharray': e.dash ?? '' })) line.setAttribute(k, String(v));
    const label = doc.createElementNS(SVG_NS, 'text');
    for (const [k, v] of Object.entries({ x: 50, y: y + 4, fill: fg, 'font-size': 12, 'font-family': 'sans-serif' })) label.setAttribute(k, String(v));
    label.textContent = e.name;
    g.append(line, label);
  });
  clone.append(g);
  return new XMLSerializer().serializeToString(clone);
}

export async function chartPng(svgText: string, scale = 2): Promise<Blob> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be drawn as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(img.width * scale);
    canvas.height = Math.ceil(img.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas in this browser');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
