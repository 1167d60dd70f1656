// The public side. For now the landing page; stories and statistics come with batch releases.
import type { FastifyInstance } from 'fastify';

export async function publishingRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (_request, reply) => reply.view('pages/index', { title: 'Accounts of AI-training gig work' }));
}
