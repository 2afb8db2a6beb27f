import { describe, expect, it } from 'vitest';
import { exampleRunSummary } from '../summary/example-run.fixture.js';
import { renderJunit } from './render-junit.js';

describe('renderJunit', () => {
  it('writes one test case per gate check, failures with their message', () => {
    expect(renderJunit(exampleRunSummary())).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="baton" tests="2" failures="1" errors="0" skipped="0" time="1.234">
        <testsuite name="baton gates" tests="2" failures="1" errors="0" skipped="0" time="1.234" timestamp="2025-01-02T03:04:05">
          <properties>
            <property name="runId" value="run-1"/>
            <property name="suite" value="support"/>
            <property name="dataset" value="datasets/support/suite.json"/>
            <property name="baseline" value="lexical"/>
            <property name="scorer" value="token-f1"/>
          </properties>
          <testcase classname="trained" name="answerQuality &gt;= 0.5" time="0">
            <system-out>trained answerQuality 0.52 &gt;= 0.50</system-out>
          </testcase>
          <testcase classname="trained" name="fallbackRate &lt;= 0.5" time="0">
            <failure message="trained fallbackRate 0.60 &gt; 0.50" type="max">trained fallbackRate 0.60 &gt; 0.50</failure>
          </testcase>
        </testsuite>
      </testsuites>
      "
    `);
  });

  it('writes a suite with zero tests when no gates are set', () => {
    const summary = { ...exampleRunSummary(), gate: { passed: true, checks: [] } };
    const xml = renderJunit(summary);
    expect(xml).toContain(
      '<testsuite name="baton gates" tests="0" failures="0" errors="0" skipped="0" time="1.234"',
    );
    expect(xml).not.toContain('<testcase');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    const summary = exampleRunSummary();
    const check = summary.gate.checks[1]!;
    summary.gate.checks = [
      { ...check, strategy: '<script>"x" & \'y\'</script>', message: `bad\u0001 \uD800value <1>` },
    ];
    const xml = renderJunit(summary);
    expect(xml).toContain('classname="&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"');
    expect(xml).toContain('<failure message="bad value &lt;1&gt;" type="max">bad value &lt;1&gt;</failure>');
    expect(xml).not.toContain('<script>');
  });
});
