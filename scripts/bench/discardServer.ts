/** Reads each request body to its end and throws it away: the fastest any upload to this machine can go. */
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(req.url === '/health' ? '{"status":"healthy"}' : '{"status":"success","index":0}');
  });
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
