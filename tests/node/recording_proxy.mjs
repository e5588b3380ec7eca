// Records what an upstream receives: a plain HTTP pass-through in front of a
// legacy server that appends one JSON line per request (method, path,
// Authorization header, body) to LOGFILE, so a test asserts on the
// upstream's side which requests and credentials reached it.
// Prints "listening on 127.0.0.1:PORT".
//   node recording_proxy.mjs TARGET_BASE LOGFILE
import http from 'node:http';
import fs from 'node:fs';

const [target, logFile] = process.argv.slice(2);
const upstream = new URL(target);
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    fs.appendFileSync(logFile, JSON.stringify({
      method: req.method, url: req.url, authorization: req.headers.authorization ?? null,
      body: body.toString('utf8'),
    }) + '\n');
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => { res.writeHead(up.statusCode, up.headers); up.pipe(res); });
    forward.on('error', (e) => { if (!res.headersSent) res.writeHead(502); res.end(String(e)); });
    res.on('close', () => forward.destroy());
    forward.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${server.address().port}`));
