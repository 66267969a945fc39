/*
 * leaflet-global.js - makes Leaflet the global "L" before the
 * markercluster plugin (a UMD script that extends window.L) is evaluated.
 * Import this module before 'leaflet.markercluster'; ES modules evaluate
 * in import order, so the plugin finds L.
 */
import L from 'leaflet';

window.L = L;
export default L;
