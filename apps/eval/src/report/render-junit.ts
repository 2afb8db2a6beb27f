import type { RunSummary } from '../run-summary.js';
import { escapeMarkup } from './escape-markup.js';

/** Name of the one test suite in `junit.xml`. */
export const junitSuiteName = 'baton gates';

/**
 * Renders `junit.xml`: one test suite, {@link junitSuiteName}, with one test case per gate check
 * (`classname` = strategy, `name` = check) so that CI dashboards list the gates; a failed check
 * carries a `<failure>` with its one-line message, a passed one has the message as output. With
 * no gate checks the suite has zero tests. Every attribute and text is escaped, and characters
 * XML cannot carry are dropped.
 *
 * @param summary - The run summary.
 * @returns The XML document, ending with a newline.
 *
 * @example
 * ```ts
 * await writeFile(join(out, 'junit.xml'), renderJunit(summary));
 * ```
 */
export function renderJunit(summary: RunSummary): string {
  const { checks } = summary.gate;
  const failures = checks.filter((check) => !check.passed).length;
  const seconds = (summary.durationMs / 1000).toFixed(3);
  const counts = `tests="${checks.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}"`;
  const properties: [string, string][] = [
    ['runId', summary.runId],
    ['suite', summary.suite.name],
    ['dataset', summary.suite.dataset],
    ['baseline', summary.baseline],
    ['scorer', summary.scorer.answerQuality],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="baton" ${counts}>`,
    `  <testsuite name="${junitSuiteName}" ${counts} timestamp="${attribute(timestamp(summary.createdAt))}">`,
    '    <properties>',
    ...properties.map(
      ([name, value]) => `      <property name="${attribute(name)}" value="${attribute(value)}"/>`,
    ),
    '    </properties>',
  ];
  for (const check of checks) {
    const opening = `    <testcase classname="${attribute(check.strategy)}" name="${attribute(check.name)}" time="0">`;
    const message = attribute(check.message);
    lines.push(
      opening,
      check.passed
        ? `      <system-out>${message}</system-out>`
        : `      <failure message="${message}" type="${attribute(check.kind)}">${message}</failure>`,
      '    </testcase>',
    );
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}

const attribute = escapeMarkup;

/** The JUnit schema's timestamp: ISO 8601 to the second, without a zone (the run's is UTC). */
function timestamp(createdAt: string): string {
  const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.exec(createdAt);
  return match === null ? createdAt : match[0];
}
