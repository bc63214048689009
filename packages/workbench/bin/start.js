#!/usr/bin/env node
// What the repository's `npm start` runs; kept outside dist/ so the path stays stable.
import '../dist/bin/start.js';
