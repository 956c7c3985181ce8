// Echo server for the stream benchmark, in its own process so its work never shares the client's event loop.
// Speaks the protocol: session.ready on connect, pong for ping, and for every audio.input a transcript.partial
// whose `text` is the audio's sequence (so the client can match replies to sends).
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => process.stdout.write(`${JSON.stringify({ port: wss.address().port })}\n`));
wss.on('connection', (ws, req) => {
  const sessionId = /\/sessions\/([^/]+)\//.exec(req.url ?? '')?.[1] ?? 'sess_bench';
  ws.send(JSON.stringify({ type: 'session.ready', session_id: sessionId }));
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.type === 'audio.input') {
      ws.send(`{"type":"transcript.partial","sequence":1,"speaker":"customer","language":"en","text":"${msg.sequence}","timestamp":"2026-01-01T00:00:00.000Z"}`);
    } else if (msg.type === 'ping') {
      ws.send(JSON.stringify({ type: 'pong', session_id: sessionId }));
    } else if (msg.type === 'session.end') {
      ws.send(JSON.stringify({ type: 'session.ended', session_id: sessionId, reason: 'explicit_end' }));
      ws.close(1000);
    }
  });
});
process.on('disconnect', () => wss.close(() => process.exit(0)));
process.on('SIGTERM', () => process.exit(0));
