/*
 * views/guide.js - "Kom i gang" (#/kom-i-gang): a short guide for the
 * signed-in user's role, three to six numbered steps, each with a link to
 * the view that does it. The roles: developer and contractor share one
 * guide (they build and dig), hauler, operator (of a landfill, storage,
 * plant or quarry), municipality, administrator, and a signed-out
 * visitor. "?rolle=hauler" shows another role's guide; links to them are
 * at the bottom, so a visitor sees what each kind of user does.
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { getSession } from '../api.js';

/* Each guide's steps: [text key suffix, link]. The texts are guide.ROLE.N.title/.text, the link's words guide.ROLE.N.link. */
const GUIDES = {
  builder: ['#/ny', '#/ny', '#/mine', '#/avtaler', '#/varsler', '#/meldinger'],
  hauler: ['#/mine', '#/oppdrag', '#/oppdrag', '#/avtaler', '#/meldinger'],
  operator: ['#/nytt-anlegg', '#/mine', '#/avtaler', '#/varsler', '#/meldinger'],
  municipality: ['#/dashbord', '#/plan', '#/plan', '#/ny', '#/varsler'],
  admin: ['#/godkjenning', '#/plan', '#/dashbord', '#/kart'],
  visitor: ['#/kart', '#/registrer', '#/logg-inn', '#/kom-i-gang?rolle=builder'],
};
const ROLE = { developer: 'builder', contractor: 'builder', hauler: 'hauler', operator: 'operator', municipality: 'municipality', admin: 'admin' };
const SHOWN = ['builder', 'hauler', 'operator', 'municipality'];

export function guideView({ root, query }) {
  const s = getSession();
  const own = s ? ROLE[s.user.role] || 'visitor' : 'visitor';
  const asked = query?.get('rolle');
  const role = asked && GUIDES[asked] ? asked : own;
  root.append(h('h1', {}, t('guide.title')),
    h('p', { class: 'guide-for' }, t(`guide.${role}.intro`)));
  root.append(h('ol', { class: 'guide-steps', 'data-role': role }, GUIDES[role].map((href, i) => {
    const k = `guide.${role}.${i + 1}`;
    return h('li', { class: 'card guide-step' },
      h('h2', {}, t(`${k}.title`)),
      h('p', {}, t(`${k}.text`)),
      h('p', {}, h('a', { href }, t(`${k}.link`))));
  })));
  root.append(h('nav', { class: 'guide-roles', 'aria-labelledby': 'guide-roles-h' },
    h('h2', { id: 'guide-roles-h' }, t('guide.others')),
    h('ul', {}, SHOWN.filter((r) => r !== role).map((r) => h('li', {}, h('a', { href: `#/kom-i-gang?rolle=${r}` }, t(`guide.role.${r}`)))),
      role !== own ? h('li', {}, h('a', { href: '#/kom-i-gang' }, t('guide.mine'))) : null)));
}
