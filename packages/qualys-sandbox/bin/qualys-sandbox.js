#!/usr/bin/env node
// Installed as a bin before dist/ exists, so npm can link it at install time.
import '../dist/bin/qualys-sandbox.js';
