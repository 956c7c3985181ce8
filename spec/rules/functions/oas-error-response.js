// Every 4xx/5xx response of an operation is a shared component from components/responses whose JSON body
// is the shared Error schema, so all errors share one envelope and one set of headers and examples.
import { componentName, originOf } from './oas-origin.js';

export default function oasErrorResponse(responses, _options, context) {
  if (!responses || typeof responses !== 'object') return [];
  const results = [];
  for (const [status, response] of Object.entries(responses)) {
    if (!/^[45]/.test(status)) continue;
    const at = [...context.path, status];
    if (!componentName(originOf(context, at), 'responses')) {
      results.push({ message: `Response ${status} must $ref a shared response from components/responses.`, path: at });
    }
    const schemaAt = [...at, 'content', 'application/json', 'schema'];
    const schema = response?.content?.['application/json']?.schema;
    if (!schema || componentName(originOf(context, schemaAt), 'schemas') !== 'Error') {
      results.push({
        message: `Response ${status} must answer application/json with the shared Error schema.`,
        path: schema ? schemaAt : at,
      });
    }
  }
  return results;
}
