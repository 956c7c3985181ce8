// Validates every example of an AsyncAPI message against the message payload (and headers) with Ajv.
// Strict mode is on so a typo in a schema keyword fails the lint too; `x-` extensions and the AsyncAPI
// schema keywords are declared as annotations.
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ASYNCAPI_KEYWORDS = ['discriminator', 'externalDocs'];
const instances = new Map();

function ajvFor(dialect) {
  let ajv = instances.get(dialect);
  if (!ajv) {
    const Ctor = dialect === '2020-12' ? Ajv2020 : Ajv;
    ajv = new Ctor({ allErrors: true, strict: true, strictTypes: false, validateFormats: true });
    addFormats(ajv);
    ajv.addVocabulary(ASYNCAPI_KEYWORDS);
    instances.set(dialect, ajv);
  }
  return ajv;
}

function declareExtensions(ajv, schema, seen = new Set()) {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') && !ajv.getKeyword(key)) ajv.addKeyword({ keyword: key });
    declareExtensions(ajv, value, seen);
  }
}

function compile(schemaOrMulti) {
  let schema = schemaOrMulti;
  let dialect = 'draft-07'; // AsyncAPI Schema (the default schemaFormat) is a draft-07 superset
  if (schema && typeof schema === 'object' && 'schemaFormat' in schema) {
    if (/2020-12/.test(schema.schemaFormat)) dialect = '2020-12';
    schema = schema.schema;
  }
  const ajv = ajvFor(dialect);
  declareExtensions(ajv, schema);
  return ajv.compile(schema);
}

export default function asyncapiExampleValid(message, _options, context) {
  if (!message || typeof message !== 'object' || !Array.isArray(message.examples)) return [];
  const results = [];
  for (const part of ['payload', 'headers']) {
    if (message[part] === undefined) continue;
    let validate;
    try {
      validate = compile(message[part]);
    } catch (error) {
      results.push({ message: `Message ${part} schema does not compile: ${error.message}`, path: [...context.path, part] });
      continue;
    }
    message.examples.forEach((example, index) => {
      if (!example || typeof example !== 'object' || !(part in example)) return;
      if (validate(example[part])) return;
      for (const err of validate.errors ?? []) {
        const where = err.instancePath || '(root)';
        results.push({
          message: `Example ${example.name ?? index} ${part} ${where} ${err.message}${formatParams(err)}`,
          path: [...context.path, 'examples', index, part, ...pointerToPath(err.instancePath)],
        });
      }
    });
  }
  return results;
}

function formatParams(err) {
  if (err.keyword === 'additionalProperties') return `: ${err.params.additionalProperty}`;
  if (err.keyword === 'const') return `: ${JSON.stringify(err.params.allowedValue)}`;
  if (err.keyword === 'enum') return `: ${err.params.allowedValues.join(', ')}`;
  return '';
}

function pointerToPath(pointer) {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
