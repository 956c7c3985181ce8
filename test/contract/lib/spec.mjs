// Loads the bundled contract and compiles Ajv 2020 validators straight from it: every response (status,
// headers, body) and every stream message is checked against the documents themselves, never against
// a hand-written copy. Prism has allOf/oneOf/discriminator validation bugs, so nothing here relies on it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compileAsyncApi, compileOpenApi, escapePointer as esc, getPointer as get, HTTP_METHODS as METHODS, locate } from '@kallglot/spec/validators';

const require = createRequire(import.meta.url);
export { METHODS };

export function defaultSpecPaths() {
  return {
    openapi: require.resolve('@kallglot/spec/openapi.json'),
    asyncapi: require.resolve('@kallglot/spec/asyncapi.json'),
  };
}

export function loadContract(paths = defaultSpecPaths()) {
  const openapi = JSON.parse(readFileSync(paths.openapi, 'utf8'));
  const asyncapi = JSON.parse(readFileSync(paths.asyncapi, 'utf8'));
  const oa = compileOpenApi(openapi);
  const aa = compileAsyncApi(asyncapi);
  const operations = [];
  for (const [path, item0] of Object.entries(openapi.paths ?? {})) {
    const { node: item, pointer: itemPtr } = locate(openapi, `/paths/${esc(path)}`);
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const opPtr = `${itemPtr}/${method}`;
      const params = [...(item.parameters ?? []).map((_, i) => `${itemPtr}/parameters/${i}`), ...(op.parameters ?? []).map((_, i) => `${opPtr}/parameters/${i}`)]
        .map((p) => locate(openapi, p))
        .map(({ node, pointer }) => ({ ...node, pointer }));
      const responses = {};
      for (const status of Object.keys(op.responses ?? {})) {
        const { node: res, pointer: resPtr } = locate(openapi, `${opPtr}/responses/${esc(status)}`);
        const headers = {};
        for (const name of Object.keys(res?.headers ?? {})) {
          const { node: h, pointer: hPtr } = locate(openapi, `${resPtr}/headers/${esc(name)}`);
          headers[name] = { required: !!h?.required, schemaPointer: h?.schema ? `${hPtr}/schema` : undefined, schema: h?.schema };
        }
        const content = {};
        for (const media of Object.keys(res?.content ?? {})) {
          const mPtr = `${resPtr}/content/${esc(media)}`;
          content[media] = { schemaPointer: res.content[media].schema ? `${mPtr}/schema` : undefined };
        }
        responses[status] = { headers, content, description: res?.description };
      }
      const security = op.security ?? openapi.security ?? [];
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        pointer: opPtr,
        op,
        params,
        responses,
        secured: security.length > 0 && !security.some((s) => Object.keys(s).length === 0),
      });
    }
  }

  // Webhooks (OpenAPI 3.1 `webhooks`): the server POSTs them to the client, which checks headers and body.
  const webhooks = new Map();
  for (const name of Object.keys(openapi.webhooks ?? {})) {
    const { node: item, pointer: itemPtr } = locate(openapi, `/webhooks/${esc(name)}`);
    const op = item?.post;
    if (!op) continue;
    const opPtr = `${itemPtr}/post`;
    const params = (op.parameters ?? []).map((_, i) => locate(openapi, `${opPtr}/parameters/${i}`)).map(({ node, pointer }) => ({ ...node, pointer }));
    const { node: body, pointer: bodyPtr } = locate(openapi, `${opPtr}/requestBody`);
    const schemaPointer = body?.content?.['application/json']?.schema ? `${bodyPtr}/content/application~1json/schema` : undefined;
    webhooks.set(name, { name, operationId: op.operationId, params, schemaPointer });
  }

  // Stream messages by direction. The AsyncAPI document speaks for the server: `send` = server → client.
  const serverMessages = new Map();
  const clientMessages = new Map();
  for (const [opId, op0] of Object.entries(asyncapi.operations ?? {})) {
    const { node: op, pointer: opPtr } = locate(asyncapi, `/operations/${esc(opId)}`);
    const refs = op.messages?.length ? op.messages.map((_, i) => `${opPtr}/messages/${i}`) : [];
    for (const r of refs) {
      const { node: msg, pointer: msgPtr } = locate(asyncapi, r);
      const name = msg?.name;
      const typeConst = msg?.payload && locate(asyncapi, `${msgPtr}/payload`).node?.properties?.type?.const;
      const wire = typeConst ?? name;
      const entry = { name: wire, operation: opId, payloadPointer: `${msgPtr}/payload` };
      (op.action === 'send' ? serverMessages : clientMessages).set(wire, entry);
    }
    void op0;
  }
  const closeCodes = new Map();
  for (const ch of Object.values(asyncapi.channels ?? {})) {
    for (const c of ch?.['x-kallglot-close-codes'] ?? []) closeCodes.set(Number(c.code), c.name ?? String(c.code));
  }

  return {
    openapi,
    asyncapi,
    operations,
    webhooks,
    serverMessages,
    clientMessages,
    closeCodes,
    openapiValidator: (pointer) => oa.at(pointer),
    messageValidator: (wireType) => {
      const m = serverMessages.get(wireType) ?? clientMessages.get(wireType);
      return m ? aa.at(m.payloadPointer) : undefined;
    },
    resolve: (node) => (node && typeof node.$ref === 'string' ? locate(openapi, node.$ref.slice(1)).node : node),
  };
}

/** Ajv errors → one readable line: "/created_at must be string (got 1711454400)". */
export function describeErrors(errors, data) {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => {
      const at = e.instancePath || '/';
      const value = e.instancePath ? get(data, e.instancePath) : data;
      let extra = '';
      if (e.keyword === 'additionalProperties') extra = ` (${e.params.additionalProperty})`;
      else if (e.keyword === 'required') extra = ` (${e.params.missingProperty})`;
      else if (e.keyword === 'enum') extra = ` (${(e.params.allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')})`;
      const got = value === undefined || e.keyword === 'required' ? '' : ` (got ${truncate(JSON.stringify(value), 60)})`;
      return `${at} ${e.message}${extra}${got}`;
    })
    .join('; ');
}

const truncate = (s, n) => (s && s.length > n ? `${s.slice(0, n)}…` : s);
