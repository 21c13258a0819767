// join.js — /join: the guest link of one of the server's addresses as a full-screen QR code
// (server-made SVG), with a chooser when the server has several addresses. ?host= picks one.
import * as api from './api.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

async function show(link) {
  $('join-url').textContent = link.url;
  try {
    const old = $('join-qr').src;
    $('join-qr').src = await api.joinQrUrl(link.host);
    if (old.startsWith('blob:')) URL.revokeObjectURL(old);
  } catch (err) {
    $('join-error').textContent = err.message;
    $('join-error').hidden = false;
  }
}

async function main() {
  let links;
  try {
    ({ links } = await api.joinLinks());
  } catch (err) {
    $('join-error').textContent = `${err.message}. Open the owner link first, on this browser.`;
    $('join-error').hidden = false;
    return;
  }
  const loopback = (h) => h === 'localhost' || h === '::1' || h.startsWith('127.');
  const wanted = params.get('host');
  const link = links.find((l) => l.host === wanted) || links.find((l) => !loopback(l.host)) || links[0];
  if (links.length > 1) {
    const select = $('join-host');
    for (const l of links) select.append(new Option(l.host, l.host, false, l === link));
    select.addEventListener('change', () => {
      const next = links.find((l) => l.host === select.value);
      params.set('host', next.host);
      history.replaceState(null, '', `?${params}`);
      show(next);
    });
    $('join-host-label').hidden = false;
  }
  show(link);
}

main();
