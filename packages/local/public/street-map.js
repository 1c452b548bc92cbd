// street-map.js: a simple map of one district's streets, drawn in SVG from the street centres the
// API lists (GET /programmes vocabulary), so it works offline: no tiles, nothing from the internet.
//
// Each street is a labelled circle at its centre (projected from lat/lng), the chosen street is
// highlighted, and a pin marks the home. The pin is placed by clicking or tapping the map, or with
// the keyboard: the map is one focusable control, and the arrow keys move the pin (100 m a step,
// 500 m with Shift). The caller says in words where the pin is (never coordinates).

import { svg } from './api.js';

const EARTH_RADIUS = 6_371_000;
const RAD = Math.PI / 180;
/** Width of the drawing before the map is laid out; then its width in CSS pixels (text stays its size). */
const DEFAULT_WIDTH = 600;
/** Metres of margin around the outermost street centres. */
const MARGIN = 2_500;
/** Metres the pin moves per arrow key press (with Shift: BIG_STEP). */
const STEP = 100;
const BIG_STEP = 500;
/** The street labels' font size in pixels when the page's is not known (family.css sets it). */
const DEFAULT_EM = 15;

/** Great-circle distance in metres. */
export function metresBetween(a, b) {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const x = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.sqrt(x));
}

/** The street whose centre is nearest to `point`: `{street, metres}`, or null when there are none. */
export function nearestStreet(streets, point) {
  let best = null;
  for (const street of streets) {
    if (!street.location) continue;
    const metres = metresBetween(street.location, point);
    if (!best || metres < best.metres) best = { street, metres };
  }
  return best;
}

/** A position moved `north` and `east` metres. */
function moved(point, north, east) {
  return {
    lat: point.lat + north / (EARTH_RADIUS * RAD),
    lng: point.lng + east / (EARTH_RADIUS * RAD * Math.cos(point.lat * RAD)),
  };
}

/** Coordinates rounded to 6 decimals (about 10 cm), as the form sends them. */
function rounded(point) {
  return { lat: Math.round(point.lat * 1e6) / 1e6, lng: Math.round(point.lng * 1e6) / 1e6 };
}

/**
 * The map inside `host` (an element the caller labels). `onPin(location, how)` is called when the
 * user moves the pin (how: 'click' or 'key'); setPin() does not call it.
 *
 *   const map = createStreetMap({ host, label: '住址地图 Map of the district', describedBy: 'place-words', onPin });
 *   map.setStreets(streets); map.setStreet('仙林街道'); map.setPin({ lat, lng });
 */
export function createStreetMap({ host, label, describedBy, onPin }) {
  let streets = [];
  let chosen = '';
  let pin = null;
  let frame = null; // { lat0, lng0, lat1, lng1, scale (units per metre), height }
  let width = DEFAULT_WIDTH;

  const drawing = svg('svg', { class: 'street-map-svg', 'aria-hidden': 'true', focusable: 'false', preserveAspectRatio: 'xMidYMid meet' });
  host.classList.add('street-map');
  host.setAttribute('tabindex', '0');
  host.setAttribute('role', 'application');
  host.setAttribute('aria-roledescription', '地图 map');
  host.setAttribute('aria-label', label);
  if (describedBy) host.setAttribute('aria-describedby', describedBy);
  host.replaceChildren(drawing);

  // Drawn at the map's own width in pixels, so labels keep a readable size on a phone and a desktop.
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => {
      const w = Math.round(host.clientWidth);
      if (w > 0 && Math.abs(w - width) > 1) {
        width = w;
        computeFrame();
        draw();
      }
    }).observe(host);
  }
  // The elderly-friendly mode (a class on <html>) changes the label size: redraw to keep labels inside.
  if (typeof MutationObserver === 'function') {
    new MutationObserver(() => draw()).observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  }

  function project(point) {
    const x = (point.lng - frame.lng0) * RAD * EARTH_RADIUS * Math.cos(frame.latMid * RAD) * frame.scale;
    const y = (frame.lat1 - point.lat) * RAD * EARTH_RADIUS * frame.scale;
    return { x, y };
  }

  function unproject({ x, y }) {
    return {
      lat: frame.lat1 - y / (frame.scale * RAD * EARTH_RADIUS),
      lng: frame.lng0 + x / (frame.scale * RAD * EARTH_RADIUS * Math.cos(frame.latMid * RAD)),
    };
  }

  /** Keep a position inside the drawn frame. */
  function clamp(point) {
    return {
      lat: Math.min(frame.lat1, Math.max(frame.lat0, point.lat)),
      lng: Math.min(frame.lng1, Math.max(frame.lng0, point.lng)),
    };
  }

  function computeFrame() {
    const points = streets.map((s) => s.location).filter(Boolean);
    if (!points.length) {
      frame = null;
      return;
    }
    const lats = points.map((p) => p.lat);
    const lngs = points.map((p) => p.lng);
    const latMid = (Math.min(...lats) + Math.max(...lats)) / 2;
    const south = moved({ lat: Math.min(...lats), lng: Math.min(...lngs) }, -MARGIN, -MARGIN);
    const north = moved({ lat: Math.max(...lats), lng: Math.max(...lngs) }, MARGIN, MARGIN);
    const widthMetres = (north.lng - south.lng) * RAD * EARTH_RADIUS * Math.cos(latMid * RAD);
    const heightMetres = (north.lat - south.lat) * RAD * EARTH_RADIUS;
    const scale = width / widthMetres;
    frame = { lat0: south.lat, lng0: south.lng, lat1: north.lat, lng1: north.lng, latMid, scale, height: heightMetres * scale };
  }

  function draw() {
    if (!frame) {
      drawing.replaceChildren();
      host.hidden = true;
      return;
    }
    host.hidden = false;
    drawing.setAttribute('viewBox', `0 0 ${width} ${Math.round(frame.height)}`);
    const placed = streets.filter((s) => s.location).map((s) => ({ street: s, at: project(s.location) }));
    // Each street's circle reaches halfway to its nearest neighbour (at most 3 km).
    const radius = (p) => {
      let nearest = Number.POSITIVE_INFINITY;
      for (const q of placed) if (q !== p) nearest = Math.min(nearest, Math.hypot(q.at.x - p.at.x, q.at.y - p.at.y));
      return Math.min(nearest / 2, 3_000 * frame.scale) - 2;
    };
    const areas = placed.map((p) =>
      svg('circle', {
        class: p.street.name === chosen ? 'street-area chosen' : 'street-area',
        cx: p.at.x.toFixed(1),
        cy: p.at.y.toFixed(1),
        r: Math.max(8, radius(p)).toFixed(1),
      }),
    );
    const centres = placed.map((p) =>
      svg('circle', { class: p.street.name === chosen ? 'street-centre chosen' : 'street-centre', cx: p.at.x.toFixed(1), cy: p.at.y.toFixed(1), r: 4 }),
    );
    // Labels under their centres, kept inside the map (about one em per Chinese character; the
    // elderly-friendly mode makes the em larger).
    const em = Number.parseFloat(getComputedStyle(host).fontSize) || DEFAULT_EM;
    const labels = placed.map((p) => {
      const half = (p.street.name.length * em) / 2 + 8;
      const x = Math.min(width - half, Math.max(half, p.at.x));
      const y = Math.min(frame.height - 6, Math.max(em + 4, p.at.y + 6 + em));
      return svg(
        'text',
        { class: p.street.name === chosen ? 'street-label chosen' : 'street-label', x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': 'middle' },
        p.street.name,
      );
    });
    // A 2 km scale bar in the bottom left corner.
    const bar = 2_000 * frame.scale;
    const y = frame.height - 16;
    const scaleBar = svg(
      'g',
      { class: 'map-scale' },
      svg('path', { d: `M16 ${y - 6} V${y} H${(16 + bar).toFixed(1)} V${y - 6}` }),
      svg('text', { x: 12, y: y - 10 }, '2 公里 km'),
    );
    const north = svg(
      'g',
      { class: 'map-north', transform: `translate(${width - 24} 30)` },
      svg('path', { d: 'M0 -16 L7 4 L0 0 L-7 4 Z' }),
      svg('text', { x: 0, y: 18, 'text-anchor': 'middle' }, '北 N'),
    );
    let marker = null;
    if (pin) {
      const at = project(pin);
      marker = svg(
        'g',
        { class: 'map-pin', transform: `translate(${at.x.toFixed(1)} ${at.y.toFixed(1)})` },
        svg('path', { d: 'M0 0 C-4 -10 -12 -14 -12 -24 A12 12 0 1 1 12 -24 C12 -14 4 -10 0 0 Z' }),
        svg('circle', { cx: 0, cy: -24, r: 4.5, class: 'map-pin-dot' }),
      );
    }
    const background = svg('rect', { class: 'map-bg', x: 0, y: 0, width, height: frame.height.toFixed(1) });
    drawing.replaceChildren(...[background, ...areas, ...centres, ...labels, scaleBar, north, marker].filter(Boolean));
  }

  function place(point, how) {
    if (!frame) return;
    pin = rounded(clamp(point));
    draw();
    onPin?.(pin, how);
  }

  drawing.addEventListener('click', (event) => {
    if (!frame) return;
    const matrix = drawing.getScreenCTM();
    if (!matrix) return;
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    place(unproject(p), 'click');
  });

  host.addEventListener('keydown', (event) => {
    if (!frame) return;
    const step = event.shiftKey ? BIG_STEP : STEP;
    const moves = { ArrowUp: [step, 0], ArrowDown: [-step, 0], ArrowRight: [0, step], ArrowLeft: [0, -step] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const from = pin ?? streets.find((s) => s.name === chosen)?.location ?? unproject({ x: width / 2, y: frame.height / 2 });
    place(moved(from, move[0], move[1]), 'key');
  });

  return {
    /** The district's streets `[{name, nameEn, location}]`; clears the pin. */
    setStreets(list) {
      streets = Array.isArray(list) ? list : [];
      pin = null;
      computeFrame();
      draw();
    },
    /** Highlight the street of this name ('' for none). */
    setStreet(name) {
      chosen = name ?? '';
      draw();
    },
    /** Put the pin here (null removes it) without calling onPin. */
    setPin(point) {
      pin = point && frame ? rounded(clamp(point)) : null;
      draw();
    },
    get pin() {
      return pin;
    },
    /** Whether a position lies inside the drawn district (with its margin). */
    contains(point) {
      return Boolean(frame) && point.lat >= frame.lat0 && point.lat <= frame.lat1 && point.lng >= frame.lng0 && point.lng <= frame.lng1;
    },
  };
}
