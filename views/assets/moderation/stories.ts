// The stories list needs no code of its own; its bundle gives it what every console page shares (log out).
import { startPage } from './page-start.js';

startPage('mod-stories', () => {});
