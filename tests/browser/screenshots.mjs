// screenshots.mjs: the README's pictures (`make screenshots`): the demo
// ledger (`taizhang demo`) served on a port of its own and photographed in
// chromium as a resident, the public and the staff see it. Not a test: it
// writes docs/screenshots/*.png (or the directory given) and says where.
import fs from 'node:fs';
import path from 'node:path';
import { Server, launch, login, PHONE, DESK, ROOT } from './lib/harness.mjs';

const out = path.resolve(process.argv[2] || path.join(ROOT, 'docs', 'screenshots'));
fs.mkdirSync(out, { recursive: true });
const server = await new Server({ label: 'demo', demo: true }).start();
const browser = await launch();
const MAX_H = 2200; // a long page is cut here: the README shows its top

async function take(ctx, name, p, { full = true, before } = {}) {
  const page = await ctx.newPage();
  await page.goto(server.url(p));
  if (before) await before(page);
  await page.waitForTimeout(700); // fonts, the kiosk's fade-in
  const size = page.viewportSize();
  const height = full ? Math.min(MAX_H, await page.evaluate(() => document.documentElement.scrollHeight)) : size.height;
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file, clip: { x: 0, y: 0, width: size.width, height }, fullPage: full, animations: 'disabled' });
  console.log(`${path.relative(ROOT, file)}  ${size.width}×${height}`);
  await page.close();
}

try {
  const phone = await browser.newContext({ ...PHONE, deviceScaleFactor: 1 });
  await take(phone, 'resident-form-phone', '/submit', {
    before: async (page) => {
      await page.locator('#subkind').selectOption('求助');
      await page.locator('#title').fill('新华社区3号楼前井盖松动');
      await page.locator('#description').fill('3号楼单元门前的井盖一踩就晃，晚上看不清，老人孩子经过很危险。');
    },
  });
  const desk = await browser.newContext(DESK);
  const board = await desk.newPage();
  await board.goto(server.url('/board?status=resolved'));
  const number = await board.locator('td.mono a').first().innerText();
  await board.close();
  await take(phone, 'tracking-phone', `/t/${number}`);
  await take(desk, 'board', '/board');
  const wide = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await take(wide, 'kiosk', '/screen?every=600', { full: false });
  const tall = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
  await take(tall, 'kiosk-portrait', '/screen?every=600', { full: false });
  const staff = await browser.newContext(DESK);
  const page = await staff.newPage();
  await login(page, server, 'leader');
  await page.close();
  await take(staff, 'staff-inbox', '/staff/inbox');
  await take(staff, 'matter-page', `/staff/m/${number}`);
  await take(staff, 'wall-chart', '/staff');
  const care = await browser.newContext({ ...PHONE, deviceScaleFactor: 1 });
  await care.addCookies([{ name: 'tz_care', value: '1', url: server.url('/') }]);
  await take(care, 'resident-home-care-phone', '/');
} finally {
  await browser.close();
  await server.close({ report: false });
}
