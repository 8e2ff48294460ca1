"""GitHub Classroom's results, made from the grader's results.json
(labs/README.md, "GitHub Classroom").

GitHub Classroom's reporter action (classroom-resources/
autograding-grading-reporter@v1) reads, for each runner ID named in its
`runners` input, the environment variable ID_RESULTS (ID in capitals): the
base64 of a JSON document that its grader actions write, of the form

    {"version": 1, "status": "pass" | "fail" | "error", "max_score": M,
     "tests": [{"name", "status", "score", "message", "test_code",
                "filename", "line_no", "duration"}, ...]}

The points it reports to Classroom are the sum of the tests' `score` over
`max_score`, so one runner carrying every test of the lab gives a partial
score per test.  `duration` is in milliseconds.  The document reaches the
reporter through an environment variable, and Linux bounds one at 128 KiB
(MAX_ARG_STRLEN): each message is cut to its first MESSAGE_CHARACTERS, the
whole output being in the workflow's log, where `make grade` prints it.
"""
MESSAGE_CHARACTERS = 1000


def message(output):
    if len(output) <= MESSAGE_CHARACTERS:
        return output
    return output[:MESSAGE_CHARACTERS] + "\n... (the whole output is in the Grade step's log)"


def classroom_results(results, seconds_by_test, build_failed):
    """The reporter's document for RESULTS (results.json's document);
    SECONDS_BY_TEST gives each test's running time by name; a failed build
    is the status "error"."""
    tests = [{
        "name": test["name"],
        "status": "pass" if test["status"] == "passed" else "fail",
        "score": test["score"],
        "message": message(test["output"]),
        "test_code": "make grade TEST=%s" % test["name"],
        "filename": "",
        "line_no": 0,
        "duration": int(round(1000 * seconds_by_test.get(test["name"], 0))),
    } for test in results["tests"]]
    if build_failed:
        status = "error"
    else:
        status = "pass" if all(test["status"] == "pass" for test in tests) else "fail"
    return {"version": 1, "status": status,
            "max_score": sum(test["max_score"] for test in results["tests"]), "tests": tests}
