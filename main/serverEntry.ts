/** Entry point of the embedded server's process (utilityProcess.fork in the app, child_process.fork in tests). */
import { consoleLogger } from '../server/logger.js';
import { parentChannel } from './serverChannel.js';
import { serveParent } from './serverProcess.js';

serveParent(parentChannel(), consoleLogger, (code) => process.exit(code));
