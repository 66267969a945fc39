/*
 * units.js - amounts in tonnes (t), solid cubic metres (fm3, in place)
 * and loose cubic metres (lm3, dug and loaded), converted with a
 * material's density (t per fm3) and bulking factor (lm3 per fm3) from
 * GET /api/materials (src/domain/materials in the server; docs/units.md):
 *   t = fm3 x density,  lm3 = fm3 x bulking.
 */
import { parseNumber } from './numbers.js';

/* {t, fm3, lm3} for value in unit of material m, or null when unknown. */
export function convert(value, unit, m) {
  const v = typeof value === 'number' ? value : parseNumber(value).value;
  if (!m || !Number.isFinite(v) || !m.density_t_per_fm3 || !m.bulking_lm3_per_fm3) return null;
  let fm3;
  if (unit === 't') fm3 = v / m.density_t_per_fm3;
  else if (unit === 'lm3') fm3 = v / m.bulking_lm3_per_fm3;
  else fm3 = v;
  return { t: fm3 * m.density_t_per_fm3, fm3, lm3: fm3 * m.bulking_lm3_per_fm3 };
}
