// Preloaded into the Prism child (`node --require prism-watchdog.cjs prism mock …`).
// The mock keeps a pipe on our stdin and never writes to it: end-of-file means the mock is gone (even after a
// SIGKILL, when no exit handler of the mock could run), so Prism goes too. Re-parenting is a second signal.
'use strict';
const parent = process.ppid;
const bye = () => process.exit(0);
process.stdin.on('end', bye);
process.stdin.on('close', bye);
process.stdin.on('error', bye);
process.stdin.resume();
setInterval(() => {
  if (process.ppid !== parent) bye();
}, 500).unref();
