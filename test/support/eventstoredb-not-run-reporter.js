/**
 * Says, once per Jest run, that the EventStoreDB tests did not run because no server was named
 * (jest.config.js leaves them out then): one line, and no test counted for them. Quiet when the
 * run was narrowed to paths that hold no EventStoreDB test. Plain JavaScript: Jest loads
 * reporters untransformed.
 */
const fs = require('node:fs');
const path = require('node:path');

const ESDB_SPEC = /\.esdb\.spec\.ts$/;

const specsUnder = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : specsUnder(full);
    return ESDB_SPEC.test(entry.name) ? [full] : [];
  });

class EventStoreDbNotRunReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete() {
    if (process.env.EVENTSTORE_CONNECTION_STRING) return;
    const pattern = this.globalConfig.testPathPattern;
    if (pattern) {
      const wanted = new RegExp(pattern, 'i');
      const specs = specsUnder(path.join(this.globalConfig.rootDir, 'test'));
      if (!specs.some((spec) => wanted.test(spec))) return;
    }
    process.stdout.write('not run: no EventStoreDB (set EVENTSTORE_CONNECTION_STRING)\n');
  }
}

module.exports = EventStoreDbNotRunReporter;
