'use strict';
// The live page of `clambake web`. Every stored string reaches the page as a text node
// (el() below, textContent): nothing here parses data as HTML.

// The token is the first segment of the page's path, so every relative URL below carries it.
const TOKEN = location.pathname.split('/')[1];
const STATUSES = ['active', 'resolved', 'obsolete'];

const state = {
  project: new URLSearchParams(location.hash.slice(1)).get('project') || '',
  search: '',
  status: '',
  thread: null, // the id of a message whose conversation is open, or null
  skew: 0, // the database's clock minus this browser's, in ms
  overseer: 'human',
  instances: [],
  projects: [],
};

// The panels, by the name the server gives them: each renders its part of /api/panels.
// A new panel is one entry here, one <section> in index.html and one entry in Panels.ALL.
const panels = {
  instances: renderInstances,
  projects: renderProjects,
  messages: renderMessages,
  thread: renderThread,
  blockers: renderBlockers,
  memories: renderMemories,
  leases: renderLeases,
  log: renderLog,
};

function $(id) {
  return document.getElementById(id);
}

/** An element with attributes and children; strings become text nodes, never markup. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'data') {
      for (const [key, item] of Object.entries(value)) node.dataset[key] = String(item);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function age(iso) {
  const seconds = Math.max(0, Math.round((Date.now() + state.skew - Date.parse(iso)) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return seconds + 's ago';
  if (seconds < 3600) return Math.floor(seconds / 60) + 'm ago';
  if (seconds < 172800) return Math.floor(seconds / 3600) + 'h ago';
  return Math.floor(seconds / 86400) + 'd ago';
}

function time(iso) {
  return el('time', { class: 'age', datetime: iso, title: new Date(iso).toLocaleString() }, age(iso));
}

function who(name) {
  return name === state.overseer ? 'the human' : name;
}

function badge(text, kind) {
  return el('span', { class: 'badge' + (kind ? ' ' + kind : '') }, text);
}

function say(id, text, failed) {
  const output = $(id);
  output.textContent = text;
  output.dataset.failed = failed ? 'true' : 'false';
}

function fill(list, rows, empty) {
  list.replaceChildren(...(rows.length ? rows : [el('li', { class: 'row empty' }, empty)]));
}

// ---- fetching: one request at a time; changes that arrive meanwhile are fetched next, together

let loading = false;
const pending = new Set();

function refresh(names) {
  for (const name of names) if (name in panels) pending.add(name);
  if (!loading && pending.size) load();
}

async function load() {
  loading = true;
  const names = [...pending];
  pending.clear();
  const query = new URLSearchParams({
    names: names.join(','),
    project: state.project,
    search: state.search,
    status: state.status,
    thread: state.thread || '',
  });
  try {
    const response = await fetch('api/panels?' + query, { cache: 'no-store' });
    const doc = await response.json();
    if (!response.ok) throw new Error(doc.error ? doc.error.message : 'HTTP ' + response.status);
    state.skew = Date.parse(doc.now) - Date.now();
    state.overseer = doc.overseer;
    for (const [name, data] of Object.entries(doc.panels)) panels[name](data);
    document.body.dataset.loaded = 'true';
    // A load that failed (the database was down) said so in the badge: it is over.
    if ($('connection').dataset.state === 'problem') setConnection('live', 'live');
  } catch (e) {
    setConnection('problem', 'cannot load: ' + e.message);
  } finally {
    loading = false;
    if (pending.size) load();
  }
}

// ---- live updates: the server names the panels that changed

function setConnection(stateName, text) {
  const badgeNode = $('connection');
  badgeNode.dataset.state = stateName;
  badgeNode.textContent = text;
}

function connect() {
  const source = new EventSource('events');
  source.addEventListener('open', () => {
    setConnection('live', 'live');
    // Whatever changed while the stream was down is fetched now.
    refresh(Object.keys(panels));
  });
  source.addEventListener('change', (event) => refresh(JSON.parse(event.data).panels));
  source.addEventListener('error', () => {
    setConnection('reconnecting', 'reconnecting…');
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
  });
}

// ---- the human's actions: the token in a header, the page's own origin, a form body

async function act(name, fields) {
  const response = await fetch('api/actions/' + encodeURIComponent(name), {
    method: 'POST',
    headers: { 'X-Clambake-Token': TOKEN },
    body: new URLSearchParams(fields),
    cache: 'no-store',
  });
  let doc;
  try {
    doc = await response.json();
  } catch (e) {
    throw new Error('HTTP ' + response.status);
  }
  if (!response.ok) throw new Error(doc.error ? doc.error.message : 'HTTP ' + response.status);
  return doc;
}

// ---- panels

function renderInstances(data) {
  state.instances = data.instances;
  const stale = data.instances.filter((i) => i.stale).length;
  $('instances-count').textContent =
    data.instances.length - stale + ' live' + (stale ? ', ' + stale + ' stale' : '');
  const rows = data.instances.map((i) =>
    el(
      'li',
      { class: 'row instance' + (i.stale ? ' stale' : ''), data: { name: i.name } },
      el(
        'div',
        { class: 'line' },
        el('strong', { class: 'name' }, i.name),
        badge(i.project, 'project'),
        i.stale && badge('stale', 'warn'),
        el('span', { class: 'muted push' }, 'seen ', time(i.last_seen)),
      ),
      el('div', { class: 'task' + (i.task ? '' : ' muted') }, i.task || '(no task)'),
      el('div', { class: 'muted small' }, i.host + ' ', el('span', { class: 'dir' }, i.dir)),
    ),
  );
  fill($('instances'), rows, 'No live instance' + (state.project ? ' in ' + state.project : '') + '.');
  updateRecipients();
}

function renderProjects(data) {
  state.projects = data.projects;
  const names = data.projects.includes(state.project) || !state.project
    ? data.projects
    : [state.project, ...data.projects];
  $('project').replaceChildren(
    el('option', { value: '' }, 'all projects'),
    ...names.map((p) => el('option', { value: p, selected: p === state.project }, p)),
  );
  updateRecipients();
}

function updateRecipients() {
  const names = ['@all', ...state.projects.map((p) => '@project:' + p), ...state.instances.map((i) => i.name)];
  $('recipients').replaceChildren(...names.map((name) => el('option', { value: name })));
}

function renderMessages(data) {
  $('messages-count').textContent = data.messages.length ? 'latest ' + data.messages.length : '';
  const rows = data.messages.map((m) => {
    const threaded = m.thread_size > 1;
    const row = messageRow(m, threaded && badge('thread · ' + m.thread_size, 'thread'));
    if (!m.private && m.body) row.append(el('div', { class: 'body' }, m.body));
    if (threaded) {
      // A message with replies, or a reply: clicking it opens its whole conversation.
      row.classList.add('threaded');
      row.setAttribute('tabindex', '0');
      row.setAttribute('role', 'button');
      row.setAttribute('aria-label', 'show the conversation of message #' + m.id);
      row.addEventListener('click', () => openThread(m.id));
      row.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          openThread(m.id);
        }
      });
    }
    return row;
  });
  fill($('messages'), rows, 'No message yet.');
}

function openThread(id) {
  state.thread = id;
  $('thread-panel').hidden = false;
  $('thread-title').textContent = 'Conversation of #' + id;
  refresh(['thread']);
  $('thread-panel').scrollIntoView({ block: 'nearest' });
}

function closeThread() {
  state.thread = null;
  $('thread-panel').hidden = true;
  $('thread').replaceChildren();
}

/** The open conversation, oldest first; replies indented under what they answer. */
function renderThread(data) {
  if (!state.thread || data.id !== state.thread) return; // closed, or another opened meanwhile
  if (data.thread) $('thread-title').textContent = 'Conversation #' + data.thread;
  $('thread-count').textContent = data.messages.length ? String(data.messages.length) : '';
  const rows = data.messages.map((m) => {
    const row = messageRow(m);
    if (m.reply_to) row.classList.add('reply');
    if (m.id === state.thread) row.classList.add('chosen');
    if (!m.private && m.body) row.append(el('div', { class: 'body' }, m.body));
    return row;
  });
  fill($('thread'), rows, data.missing || 'This conversation has expired.');
}

function messageRow(m, ...extra) {
  const overseer = m.from_overseer || m.to_overseer;
  return el(
    'li',
    {
      class: 'row message type-' + m.type + (m.private ? ' private' : '') + (overseer ? ' overseer' : ''),
      data: { messageId: m.id },
    },
    el(
      'div',
      { class: 'line' },
      el('span', { class: 'id' }, '#' + m.id),
      badge(m.type, 'type ' + m.type),
      el('span', { class: 'route' }, who(m.from), ' → ', who(m.to)),
      el('span', { class: 'muted push' }, time(m.created_at)),
      ...extra,
    ),
    m.reply_to && replyLine(m),
    m.private
      ? el('div', { class: 'subject muted' }, 'direct message: private to its sender and recipient')
      : el('div', { class: 'subject' }, m.subject),
  );
}

/** "↳ re #5 Deploy?": the message a reply answers (its subject only when the human may read it). */
function replyLine(m) {
  return el(
    'div',
    { class: 'reply-to muted small' },
    '↳ re #' + m.reply_to,
    m.reply_to_subject ? ' ' + m.reply_to_subject : '',
  );
}

function closeButton(m) {
  const button = el('button', { type: 'button', class: 'close' }, 'Close');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await act('close', { id: m.id });
      say('blocker-result', 'closed blocker #' + m.id);
    } catch (e) {
      say('blocker-result', e.message, true);
      button.disabled = false;
    }
  });
  return button;
}

function renderBlockers(data) {
  $('blockers-count').textContent = data.blockers.length ? String(data.blockers.length) : '';
  $('unacknowledged-count').textContent = data.unacknowledged.length ? String(data.unacknowledged.length) : '';
  fill($('blockers'), data.blockers.map((m) => messageRow(m, closeButton(m))), 'No open blocker.');
  fill($('unacknowledged'), data.unacknowledged.map((m) => messageRow(m)), 'Every request is acknowledged.');
}

function renderMemories(data) {
  $('memories-count').textContent =
    data.memories.length + (data.more ? '+' : '') + (data.search ? ' matching' : '');
  const rows = data.memories.map((m) =>
    el(
      'li',
      { class: 'row memory status-' + m.status, data: { memoryId: m.id } },
      el(
        'div',
        { class: 'line' },
        el('span', { class: 'id' }, '#' + m.id),
        badge(m.type),
        badge(m.scope === 'global' ? 'global' : m.project, 'project'),
        el('strong', { class: 'title' }, m.title),
      ),
      el('div', { class: 'content' }, m.content),
      el(
        'div',
        { class: 'line muted small' },
        el('span', {}, m.author, ', updated ', time(m.updated_at)),
        statusChooser(m),
      ),
    ),
  );
  fill($('memories'), rows, data.search ? 'Nothing matches.' : 'No memory.');
}

function statusChooser(memory) {
  const select = el(
    'select',
    { class: 'status push', 'aria-label': 'status of memory #' + memory.id },
    ...STATUSES.map((s) => el('option', { value: s, selected: s === memory.status }, s)),
  );
  select.addEventListener('change', async () => {
    try {
      await act('update-memory', { id: memory.id, status: select.value });
      say('memory-result', 'memory #' + memory.id + ' is now ' + select.value);
    } catch (e) {
      say('memory-result', e.message, true);
      select.value = memory.status;
    }
  });
  return select;
}

function renderLeases(data) {
  $('leases-count').textContent = data.leases.length ? data.leases.length + ' active' : '';
  const rows = data.leases.map((l) =>
    el(
      'li',
      { class: 'row lease', data: { leaseId: l.id } },
      el(
        'div',
        { class: 'line' },
        el('strong', { class: 'target' }, l.kind === 'resource' ? 'resource ' + l.target : l.target),
        badge(l.shared ? 'shared' : 'exclusive', l.shared ? undefined : 'warn'),
        badge(l.project, 'project'),
        el('span', { class: 'muted push' }, 'until ' + new Date(l.expires_at).toLocaleTimeString()),
      ),
      el('div', { class: 'task' }, l.holder + ' on ' + l.host + (l.reason ? ': ' + l.reason : '')),
      el('div', { class: 'muted small' }, 'since ', time(l.since), l.task ? ' - ' + l.task : ''),
      l.holder_stale && forceRelease(l),
    ),
  );
  fill($('leases'), rows, 'No active lease' + (state.project ? ' in ' + state.project : '') + '.');
}

/** A button that takes a lease from a holder unseen for an hour (release --force, never a live holder's). */
function forceRelease(lease) {
  const button = el('button', { type: 'button', class: 'force' }, 'Release (holder unseen for an hour)');
  button.addEventListener('click', async () => {
    const fields = { project: lease.project };
    fields[lease.kind === 'resource' ? 'resource' : 'target'] = lease.target;
    try {
      await act('release-lease', fields);
      say('lease-result', 'released ' + lease.target + ' (held by ' + lease.holder + ')');
    } catch (e) {
      say('lease-result', e.message, true);
    }
  });
  return button;
}

function renderLog(data) {
  const rows = data.log.map((e) =>
    el(
      'li',
      { class: 'row log', data: { logId: e.id } },
      el(
        'div',
        { class: 'line' },
        el('strong', {}, e.instance),
        badge(e.action),
        badge(e.project, 'project'),
        el('span', { class: 'muted push' }, time(e.created_at)),
      ),
      el('div', { class: 'summary' }, e.summary),
    ),
  );
  fill($('log'), rows, 'Nothing logged yet.');
}

// ---- controls

function watchControls() {
  $('project').addEventListener('change', (event) => {
    state.project = event.target.value;
    history.replaceState(null, '', state.project ? '#project=' + encodeURIComponent(state.project) : '#');
    refresh(Object.keys(panels));
  });

  let typing;
  $('memory-search').addEventListener('input', (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.search = event.target.value.trim();
      refresh(['memories']);
    }, 250);
  });
  $('memory-status').addEventListener('change', (event) => {
    state.status = event.target.value;
    refresh(['memories']);
  });

  $('compose').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const fields = Object.fromEntries(new FormData(form));
    $('compose-send').disabled = true;
    try {
      const doc = await act('send', fields);
      say('compose-result', 'sent #' + doc.message.id + ' to ' + doc.message.to);
      $('compose-subject').value = '';
      $('compose-body').value = '';
    } catch (e) {
      say('compose-result', e.message, true);
    } finally {
      $('compose-send').disabled = false;
    }
  });
}

setInterval(() => {
  for (const node of document.querySelectorAll('time.age')) node.textContent = age(node.dateTime);
}, 5000);

// Every verb an agent runs moves its last-seen time, and that alone notifies nothing (a
// notification per verb would make the agents' commits queue): fetch those times now and then.
setInterval(() => refresh(['instances']), 10000);

$('thread-close').addEventListener('click', closeThread);
watchControls();
connect();
