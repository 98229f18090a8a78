// test_flow.mjs: one matter from a resident's phone to its public closing,
// in a real browser on a fresh ledger. A resident on a 375×812 touch phone
// hands in a request with a photo (file chooser), sees "正在提交…" while it
// uploads, gets the number, 查询码 and QR code; later finds it again by
// number and 查询码. A clerk and a handler at 1366×768 desks take it from
// the inbox through accept, assign, progress and resolve; the resident sees
// the progress and rates it; a leader closes it (销号). The board and the
// kiosk show it struck through. axe-core runs on every page visited; each
// step leaves a screenshot in BUILD/artifacts/browser/.
import {
  Server, launch, check, section, done, note, shot, axe, watch, login, pngPhoto, sleep, PHONE, DESK,
} from './lib/harness.mjs';

const TITLE = '新华社区3号楼前井盖松动';
const NAME = '李秀英';
const PHONE_NO = '13987654321';
const t0 = Date.now();
const server = await new Server({ label: 'flow server' }).start();
const browser = await launch();
/** A browser context whose pages' problems are collected (harness watch()). */
const ctx = async (opts, label) => {
  const c = await browser.newContext(opts);
  c.label = label;
  c.problems = watch(c, label);
  c.setDefaultTimeout(10000);
  return c;
};
const phone = await ctx(PHONE, 'phone');
const desk = await ctx(DESK, 'clerk');
const deskH = await ctx(DESK, 'handler');
const deskL = await ctx(DESK, 'leader');
let number = null, secret = null;

/** The form of one action on a staff matter page (its folded <details>). */
function actionForm(page, action) {
  return page.locator(`form:has(input[name=action][value=${action}])`);
}

async function act(page, action, fill) {
  const form = actionForm(page, action);
  const details = page.locator('details', { has: form });
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  if (fill) await fill(form);
  await Promise.all([page.waitForURL(new RegExp(`done=${action}`)), form.locator('button[type=submit]').click()]);
}

await section('empty states on a fresh ledger', async () => {
  const page = await phone.newPage();
  await page.goto(server.url('/board'));
  check('board: empty state 暂无… on a fresh ledger', /暂无符合条件的事项/.test(await page.locator('.empty').innerText()));
  await shot(page, 'board-empty');
  await axe(page, 'board (empty, phone)');
  await page.goto(server.url('/screen'));
  check('kiosk: empty state on a fresh ledger', await page.getByText('暂无正在办理的公开事项').isVisible());
  await page.close();
});

await section('resident submits on a phone', async () => {
  const page = await phone.newPage();
  await page.goto(server.url('/'));
  await axe(page, 'home (phone)');
  await shot(page, 'resident-home');
  await Promise.all([page.waitForURL(/\/submit$/), page.getByRole('link', { name: /我要反映/ }).first().tap()]);
  await axe(page, 'submit form (phone)');
  await page.locator('#subkind').selectOption('求助');
  await page.locator('#category').selectOption({ index: 1 });
  await page.locator('#area').selectOption({ label: '新华社区' });
  await page.locator('#title').fill(TITLE);
  await page.locator('#description').fill('3号楼单元门前的井盖一踩就晃，晚上看不清，老人孩子经过很危险，请尽快维修。');
  await page.locator('#address').fill('新华社区3号楼1单元门前');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#photo').tap()]);
  await chooser.setFiles({ name: 'jinggai.png', mimeType: 'image/png', buffer: pngPhoto() });
  await page.locator('#name').fill(NAME);
  await page.locator('#phone').fill(PHONE_NO);
  check('submit: 同意公开 is ticked by default', await page.locator('input[name=is_public]').isChecked());
  await shot(page, 'resident-form-filled');

  // Hold the upload in flight so the page's own feedback can be seen.
  let release;
  const gate = new Promise((r) => { release = r; });
  await page.route('**/submit', async (route) => {
    if (route.request().method() === 'POST') await gate;
    await route.continue();
  });
  // The page is mid-navigation while the upload is held, so the button is
  // watched from inside the page and reported through a binding.
  let busy = null;
  await page.exposeFunction('tzBusy', (state) => { busy = busy || state; });
  await page.evaluate(() => {
    const b = document.querySelector('form[data-busy] button[type=submit]');
    new MutationObserver(() => window.tzBusy(`${b.disabled} ${b.textContent}`))
      .observe(b, { attributes: true, childList: true, subtree: true, characterData: true });
  });
  await page.locator('form[data-busy] button[type=submit]').tap();
  try {
    for (let i = 0; i < 50 && !busy; i++) await sleep(100);
    check('submit: the button says 正在提交… and is disabled while the photo uploads', busy === 'true 正在提交…',
      `button: ${busy}`);
  } finally {
    release();
  }
  await page.waitForURL(/\/t\/TZ-\d{4}-\d{6}\?k=.*new=1/);
  await page.unroute('**/submit');
  const codes = await page.locator('.success-box .codes dd').allInnerTexts();
  [number, secret] = codes;
  check('submit: number and 查询码 shown', /^TZ-\d{4}-\d{6}$/.test(number || '') && (secret || '').length >= 6, codes.join(' / '));
  const qr = page.locator('.success-box img.qr');
  const qrOk = await qr.evaluate((img) => img.complete && img.naturalWidth > 100);
  check('submit: the QR code image loads', qrOk);
  check('submit: the QR code leads to this tracking page', (await qr.getAttribute('src')).startsWith(`/t/${number}/qr.svg?k=`));
  check('submit: the photo stays off the public page until staff publish it',
    (await page.locator('.photos img').count()) === 0);
  const text = await page.locator('body').innerText();
  check('submit: the tracking page never shows the name or phone', !text.includes(NAME) && !text.includes(PHONE_NO));
  await axe(page, 'tracking page after submission (phone)');
  await shot(page, 'resident-submitted');
  await page.close();
});

await section('clerk accepts and assigns', async () => {
  const page = await desk.newPage();
  await login(page, server, 'clerk1');
  await page.goto(server.url('/staff/inbox'));
  await axe(page, 'inbox (clerk)');
  await shot(page, 'clerk-inbox');
  await Promise.all([page.waitForURL(/\/staff\/m\//), page.getByRole('link', { name: TITLE }).first().click()]);
  const body = await page.locator('main').innerText();
  check('clerk: the matter page shows the resident\'s name and phone to staff', body.includes(NAME) && body.includes(PHONE_NO));
  const photo = page.locator('main .photos img');
  check('clerk: the resident\'s photo arrived and shows on the matter page', (await photo.count()) === 1 &&
    (await photo.first().evaluate((i) => i.complete && i.naturalWidth === 64)));
  await axe(page, 'matter page (clerk, submitted)');
  await shot(page, 'clerk-matter');
  await act(page, 'accept', (f) => f.locator('textarea[name=note]').fill('已受理，转城市管理局。'));
  check('clerk: accepted', /已受理/.test(await page.locator('main .status').first().innerText()));
  await act(page, 'assign', async (f) => {
    await f.locator('select[name=department]').selectOption({ label: '城市管理局' });
    await f.locator('select[name=assignee]').selectOption({ label: '刘承办' });
  });
  check('clerk: assigned', /已派单/.test(await page.locator('main .status').first().innerText()));
  await axe(page, 'matter page (clerk, assigned)');
  await shot(page, 'clerk-assigned');
  await page.close();
});

await section('handler reports progress and resolves', async () => {
  const page = await deskH.newPage();
  await login(page, server, 'hroad');
  await page.goto(server.url('/staff/queue'));
  await axe(page, 'department queue (handler)');
  await shot(page, 'handler-queue');
  await Promise.all([page.waitForURL(/\/staff\/m\//), page.getByRole('link', { name: TITLE }).first().click()]);
  await act(page, 'progress', (f) => f.locator('textarea[name=note]').fill('已联系群众，安排明天上午现场更换井盖。'));
  await act(page, 'resolve', (f) => f.locator('textarea[name=note]').fill('井盖已更换为防滑防盗井盖，并加装反光标识。'));
  check('handler: resolved', /已办结/.test(await page.locator('main .status').first().innerText()));
  await axe(page, 'matter page (handler, resolved)');
  await shot(page, 'handler-resolved');
  await page.close();
});

await section('resident finds it again, sees progress and rates', async () => {
  const page = await phone.newPage();
  await page.goto(server.url('/'));
  await Promise.all([page.waitForURL(/\/t$/), page.getByRole('link', { name: /进度查询/ }).first().tap()]);
  await axe(page, 'tracking lookup (phone)');
  await page.locator('#number').fill(number.toLowerCase());
  await page.locator('#k').fill(secret);
  await Promise.all([page.waitForURL(new RegExp(`/t/${number}\\?k=`)), page.locator('main button[type=submit]').tap()]);
  const text = await page.locator('main').innerText();
  check('resident: sees the progress note and the result', text.includes('安排明天上午现场更换井盖') &&
    text.includes('防滑防盗井盖'));
  check('resident: status 已办结', /已办结/.test(await page.locator('.facts .status').innerText()));
  await axe(page, 'tracking page with rating form (phone)');
  await shot(page, 'resident-progress');
  await page.getByLabel('满意', { exact: true }).check();
  await page.locator('#note').fill('修得很快，谢谢！');
  await Promise.all([page.waitForURL(/rated=1/), page.getByRole('button', { name: '提交评价' }).tap()]);
  check('resident: thanked for the rating', await page.getByText('感谢您的评价').isVisible());
  check('resident: the rating is shown', (await page.locator('main').innerText()).includes('满意'));
  await axe(page, 'tracking page after rating (phone)');
  await shot(page, 'resident-rated');
  await page.close();
});

await section('leader closes (销号)', async () => {
  const page = await deskL.newPage();
  await login(page, server, 'leader1');
  await axe(page, 'wall chart (leader)');
  await shot(page, 'leader-dashboard');
  await page.goto(server.url(`/staff/m/${number}`));
  await act(page, 'close', (f) => f.locator('textarea[name=note]').fill('现场核验，井盖已更换，群众满意。'));
  check('leader: closed', /已销号/.test(await page.locator('main .status').first().innerText()));
  await axe(page, 'matter page (leader, closed)');
  await shot(page, 'leader-closed');
  await page.close();
});

await section('the board and the kiosk show it closed', async () => {
  const page = await phone.newPage();
  await page.goto(server.url('/board'));
  const row = page.locator('tr.closed', { hasText: number });
  check('board: the closed matter is listed', (await row.count()) === 1);
  const deco = await row.locator('td.title a').evaluate((a) => getComputedStyle(a).textDecorationLine);
  check('board: the closed matter is struck through', deco.includes('line-through'), deco);
  await axe(page, 'board (phone)');
  await shot(page, 'board-phone');
  const wide = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const kiosk = await wide.newPage();
  await kiosk.goto(server.url('/screen'));
  const closed = kiosk.locator('[data-slide=closed] li', { hasText: number });
  check('kiosk: the closed matter is on the 销号 slide, struck through', (await closed.count()) === 1 &&
    (await closed.locator('s').count()) === 1);
  // The whole document, hidden slides and attributes too, not what is on screen now.
  const html = await kiosk.content();
  check('kiosk: no name or phone anywhere in the page', !html.includes(NAME) && !html.includes(PHONE_NO));
  await wide.close();
  await page.close();
});

for (const c of [phone, desk, deskH, deskL]) {
  check(`${c.label}: no console error, failed request or 5xx`,
    c.problems.length === 0, c.problems.join('\n'));
  await c.close();
}
await browser.close();
await server.close();
note(`flow took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
done();
