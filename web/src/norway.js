/*
 * norway.js - a rough outline of mainland Norway, [lat, lon] WGS84.
 *
 * Drawn by hand from about fifty points along the coast and the borders
 * with Sweden, Finland and Russia, so that the map still shows where it is
 * when no base map tiles can be reached (offline site, blocked tile
 * server, tests). It is a picture, not a boundary: positions are checked
 * against Norway by the server, never against this polygon.
 */
export const NORWAY_OUTLINE = [
  [57.98, 7.05], [58.15, 8.0], [58.46, 8.77], [59.0, 9.75], [59.45, 10.45], [59.9, 10.72],
  [59.2, 10.95], [59.1, 11.4], [59.8, 11.85], [60.5, 12.5], [60.9, 12.6], [61.6, 12.3],
  [62.3, 12.1], [63.0, 12.0], [63.6, 12.7], [64.5, 14.1], [65.1, 14.4], [65.7, 14.5],
  [66.1, 15.4], [66.8, 15.6], [67.9, 17.2], [68.4, 18.1], [68.6, 20.0], [69.05, 20.55],
  [68.6, 21.8], [68.45, 23.0], [68.65, 24.0], [68.7, 25.0], [69.6, 25.9], [69.95, 26.5],
  [69.9, 28.0], [69.05, 28.9], [69.7, 30.8], [70.1, 31.1], [70.5, 30.3], [70.9, 28.6],
  [71.1, 25.8], [70.7, 23.3], [70.2, 19.7], [69.8, 18.0], [69.0, 15.5], [68.2, 13.0],
  [67.3, 14.3], [66.0, 12.5], [65.0, 11.3], [64.5, 10.3], [63.7, 9.0], [63.4, 8.1],
  [62.7, 6.7], [62.3, 5.6], [62.0, 5.1], [61.2, 4.8], [60.4, 5.0], [59.4, 5.2],
  [58.9, 5.6], [58.4, 6.0], [58.1, 6.6],
];
