// Mocha's spec output, plus the run's totals written to a JSON file so that
// scripts/run-tests.mjs can add them up across packages.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        const file = (options.reporterOptions && options.reporterOptions.summaryFile) || process.env.MOCHA_SUMMARY_FILE;
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            if (!file) return;
            const { passes, failures, pending, tests } = runner.stats;
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, JSON.stringify({ passes, failures, pending, tests }));
        });
    }
}
module.exports = SummaryReporter;
