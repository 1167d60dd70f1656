// `npm run torrc`: prints the torrc of the onion service (docs/onion-service.md) for the paths given,
// e.g. npm run torrc -- --socket /run/offscript/onion.sock --service-dir /var/lib/tor/offscript
//      [--data-dir /var/lib/tor] [--moderator-service-dir /var/lib/tor/offscript-mod]
import { parseArgs } from 'node:util';
import { COMPOSE_TORRC_OPTIONS, onionTorrc } from '../server/privacy/onion-config.js';

const { values } = parseArgs({
  options: {
    socket: { type: 'string', default: COMPOSE_TORRC_OPTIONS.socketPath },
    'service-dir': { type: 'string', default: COMPOSE_TORRC_OPTIONS.hiddenServiceDir },
    'data-dir': { type: 'string', default: '/var/lib/tor' },
    'moderator-service-dir': { type: 'string' },
  },
});
process.stdout.write(
  onionTorrc({
    socketPath: values.socket,
    hiddenServiceDir: values['service-dir'],
    dataDirectory: values['data-dir'],
    ...(values['moderator-service-dir'] ? { moderatorService: { hiddenServiceDir: values['moderator-service-dir'] } } : {}),
  }),
);
