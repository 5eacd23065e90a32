#!/usr/bin/env python3
"""Sums up the TRX reports of every test assembly of a run.

Usage: trx_summary.py RESULTS_DIR TEST_COMMAND_EXIT_CODE

Prints each skipped test with its reason, each failed test with its message, then, as the very last line,
"N passed, N failed, N skipped" (a TRX "NotExecuted" outcome counts as skipped; any outcome other than Passed and
NotExecuted counts as failed). Exits 1 when the test command failed, a test failed, a report could not be read, or no
test executed at all (a run that executed no test is a failure); 0 otherwise.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
MAX_REASON = 400


def one_line(text, limit=MAX_REASON):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def text_of(result, path):
    node = result.find(path)
    return node.text if node is not None and node.text else ""


def skip_reason(result):
    """MTP writes the skip reason into the result's StdOut, after any output the test wrote itself."""
    message = text_of(result, f"{NS}Output/{NS}ErrorInfo/{NS}Message")
    if message.strip():
        return one_line(message)
    stdout = text_of(result, f"{NS}Output/{NS}StdOut").strip()
    if not stdout:
        return "(no reason given)"
    paragraphs = [p for p in stdout.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return one_line(paragraphs[-1] if paragraphs else stdout)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    results_dir, command_status = argv[1], int(argv[2])

    passed = failed = skipped = 0
    skips, failures, unreadable = [], [], []
    files = sorted(glob.glob(os.path.join(results_dir, "**", "*.trx"), recursive=True))
    for path in files:
        assembly = os.path.splitext(os.path.basename(path))[0]
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as error:
            unreadable.append(f"{path}: {error}")
            continue
        results = root.find(f"{NS}Results")
        for result in (results if results is not None else []):
            if result.tag != f"{NS}UnitTestResult":
                continue
            name = result.get("testName", "(unnamed)")
            outcome = result.get("outcome", "")
            if outcome == "Passed":
                passed += 1
            elif outcome == "NotExecuted":
                skipped += 1
                skips.append(f"  {name} [{assembly}]: {skip_reason(result)}")
            else:
                failed += 1
                message = text_of(result, f"{NS}Output/{NS}ErrorInfo/{NS}Message")
                failures.append(f"  {name} [{assembly}] {outcome}: {one_line(message) or '(no message)'}")

    print(f"ci: {len(files)} TRX report(s) under {results_dir}")
    if skips:
        print(f"ci: skipped tests ({len(skips)}):")
        print("\n".join(skips))
    if failures:
        print(f"ci: failed tests ({len(failures)}):")
        print("\n".join(failures))
    for problem in unreadable:
        print(f"ci: unreadable TRX report {problem}")

    ok = True
    if command_status != 0:
        print(f"ci: the test command exited with code {command_status}")
        ok = False
    if failed or unreadable:
        ok = False
    if passed + failed == 0:
        print("ci: no test executed; a run that executed no test is a failure")
        ok = False

    print(f"{passed} passed, {failed} failed, {skipped} skipped", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
