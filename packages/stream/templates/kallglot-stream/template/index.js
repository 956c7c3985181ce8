import { File } from '@asyncapi/generator-react-sdk';

// One template file renders every output: messages.ts, validators.js, validators.d.ts and schemas.json.
// The logic lives in lib/build.cjs (plain CommonJS, required at render time rather than bundled by the transpiler).
export default async function ({ asyncapi }) {
  const { buildOutputs } = require('../lib/build.cjs');
  const outputs = await buildOutputs(asyncapi);
  return outputs.map((o) => <File name={o.name}>{o.content}</File>);
}
