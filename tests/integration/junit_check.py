"""Reads a JUnit XML file with junitparser and prints its suites and cases as JSON."""
import json
import sys

from junitparser import Error, Failure, JUnitXml, Skipped

xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    cases = []
    for case in suite:
        result, message = "passed", None
        for r in case.result:
            if isinstance(r, Failure):
                result = "failure"
            elif isinstance(r, Error):
                result = "error"
            elif isinstance(r, Skipped):
                result = "skipped"
            message = r.message
        cases.append({"name": case.name, "classname": case.classname,
                      "result": result, "message": message})
    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                   "errors": suite.errors, "skipped": suite.skipped, "cases": cases})
print(json.dumps(suites))
