// Child process of the ingestion benchmark: replays captured host detection pages through a baseline parser.
import { serveBenchTask } from './bench-child.js';
import { replayPages, type ReplayResult, type ReplayTask } from './page-replay.js';

serveBenchTask<ReplayTask, ReplayResult>(task => replayPages(task));
