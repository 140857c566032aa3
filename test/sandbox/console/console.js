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
    const method = d.source === 'door-station' ? (OPEN_METHODS[d.method] || d.method) + (d.reqsn !== undefined ? '（reqsn ' + d.reqsn + '）' : '') : '云端开门接口';
    const who = (d.houseName ? d.houseName + ' ' : '') + (d.sipNumber ? 'SIP ' + d.sipNumber : (d.deviceId || ''));
    return el('tr', null, el('td', null, fmtTime(e.at)), el('td', null, d.doorName || d.iotId || ''), el('td', null, method), el('td', null, who));
  }));
}

async function refresh() {
  try {
    const [houses, pending, events, doorEvents] = await Promise.all([
      api('GET', 'houses'), api('GET', 'pending'), api('GET', 'events'), api('GET', 'door-events'),
    ]);
    renderHouseOptions(houses);
    renderHouses(houses);
    renderPending(pending);
    renderEvents(events);
    renderDoorEvents(doorEvents);
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

refresh();
setInterval(refresh, 3000);
