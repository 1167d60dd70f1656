// Sources coming back with their receipt. For now the page only explains what will come;
// the status flow (DESIGN §3 Follow-up) is its own piece of work.
import type { FastifyInstance } from 'fastify';

export async function followupRoutes(app: FastifyInstance): Promise<void> {
  app.get('/status', { config: { sourcePage: true } }, async (_request, reply) =>
    reply.view('pages/status', { title: 'Check on your account' }),
  );
}
