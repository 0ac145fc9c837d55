// Where things are on the waterfall, from the geometry the app says it draws with (the timeline
// canvas's `data-geometry`: axis height, row height, label width, bar area, scroll), so tests
// never repeat pixel constants.

/** The canvas's box on the page and its geometry. */
export async function timelineGeometry(page) {
  const canvas = page.locator('[data-testid=timeline-canvas]');
  const box = await canvas.boundingBox();
  const g = JSON.parse(await canvas.getAttribute('data-geometry'));
  return { box, g };
}

/** The page point in the middle of row `i` (0 = the first row under the axis), `share` of the
 * canvas width across (0.6: over the bars). */
export async function rowPoint(page, i, share = 0.6) {
  const { box, g } = await timelineGeometry(page);
  return {
    x: box.x + box.width * share,
    y: box.y + g.axis_height_px + g.row_height_px * i + g.row_height_px / 2 - g.scroll_top_px,
  };
}

/** The page point over the time axis, `share` of the canvas width across. */
export async function axisPoint(page, share = 0.6) {
  const { box, g } = await timelineGeometry(page);
  return { x: box.x + box.width * share, y: box.y + g.axis_height_px / 2 };
}
