/*
 * quality.js - how the quality of masses reads in the UI, from what the
 * API gives (class_from_lab, a receiver's terms): the class range with the
 * substance that leaves it open ("2–4 (ikke påvist under 0,05 mg/kg
 * Benzen)"), the natural background applied, each landfill template's
 * verdict with the exact value that decides it, and a lab value's unit
 * and leaching mark - in bokmål or English, numbers as the language writes
 * them.
 */
import { t, num, getLang } from './i18n.js';

/* The class as text: a plain class, or the range with what leaves it open. */
export function classText(site) {
  const c = site.class_from_lab;
  if (c && c.class_min && c.class_max && c.class_min < c.class_max && c.open?.length) {
    const o = c.open.find((x) => x.class_max === c.class_max) || c.open[0];
    return t('q.range', { min: c.class_min, max: c.class_max,
                          open: t('q.open', { value: num(o.detection_limit, 6), sub: o.substance }) });
  }
  return site.class ?? site.max_class;
}

/* The natural background line, or undefined. */
export function backgroundText(site) {
  const b = site.class_from_lab?.background;
  if (!b) return undefined;
  const values = Object.entries(b.values).map(([k, v]) => `${k} ${num(v, 3)} mg/kg`).join(', ');
  return t('q.background', { area: b.area, values });
}

/* One template's verdict: "Deponi for inert avfall: godtas ikke – Ba utlekket ...". */
export function verdictText(v) {
  const name = getLang() === 'nb' ? v.name_nb : v.name_en;
  let s = `${name}: ${t(`q.verdict.${v.verdict}`)}`;
  const d = v.deciding;
  if (d && (v.verdict === 'not_accepted' || v.verdict === 'not_proven')) {
    const vars = { sub: d.substance, leach: d.leached ? t('q.leach') : '', value: num(d.value, 6),
                   unit: d.unit, limit: num(d.limit, 6) };
    s += ` – ${t(v.verdict === 'not_accepted' ? 'q.over' : 'q.dl', vars)}`;
  }
  return s;
}

/* A lab result as text: "Pb 80", "Benzen <0,05", "Ba 25 (utlekket, L/S = 10)", "TOC 2,5 %". */
export function labText(r) {
  // "<0.05" reads "<0,05" in bokmål; a word such as "n.d." stays as it is.
  const v = typeof r.value === 'number' ? num(r.value, 6)
    : /^<\s*[\d.]+$/.test(String(r.value)) ? `<${num(Number(String(r.value).replace(/[<\s]/g, '')), 6)}` : String(r.value);
  return `${r.substance} ${v}${r.unit && r.unit !== 'mg/kg' ? ` ${r.unit}` : ''}${r.leached ? ` ${t('q.leached.short')}` : ''}`;
}

/* One sample of a set: "SK1 (0–1 m): tilstandsklasse 2". */
export function sampleText(x) {
  const depth = x.depth_from_m !== undefined ? t('q.depth', { from: num(x.depth_from_m, 2), to: num(x.depth_to_m, 2) }) : '';
  return t('q.sample', { id: x.id, depth, cls: x.class ?? '–' });
}

/* The sampling density line of a set, or undefined. */
export function samplingText(site) {
  const s = site.class_from_lab?.sampling;
  if (!s) return undefined;
  if (s.area_m2 === null || s.area_m2 === undefined) return t('q.sampling.noarea', { n: s.samples });
  return t('q.sampling', { n: s.samples, area: num(s.area_m2), min: s.recommended_min }) +
    t(s.too_few ? 'q.sampling.few' : 'q.sampling.ok') + t('q.sampling.est');
}
