// Ids inside examples carry the prefix of what they identify (sess_, agt_, rec_, anl_, kst_, evt_, ...), so a
// copy-pasted example never teaches a wrong id. Checks example values (named examples, schema `examples`,
// `example`) and parameter examples by parameter name.
const BY_OBJECT = {
  session: 'sess_',
  agent: 'agt_',
  recording: 'rec_',
  analysis: 'anl_',
  transcript: 'trn_sess_',
  webhook_event: 'evt_',
};
const BY_KEY = {
  session_id: 'sess_',
  agent_id: 'agt_',
  recording_id: 'rec_',
  analysis_id: 'anl_',
  knowledge_base_id: 'kb_',
  connection_id: 'pcon_',
  token: 'kst_',
};
// List cursors point at the listed objects.
const LIST_ITEM_PREFIX = (list) => BY_OBJECT[list?.data?.[0]?.object];

function check(value, path, results) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => check(v, [...path, i], results));
    return;
  }
  if (!value || typeof value !== 'object') return;
  const expectId = BY_OBJECT[value.object] ?? (value.api_version !== undefined && value.type !== undefined ? 'evt_' : undefined);
  if (expectId && typeof value.id === 'string' && !value.id.startsWith(expectId)) {
    results.push({ message: `Example id "${value.id}" of a ${value.object ?? 'webhook event'} must start with "${expectId}".`, path: [...path, 'id'] });
  }
  if (value.object === 'list' && typeof value.next_cursor === 'string') {
    const prefix = LIST_ITEM_PREFIX(value);
    if (prefix && !value.next_cursor.startsWith(prefix)) {
      results.push({ message: `Example next_cursor "${value.next_cursor}" must start with "${prefix}".`, path: [...path, 'next_cursor'] });
    }
  }
  for (const [key, v] of Object.entries(value)) {
    const prefix = BY_KEY[key];
    if (prefix && typeof v === 'string' && !v.startsWith(prefix)) {
      results.push({ message: `Example ${key} "${v}" must start with "${prefix}".`, path: [...path, key] });
    }
    check(v, [...path, key], results);
  }
}

export default function oasExampleIdPrefix(node, _options, context) {
  const results = [];
  const at = context.path;
  const key = at[at.length - 1];
  if (key === 'example') {
    check(node, [...at], results);
  } else if (key === 'examples' && Array.isArray(node)) {
    node.forEach((v, i) => check(v, [...at, i], results));
  } else if (key === 'examples' && node && typeof node === 'object') {
    // Named examples of a media type or parameter: { name: { value } }.
    for (const [name, ex] of Object.entries(node)) {
      if (ex && typeof ex === 'object' && 'value' in ex) check(ex.value, [...at, name, 'value'], results);
    }
  } else if (node && typeof node === 'object' && typeof node.name === 'string' && node.in) {
    // A parameter: its examples follow the parameter name (session_id → sess_, starting_after → schema).
    const prefix = BY_KEY[node.name] ?? (typeof node.schema?.pattern === 'string' ? node.schema.pattern.match(/^\^([a-z_]+_)/)?.[1] : undefined);
    if (prefix && node.examples && typeof node.examples === 'object') {
      for (const [name, ex] of Object.entries(node.examples)) {
        if (typeof ex?.value === 'string' && !ex.value.startsWith(prefix)) {
          results.push({ message: `Example of parameter ${node.name} "${ex.value}" must start with "${prefix}".`, path: [...at, 'examples', name, 'value'] });
        }
      }
    }
  }
  return results;
}
