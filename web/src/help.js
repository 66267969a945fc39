/*
 * help.js - short help for the domain words next to a field's label:
 * a button ("?", named "Hva betyr ...?" for screen readers) with
 * aria-expanded and aria-controls that shows or hides a box of one to
 * four terms, each with one to three sentences. Enter or Space opens it
 * (it is a button), Escape closes it and leaves the focus on the button.
 *
 *   helpToggle(topic)          -> [button row, box] to place anywhere
 *   withHelp(fieldEl, topic)   puts the toggle next to the label of a
 *                              field() (or after a fieldset's legend)
 *
 * Topics and their terms are in TOPICS; the texts are
 * "help.topic.TOPIC" (the button's name) and "help.term.TERM" /
 * "help.text.TERM" in i18n.js. The facts follow docs/units.md,
 * docs/condition-classes.md and docs/materials.md.
 */
import { h } from './dom.js';
import { t } from './i18n.js';

export const TOPICS = {
  class: ['class'],
  units: ['t', 'fm3', 'lm3'],
  'units.placed': ['t', 'fm3', 'lm3', 'pm3'],
  window: ['window'],
  facility: ['landfill', 'storage', 'plant', 'quarry'],
  plan: ['storage', 'plant', 'fm3', 'pm3'],
};

let seq = 0;

export function helpToggle(topic) {
  const id = `help-${topic.replace(/[^a-z0-9]/gi, '-')}-${++seq}`;
  const box = h('div', { class: 'help-text', id, hidden: true },
    h('dl', {}, TOPICS[topic].map((k) => [h('dt', {}, t(`help.term.${k}`)), h('dd', {}, t(`help.text.${k}`))])));
  const btn = h('button', { type: 'button', class: 'help-toggle', 'aria-expanded': 'false', 'aria-controls': id },
    h('span', { 'aria-hidden': 'true' }, '?'), h('span', { class: 'sr-only' }, t(`help.topic.${topic}`)));
  const set = (open) => { btn.setAttribute('aria-expanded', String(open)); box.hidden = !open; };
  btn.addEventListener('click', () => set(btn.getAttribute('aria-expanded') !== 'true'));
  const esc = (ev) => { if (ev.key === 'Escape' && !box.hidden) { ev.preventDefault(); set(false); btn.focus(); } };
  btn.addEventListener('keydown', esc);
  box.addEventListener('keydown', esc);
  return [btn, box];
}

/* Put the help for topic next to the label of a field (or a fieldset's legend). */
export function withHelp(el, topic) {
  const [btn, box] = helpToggle(topic);
  const label = el.querySelector(':scope > label, :scope > legend');
  if (label && label.tagName === 'LABEL') {
    const row = h('div', { class: 'label-row' });
    label.replaceWith(row);
    row.append(label, btn);
    row.after(box);
  } else if (label) {
    label.after(h('div', { class: 'label-row help-row' }, btn), box);
  } else {
    el.prepend(h('div', { class: 'label-row help-row' }, btn), box);
  }
  return el;
}
