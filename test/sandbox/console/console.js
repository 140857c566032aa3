// Installer / property-desk console for the Lintel sandbox. Plain DOM, no external resources:
// the page's CSP allows only same-origin scripts, styles and fetches.
'use strict';

const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') node.className = v;
      else if (k === 'onclick') node.addEventListener('click', v);
      else node.setAttribute(k, v);
    }
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

async function api(method, path, body) {
  const res = await fetch('/console/api/' + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || ('HTTP ' + res.status));
  return data;
}

function fmtTime(ms) {
  return new Date(ms).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

function setStatus(text, cls) {
  const s = $('status');
  s.textContent = text;
  s.className = cls || '';
}

let lastHouseOptions = '';

function renderHouseOptions(houses) {
  const key = houses.map((h) => h.houseSpaceId).join(',');
  if (key === lastHouseOptions) return;
  lastHouseOptions = key;
  const select = $('house');
  const chosen = select.value;
  select.replaceChildren(el('option', { value: '' }, '请选择房屋或物业服务中心'));
  for (const h of houses) {
    const label = h.kind === 'office' ? h.houseName + '（物业）' : h.houseName;
    select.append(el('option', { value: h.houseSpaceId }, label));
  }
  select.value = chosen;
}

function renderHouses(houses) {
  const rows = houses.map((h) => {
    const cell = el('td');
    if (h.bindings.length === 0) cell.append(el('span', { class: 'muted' }, '无'));
    for (const b of h.bindings) {
      cell.append(el('div', { class: 'binding' },
        el('span', null, b.nickName + '（' + b.deviceId + '，SIP ' + b.sipNumber + '，' + fmtTime(b.createdAt) + ' 绑定）'),
        el('button', { class: 'danger', type: 'button', onclick: () => unbind(b) }, '解绑')));
    }
    const name = h.kind === 'office' ? h.houseName + '（物业）' : h.houseName;
    const ringCell = el('td', null, el('button', { type: 'button', 'aria-label': '呼叫 ' + name, onclick: () => ring(h, name) }, '呼叫'));
    return el('tr', null, el('td', null, name), el('td', null, el('code', null, h.houseSpaceId)),
      el('td', null, el('code', null, h.sipGroupId || '')), cell, ringCell);
  });
  $('houses').replaceChildren(...rows);
}

function renderPending(list) {
  if (list.length === 0) {
    $('pending').replaceChildren(el('tr', null, el('td', { colspan: '6', class: 'muted' }, '暂无等待绑定的面板')));
    return;
  }
  $('pending').replaceChildren(...list.map((p) => el('tr', null,
    el('td', null, el('code', null, p.deviceId)),
    el('td', null, p.deviceType),
    el('td', null, el('code', null, p.qrCode)),
    el('td', null, p.expireTime),
    el('td', { class: p.expired ? 'bad' : 'ok' }, p.expired ? '已失效，请在面板上刷新二维码' : '有效'),
    el('td', null, el('button', { class: 'link', type: 'button', onclick: () => { $('qr').value = p.qrCode; $('house').focus(); } }, '使用此码')))));
}

const EVENT_NAMES = { 'door-open': '开门', bind: '绑定', unbind: '解绑' };

function renderEvents(list) {
  if (list.length === 0) {
    $('events').replaceChildren(el('tr', null, el('td', { colspan: '3', class: 'muted' }, '暂无记录')));
    return;
  }
  $('events').replaceChildren(...list.slice(0, 50).map((e) => {
    const d = e.detail || {};
    let text;
    if (e.kind === 'door-open') text = (d.houseName || '') + ' 的面板打开了 ' + (d.doorName || d.iotId || '');
    else if (e.kind === 'bind') text = '面板 ' + (d.deviceId || '') + ' 绑定到 ' + (d.houseName || '');
    else if (e.kind === 'unbind') text = '面板 ' + (d.deviceId || '') + ' 从 ' + (d.houseName || '') + ' 解绑';
    else text = JSON.stringify(d);
    return el('tr', null, el('td', null, fmtTime(e.at)), el('td', null, EVENT_NAMES[e.kind] || e.kind), el('td', null, text));
  }));
}

const CALL_STATES = { calling: '呼叫中', ringing: '振铃', early: '振铃（预览视频）', answered: '已接听', ended: '已结束', failed: '失败' };
const OPEN_METHODS = { info: 'SIP INFO 开锁', dtmf: 'DTMF *' };

async function ring(h, name) {
  const out = $('ring-result');
  out.textContent = '正在呼叫 ' + name + '…';
  out.className = 'muted';
  try {
    const r = await api('POST', 'ring', { houseSpaceId: h.houseSpaceId });
    const parts = r.calls.map((c) => c.target + '：' + (CALL_STATES[c.state] || c.state) + (c.endReason ? '（' + c.endReason + '）' : '') + (c.error ? '（' + c.error + '）' : ''));
    out.textContent = r.door.nickName + ' 呼叫 ' + r.houseName + (r.via === 'group' ? '（SIP 组）' : '') + '：' + (parts.join('；') || '无呼叫对象');
    out.className = r.calls.some((c) => c.state === 'failed' || (c.state === 'ended' && c.statusCode)) ? 'bad' : 'ok';
  } catch (err) {
    out.textContent = '呼叫失败：' + err.message;
    out.className = 'bad';
  }
}

function renderDoorEvents(list) {
  if (list.length === 0) {
    $('door-events').replaceChildren(el('tr', null, el('td', { colspan: '4', class: 'muted' }, '暂无开门记录')));
    return;
  }
  $('door-events').replaceChildren(...list.slice(0, 50).map((e) => {
    const d = e.detail || {};
    const method = d.source === 'door-station' ? (OPEN_METHODS[d.method] || d.method) + (d.reqsn !== undefined ? '（reqsn ' + d.reqsn + '）' : '') : '云端开门接口' + (d.api ? '（' + d.api + '）' : '');
    const who = (d.houseName ? d.houseName + ' ' : '') + (d.sipNumber ? 'SIP ' + d.sipNumber : (d.deviceId || ''));
    return el('tr', null, el('td', null, fmtTime(e.at)), el('td', null, d.doorName || d.iotId || ''), el('td', null, method), el('td', null, who));
  }));
}

const NOTICE_TYPES = ['', '社区公告', '账单通知', '缴费结果', '业务受理', '业务办结', '小区通知', '活动推荐', '物业服务', '便民生活'];
const DEVICE_STATES = { online: '在线', offline: '离线', 'send-fail': '发送到设备失败' };
const DIRECTIONS = ['', '↑', '↓'];
let houseNames = {};
let lastTargets = '';
let pushDown = false;

function renderNoticeTargets(houses) {
  houseNames = Object.fromEntries(houses.map((h) => [h.houseSpaceId, h.houseName]));
  const key = houses.map((h) => h.houseSpaceId).join(',');
  if (key === lastTargets) return;
  lastTargets = key;
  const select = $('notice-target');
  const chosen = select.value;
  select.replaceChildren(el('option', { value: '' }, '全小区'), ...houses.map((h) => el('option', { value: h.houseSpaceId }, h.houseName)));
  select.value = chosen;
}

function renderNotices(list) {
  if (list.length === 0) {
    $('notices').replaceChildren(el('tr', null, el('td', { colspan: '6', class: 'muted' }, '暂无公告')));
    return;
  }
  $('notices').replaceChildren(...list.slice(0, 50).map((n) => el('tr', null,
    el('td', null, fmtTime(n.gmtCreate)),
    el('td', null, n.title),
    el('td', null, NOTICE_TYPES[n.type] || String(n.type)),
    el('td', null, n.publishRange === 0 ? '全小区' : n.spaceIds.map((id) => houseNames[id] || id).join('、')),
    el('td', null, n.isTop ? '是' : ''),
    el('td', null, el('button', { class: 'danger', type: 'button', onclick: () => withdraw(n) }, '撤回')))));
}

function renderDevices(doors, elevators) {
  const stateButtons = (iotId, states) => el('td', null, ...states.map((st) =>
    el('button', { type: 'button', class: 'link', onclick: () => setDeviceState(iotId, st) }, DEVICE_STATES[st])));
  const rows = [
    ...doors.map((d) => el('tr', null, el('td', null, d.nickName), el('td', null, el('code', null, d.iotId)),
      el('td', { class: d.status === 1 ? 'ok' : 'bad' }, d.status === 1 ? '在线' : '离线'), el('td', null, ''),
      stateButtons(d.iotId, ['online', 'offline']))),
    ...elevators.map((e) => el('tr', null, el('td', null, e.nickName), el('td', null, el('code', null, e.iotId)),
      el('td', { class: e.state === 'online' ? 'ok' : 'bad' }, DEVICE_STATES[e.state]),
      el('td', null, e.carsNow.map((c) => c.name + ' ' + c.floor + '层' + (c.carStatus === 1 ? DIRECTIONS[c.direction] || '' : '（停）')).join('；')),
      stateButtons(e.iotId, ['online', 'offline', 'send-fail']))),
  ];
  $('devices').replaceChildren(...rows);
}

function renderPush(p) {
  pushDown = p.down;
  $('push-state').textContent = p.down ? '已关闭（面板改为轮询）' : '正常，' + p.subscribers + ' 个订阅';
  $('push-toggle').textContent = p.down ? '恢复推送' : '关闭推送';
}

async function withdraw(n) {
  if (!window.confirm('确定要撤回公告“' + n.title + '”吗？')) return;
  try {
    await api('POST', 'notices/delete', { messageId: n.messageId });
    setStatus('已撤回公告 ' + n.title, 'ok');
  } catch (err) {
    setStatus('撤回失败：' + err.message, 'bad');
  }
  await refresh();
}

async function setDeviceState(iotId, state) {
  try {
    await api('POST', 'device-state', { iotId, state });
    setStatus(iotId + ' 已设为' + DEVICE_STATES[state], 'ok');
  } catch (err) {
    setStatus('设置失败：' + err.message, 'bad');
  }
  await refresh();
}

async function refresh() {
  try {
    const [houses, pending, events, doorEvents, notices, doors, elevators, push] = await Promise.all([
      api('GET', 'houses'), api('GET', 'pending'), api('GET', 'events'), api('GET', 'door-events'),
      api('GET', 'notices'), api('GET', 'doors'), api('GET', 'elevators'), api('GET', 'push'),
    ]);
    renderHouseOptions(houses);
    renderHouses(houses);
    renderPending(pending);
    renderEvents(events);
    renderDoorEvents(doorEvents);
    renderNoticeTargets(houses);
    renderNotices(notices);
    renderDevices(doors, elevators);
    renderPush(push);
    setStatus('已更新 ' + fmtTime(Date.now()), 'muted');
  } catch (err) {
    setStatus('无法连接沙箱：' + err.message, 'bad');
  }
}

async function unbind(b) {
  if (!window.confirm('确定要解绑 ' + b.houseName + ' 的面板“' + b.nickName + '”吗？')) return;
  try {
    await api('POST', 'unbind', { bindId: b.bindId });
    setStatus('已解绑 ' + b.houseName + ' 的面板', 'ok');
  } catch (err) {
    setStatus('解绑失败：' + err.message, 'bad');
  }
  await refresh();
}

$('bind-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const result = $('bind-result');
  const qrCode = $('qr').value.trim();
  const houseSpaceId = $('house').value;
  if (!qrCode || !houseSpaceId) {
    result.textContent = '请填写二维码内容并选择房屋';
    result.className = 'bad';
    return;
  }
  try {
    const body = { qrCode, houseSpaceId };
    const nick = $('nick').value.trim();
    if (nick) body.deviceNickName = nick;
    const b = await api('POST', 'bind', body);
    result.textContent = '绑定成功：' + b.houseName + '（绑定 ID ' + b.bindId + '）';
    result.className = 'ok';
    $('qr').value = '';
  } catch (err) {
    result.textContent = '绑定失败：' + err.message;
    result.className = 'bad';
  }
  await refresh();
});

$('notice-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const result = $('notice-result');
  const body = { title: $('notice-title').value.trim(), text: $('notice-text').value.trim(), type: Number($('notice-type').value), isTop: $('notice-top').checked };
  const target = $('notice-target').value;
  if (target) body.houseSpaceId = target;
  try {
    const n = await api('POST', 'notices', body);
    result.textContent = '已发布：' + n.title + '（' + (n.publishRange === 0 ? '全小区' : houseNames[target] || target) + '）';
    result.className = 'ok';
    $('notice-title').value = '';
    $('notice-text').value = '';
  } catch (err) {
    result.textContent = '发布失败：' + err.message;
    result.className = 'bad';
  }
  await refresh();
});

$('push-toggle').addEventListener('click', async () => {
  try {
    await api('POST', 'push', { down: !pushDown });
  } catch (err) {
    setStatus('切换推送失败：' + err.message, 'bad');
  }
  await refresh();
});

refresh();
setInterval(refresh, 3000);
