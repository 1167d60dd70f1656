// A loopback HTTP proxy that passes every request on to the app but, for the requests a test
// picks, waits for the app's answer and then closes the browser's connection without it: the
// "lost 201" of a flaky network, after the server has done the work.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AnswerDroppingProxy {
  origin: string;
  /** How many answers were dropped so far. */
  dropped(): number;
  close(): Promise<void>;
}

export async function startAnswerDroppingProxy(target: string, drop: (method: string, path: string) => boolean): Promise<AnswerDroppingProxy> {
  const upstream = new URL(target);
  let dropped = 0;
  const server = http.createServer((request, response) => {
    const forwarded = http.request({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      if (drop(request.method ?? 'GET', request.url ?? '/')) {
        // Read the whole answer (the app has finished), then cut the connection instead.
        answer.resume();
        answer.on('end', () => {
          dropped++;
          request.socket.destroy();
        });
        return;
      }
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forwarded.on('error', () => request.socket.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
