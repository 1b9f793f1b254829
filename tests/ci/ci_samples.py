"""Small results files written from each format's documentation, and a large JUnit generator."""

from __future__ import annotations

from pathlib import Path

JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="4" failures="2" errors="0" skipped="1">
  <testsuite name="tests.test_cart" tests="4">
    <testcase classname="tests.test_cart" name="test_total" file="tests/test_cart.py" line="10">
      <failure message="TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'">Traceback (most recent call last):
  File "/srv/app/app/cart.py", line 11, in total
    return price + qty
TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'</failure>
    </testcase>
    <testcase classname="tests.test_cart" name="test_total_many">
      <failure message="TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'">Traceback (most recent call last):
  File "/srv/app/app/cart.py", line 11, in total
    return price + qty
TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'</failure>
    </testcase>
    <testcase classname="tests.test_cart" name="test_ok"/>
    <testcase classname="tests.test_cart" name="test_skip"><skipped message="later"/></testcase>
  </testsuite>
</testsuites>
"""

SUREFIRE_FLAKY = """<testsuite name="a.B" tests="2" failures="0">
  <testcase classname="a.B" name="flaky"><flakyFailure message="boom" type="java.lang.AssertionError">
    <stackTrace>java.lang.AssertionError: boom</stackTrace></flakyFailure></testcase>
  <testcase classname="a.B" name="broken"><failure message="x" type="java.lang.IllegalStateException">java.lang.IllegalStateException: x</failure>
    <rerunFailure message="x" type="java.lang.IllegalStateException"/></testcase>
</testsuite>
"""

NUNIT3 = """<test-run total="2" passed="1" failed="1"><test-suite type="Assembly">
<test-case name="A" fullname="N.C.A" result="Passed"/>
<test-case name="B" fullname="N.C.B" result="Failed"><failure><message>Expected 1 but was 2</message>
<stack-trace>at N.C.B() in C.cs:line 5</stack-trace></failure></test-case></test-suite></test-run>
"""

NUNIT2 = """<test-results total="2" errors="0" failures="1"><test-suite><results>
<test-case name="N.C.A" executed="True" result="Success" success="True"/>
<test-case name="N.C.B" executed="True" result="Failure" success="False"><failure><message>no</message></failure></test-case>
<test-case name="N.C.D" executed="False" result="Ignored"/>
</results></test-suite></test-results>
"""

XUNIT = """<assemblies><assembly total="2" passed="1" failed="1" skipped="0"><collection>
<test name="T.a" type="T" method="a" result="Pass"/>
<test name="T.b" type="T" method="b" result="Fail"><failure exception-type="Xunit.Sdk.EqualException">
<message>Assert.Equal() Failure</message><stack-trace>at T.b() in T.cs:line 9</stack-trace></failure></test>
</collection></assembly></assemblies>
"""

TRX = """<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
<UnitTestResult testId="1" testName="Pass1" outcome="Passed"/>
<UnitTestResult testId="2" testName="Fail1" outcome="Failed"><Output><ErrorInfo><Message>Assert.AreEqual failed</Message>
<StackTrace>at Ns.K.Fail1() in K.cs:line 3</StackTrace></ErrorInfo></Output></UnitTestResult>
<UnitTestResult testId="3" testName="Skip1" outcome="NotExecuted"/>
</Results><TestDefinitions><UnitTest id="2"><TestMethod className="Ns.K" name="Fail1"/></UnitTest></TestDefinitions></TestRun>
"""

GOJSON = "\n".join([
    '{"Action":"run","Package":"p","Test":"TestA"}',
    '{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:9: want 1 got 2\\n"}',
    '{"Action":"fail","Package":"p","Test":"TestA","Elapsed":0}',
    '{"Action":"pass","Package":"p","Test":"TestB","Elapsed":0}',
    '{"Action":"skip","Package":"p","Test":"TestC","Elapsed":0}',
    '{"Action":"fail","Package":"p","Elapsed":0.1}',
]) + "\n"

TAP = """TAP version 13
1..4
ok 1 - one
not ok 2 - two
  ---
  message: "expected 1"
  ...
ok 3 - three # SKIP no db
not ok 4 - four # TODO later
"""

JEST = ('{"numTotalTests":2,"numPassedTests":1,"numFailedTests":1,"testResults":[{"name":"/r/a.test.js",'
        '"status":"failed","assertionResults":[{"ancestorTitles":["a"],"title":"works","status":"passed",'
        '"failureMessages":[]},{"ancestorTitles":["a"],"title":"fails","status":"failed","failureMessages":'
        '["Error: expect(received).toBe(expected)\\n    at Object.<anonymous> (/r/a.test.js:5:9)"]}]}]}')

MOCHA = ('{"stats":{"tests":2,"passes":1,"pending":0,"failures":1},"tests":[{"title":"ok","fullTitle":"s ok",'
         '"file":"t.js","err":{}},{"title":"bad","fullTitle":"s bad","file":"t.js","err":{"message":"nope",'
         '"stack":"AssertionError: nope\\n    at Context.<anonymous> (test/t.js:3:7)","name":"AssertionError"}}],'
         '"pending":[],"failures":[],"passes":[]}')

CTRF = ('{"results":{"tool":{"name":"x"},"summary":{"tests":2,"passed":1,"failed":1,"skipped":0,"pending":0,'
        '"other":0},"tests":[{"name":"a","status":"passed","duration":1},{"name":"b","status":"failed",'
        '"duration":2,"message":"boom","trace":"Error: boom"}]}}')

XXE = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>
<testsuites><testsuite><testcase name="a"><failure>&xxe;</failure></testcase></testsuite></testsuites>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<testsuites><testsuite><testcase name="a"><failure>&lol3;</failure></testcase></testsuite></testsuites>
"""


def big_junit(path: Path, tests: int = 100_000, failures: int = 20_000, causes: int = 40) -> Path:
    """A JUnit file with ``failures`` failures spread over ``causes`` distinct causes."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write(f'<?xml version="1.0"?>\n<testsuites tests="{tests}" failures="{failures}">\n')
        fh.write(f'<testsuite name="big" tests="{tests}">\n')
        step = tests // failures
        for i in range(tests):
            name = f"test_case_{i}_" + "x" * 20
            if i % step == 0 and i // step < failures:
                c = i % causes
                fh.write(f'<testcase classname="pkg.mod{c}" name="{name}"><failure message="ValueError: bad value {i} in step {c}">'
                         f'Traceback (most recent call last):\n  File "/srv/app/app/mod{c}.py", line {c + 10}, in run{c}\n'
                         f'    do()\nValueError: bad value {i} in step {c}</failure></testcase>\n')
            else:
                fh.write(f'<testcase classname="pkg.ok" name="{name}" time="0.001"/>\n')
        fh.write("</testsuite>\n</testsuites>\n")
    return path
