// Type fixture (checked by msw-types.test.ts with tsc): overrides are typed from @kallglot/client's `paths`
// and stream scenarios from @kallglot/stream's AsyncAPI types. Every @ts-expect-error below must be a real error.
import { createKallglotHandlers } from '../../src/msw/index.js';

const handlers = createKallglotHandlers();

// Documented status + matching body: compiles.
handlers.override('GET /v1/sessions/{session_id}', ({ params }) => ({
  status: 404,
  body: { error: { type: 'not_found_error', code: 'session_not_found', message: `No session ${params.session_id}.` } },
}));
handlers.override('DELETE /v1/agents/{agent_id}', ({ params }) => ({ status: 200, body: { id: params.agent_id, object: 'agent', deleted: true } }));

// @ts-expect-error — not an operation of the API
handlers.override('GET /v1/nowhere', () => ({ status: 200, body: {} }));

// @ts-expect-error — 418 is not a documented status of this operation
handlers.override('GET /v1/sessions/{session_id}', () => ({ status: 418, body: { error: { type: 'x', code: 'y', message: 'z' } } }));

// @ts-expect-error — a 404 body must be the Error envelope, not a session
handlers.override('GET /v1/sessions/{session_id}', () => ({ status: 404, body: { id: 'sess_1', object: 'session' } }));

// @ts-expect-error — `deleted` is a boolean
handlers.override('DELETE /v1/agents/{agent_id}', () => ({ status: 200, body: { id: 'agt_1', object: 'agent', deleted: 'yes' } }));

handlers.override('GET /v1/agents/{agent_id}', ({ params }) => {
  // @ts-expect-error — this path has no session_id parameter
  void params.session_id;
  return { status: 404, body: { error: { type: 'not_found_error', code: 'agent_not_found', message: 'gone' } } };
});

// Stream scenarios: close codes of the taxonomy, turns shaped like transcript.final.
handlers.useStream({ closeWith: 4002 });
handlers.useStream({ transcript: [{ speaker: 'agent', language: 'en', text: 'Hello.' }] });

// @ts-expect-error — 4999 is not a close code of the stream
handlers.useStream({ closeWith: 4999 });

// @ts-expect-error — speakers are `agent` or `customer`
handlers.useStream({ transcript: [{ speaker: 'robot', text: 'Hi.' }] });
