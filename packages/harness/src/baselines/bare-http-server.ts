// Baseline of the webhook benchmark: the cheapest possible answer — node:http reads the POST body
// and answers 200. Nothing verified, nothing stored.
import http from "node:http";

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  req.on("data", () => {});
  req.on("end", () => res.writeHead(200, { "content-type": "text/plain", "content-length": "2" }).end("ok"));
});
server.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
