/*
 * axe.mjs - accessibility checks by a real engine: axe-core (pinned in
 * web/package.json) is injected into the page and run with the WCAG 2.0
 * and 2.1 level A and AA rules (color-contrast included). checkA11y()
 * resolves to the list of violations as readable lines "rule-id (impact):
 * selector"; assertA11y() fails the test listing every one.
 *
 * Exclusions are narrow and only for parts of third-party widgets we cannot
 * change; each is listed in EXCLUDE with the reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = process.env.MB_WEB_DIR || join(resolve(here, '../..'), 'web');
const AXE_SOURCE = readFileSync(createRequire(join(webDir, 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');

// Selectors axe should not look into (third-party markup we cannot fix).
export const EXCLUDE = [];

/* Run axe on the page as it is now; resolves to a list of violation lines. */
export async function checkA11y(page, { exclude = [] } = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async (ex) => {
    const r = await window.axe.run({ include: [['html']], exclude: ex.map((s) => [s]) }, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) }));
  }, [...EXCLUDE, ...exclude]);
  const lines = [];
  for (const v of result) for (const n of v.targets) lines.push(`${v.id} (${v.impact}): ${n.target} - ${v.help}`);
  return lines;
}

/* Fail with every violation on the page, named by where. */
export async function assertA11y(page, where, opts) {
  const lines = await checkA11y(page, opts);
  assert.deepEqual(lines, [], `axe violations on ${where}:\n  ${lines.join('\n  ')}`);
}
